//! Rate limits, shared by all the calls of one client.
//!
//! - **The gate**: while the service has asked the client to wait (a 429 or
//!   420 with `Retry-After`, or Cloudinary's window spent before its reset),
//!   no call leaves.
//! - **The pace**: once the service has throttled the client, calls leave one
//!   at a time, at the rate the service lets through, rather than all at once
//!   when the gate opens. The rate is learned from the answers (aws-sdk-rust's
//!   adaptive retry mode is the model): each throttle cuts it to 90% of what
//!   the service let through over the last second (or, too soon after the
//!   last cut to measure, to 90% of 90% of the pace), from where it climbs
//!   back along a cubic curve: to that rate in under 4 s, then past it,
//!   slowly at first (5% three seconds later), then faster (25% five
//!   seconds later), until the next throttle. After the first throttle,
//!   when nothing is known of the limit, it starts from what the service
//!   let through before refusing and doubles every second until the next.
//!   Until a first throttle, and a minute after the last, calls are not
//!   paced: a caller already below the limit pays nothing.
//! - **The window** (Cloudinary's `X-FeatureRateLimit-*`): no more calls are
//!   in flight than the window has left; when the calls waiting outnumber
//!   what is left, what is left is spread over the time to the reset (but a
//!   call the spread would keep past its budget takes its share at once);
//!   when nothing is left, calls wait for the reset.
//!
//! [`State`] is the arithmetic, driven by the instants it is given; [`Pacer`]
//! puts it behind a lock and a turnstile, where calls queue in order.

use std::cmp::Reverse;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName};
use reqwest::StatusCode;

use crate::retry::is_rate_limit_status;

/// The rate limit the service reports (Cloudinary's
/// `X-FeatureRateLimit-Limit`, `-Remaining` and `-Reset` headers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls allowed in the current window.
    pub limit: Option<u64>,
    /// Calls left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// What an answer's headers report, if they report a limit.
    fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let text = |name: HeaderName| Some(headers.get(name)?.to_str().ok()?.trim());
        let number = |name| text(name)?.parse::<u64>().ok();
        let reported = Self {
            limit: number(LIMIT),
            remaining: number(REMAINING),
            reset: text(RESET)
                .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
                .map(SystemTime::from),
        };
        (reported.limit.is_some() || reported.remaining.is_some()).then_some(reported)
    }

    /// Which of two reports is the service's latest state, by its own
    /// clock: the later reset, then the fewer calls left.
    fn order(&self) -> (Option<SystemTime>, Reverse<Option<u64>>) {
        (self.reset, Reverse(self.remaining))
    }
}

// Names made once: looking a header up by text parses the name each time.
const LIMIT: HeaderName = HeaderName::from_static("x-featureratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-featureratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-featureratelimit-reset");

/// The lowest pace: one call every two seconds.
const MIN_RATE: f64 = 0.5;
/// A throttle leaves this share of what the service let through.
const CUT: f64 = 0.9;
/// The cubic's steepness: after a cut, the pace is back at the rate the
/// service let through after `((1 - CUT) / CUBIC)^(1/3)` seconds (3.7 s).
const CUBIC: f64 = 0.002;
/// How much it grows a second after the first throttle, until the next.
const PROBE: f64 = 2.0;
/// What the service let through is measured over this span, at most...
const MEASURE: Duration = Duration::from_secs(1);
/// ...and trusted over this span and this many answers, at least.
const MIN_MEASURE: Duration = Duration::from_millis(200);
const MIN_MEASURED: usize = 5;
/// Once the client paces, a wait this long or shorter slows the pace rather
/// than holding every call: `Retry-After` counts whole seconds, so a token
/// bucket's "soon" reads 1.
const SHORT_WAIT: Duration = Duration::from_secs(1);
/// Pacing ends this long after the last throttle.
const QUIET: Duration = Duration::from_secs(60);
/// The most answers kept to measure a rate (a second's worth, up to this).
const MAX_KEPT: usize = 4096;

/// The learned pace.
#[derive(Clone, Copy, Debug)]
struct Pace {
    /// Calls a second: where doubling starts, or the rate the cubic climbs
    /// back to.
    level: f64,
    /// From when the rate grows.
    since: Instant,
    /// Doubling every second (the service's rate is unknown), or the cubic.
    probing: bool,
    /// While doubling: what each answer let through before the first
    /// throttle adds to `level` (1 / the span it was measured over).
    per_answer: f64,
    /// The last throttle the pace reacted to: a throttle of a call sent
    /// before it says nothing new.
    cut_at: Instant,
    /// The last throttle seen.
    throttled_at: Instant,
}

impl Pace {
    fn rate(&self, now: Instant) -> f64 {
        // Pacing ends after QUIET; the bound keeps the powers finite.
        let t = now
            .saturating_duration_since(self.since)
            .min(QUIET)
            .as_secs_f64();
        let rate = if self.probing {
            self.level * PROBE.powf(t)
        } else {
            let back = ((1.0 - CUT) / CUBIC).cbrt();
            self.level * (1.0 + CUBIC * (t - back).powi(3))
        };
        rate.max(MIN_RATE)
    }
}

/// The service's window, as its latest answer reports it.
#[derive(Clone, Copy, Debug)]
struct Window {
    remaining: u64,
    /// The reset, by the service's clock and by this one.
    reset: SystemTime,
    reset_at: Instant,
    /// When the next call may leave, while what is left is spread.
    spread_until: Option<Instant>,
}

/// What an answer tells the pacer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Answer {
    /// A 429 or 420: the service refused the call for its rate limit.
    pub throttled: bool,
    /// The wait it asked for.
    pub wait: Option<Duration>,
    /// The limit it reported.
    pub limit: Option<RateLimit>,
}

impl Answer {
    pub(crate) fn read(status: StatusCode, headers: &HeaderMap, asked: Option<Duration>) -> Self {
        Self {
            throttled: is_rate_limit_status(status),
            wait: asked,
            limit: RateLimit::from_headers(headers),
        }
    }
}

/// The arithmetic of the gate, the pace and the window, at the instants it
/// is given.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// No call leaves before this: the wait the service asked for.
    hold_until: Option<Instant>,
    /// The pace, once the service has throttled the client.
    pace: Option<Pace>,
    /// When the next call may leave under the pace (one at a time: nothing
    /// is saved up).
    next_free: Option<Instant>,
    /// When answers the service let through arrived, over the last second.
    accepted: VecDeque<Instant>,
    window: Option<Window>,
    /// Calls that left and have no answer yet.
    in_flight: u64,
    /// The service's latest report, by its own clock.
    reported: Option<RateLimit>,
}

impl State {
    /// The earliest instant the first of `waiting` queued calls may leave,
    /// given its `deadline`.
    pub(crate) fn departure(&mut self, now: Instant, waiting: usize, deadline: Instant) -> Instant {
        if self
            .pace
            .is_some_and(|pace| now.saturating_duration_since(pace.throttled_at) >= QUIET)
        {
            self.pace = None;
            self.next_free = None;
        }
        let mut at = now;
        if let Some(hold) = self.hold_until {
            at = at.max(hold);
        }
        if let (Some(_), Some(next)) = (self.pace, self.next_free) {
            at = at.max(next);
        }
        if let Some(window) = self.window.filter(|w| now < w.reset_at) {
            let allowed = window.remaining.saturating_sub(self.in_flight);
            if allowed == 0 {
                at = at.max(window.reset_at);
            } else if waiting as u64 > allowed {
                // Spread, unless that would fail the call: then it goes
                // while the window has room.
                if let Some(spread) = window.spread_until.filter(|s| *s <= deadline) {
                    at = at.max(spread);
                }
            }
        }
        at
    }

    /// A call leaves at `now`, `waiting` calls being queued (itself included).
    pub(crate) fn depart(&mut self, now: Instant, waiting: usize) {
        if let Some(pace) = self.pace {
            let interval = Duration::from_secs_f64(1.0 / pace.rate(now));
            self.next_free = Some(self.next_free.map_or(now, |n| n.max(now)) + interval);
        }
        if let Some(window) = self.window.as_mut().filter(|w| now < w.reset_at) {
            let allowed = window.remaining.saturating_sub(self.in_flight);
            window.spread_until = (waiting as u64 > allowed && allowed > 0)
                .then(|| now + (window.reset_at - now).div_f64(allowed as f64));
        }
        self.in_flight += 1;
    }

    /// The answer to a call that left at `sent` (`None`: it failed without
    /// one).
    pub(crate) fn answered(
        &mut self,
        now: Instant,
        wall: SystemTime,
        sent: Instant,
        answer: Option<&Answer>,
    ) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let Some(answer) = answer else { return };
        if let Some(limit) = &answer.limit {
            self.report(now, wall, limit);
        }
        if !answer.throttled {
            // An answer to a call sent before the first throttle, read after
            // it, counts toward where the pace starts.
            if let Some(pace) = self.pace.as_mut().filter(|p| p.probing && sent < p.cut_at) {
                pace.level += pace.per_answer;
            }
            while self.accepted.len() >= MAX_KEPT
                || self.accepted.front().is_some_and(|t| now - *t > MEASURE)
            {
                self.accepted.pop_front();
            }
            self.accepted.push_back(now);
            return;
        }
        let windowed = answer.limit.as_ref().is_some_and(|l| l.remaining.is_some());
        if let Some(wait) = answer.wait {
            if windowed || self.pace.is_none() || wait > SHORT_WAIT {
                let until = now + wait;
                self.hold_until = Some(self.hold_until.map_or(until, |h| h.max(until)));
            }
        }
        // The window explains the refusal, and says when it ends.
        if windowed {
            return;
        }
        let resume = self.hold_until.map_or(now, |h| h.max(now));
        let measure_from = |pace: &Pace| {
            now.checked_sub(MEASURE)
                .map_or(pace.since, |t| t.max(pace.since))
        };
        let let_through = match &self.pace {
            None => self.accepted_since(now.checked_sub(MEASURE).unwrap_or(now)),
            Some(pace) => self.accepted_since(measure_from(pace)),
        };
        match &mut self.pace {
            None => {
                // Nothing is known of the limit but what it let through.
                let per_answer = 1.0 / answer.wait.unwrap_or_default().max(MEASURE).as_secs_f64();
                let level = let_through as f64 * per_answer;
                self.pace = Some(Pace {
                    level,
                    since: resume,
                    probing: true,
                    per_answer,
                    cut_at: now,
                    throttled_at: now,
                });
                self.next_free = None;
                tracing::debug!(rate = level, let_through, "rate limited: pacing starts");
            }
            Some(pace) => {
                pace.throttled_at = now;
                if sent < pace.cut_at {
                    return;
                }
                let current = pace.rate(now);
                let span = now.saturating_duration_since(measure_from(pace));
                let measured = (span >= MIN_MEASURE && let_through >= MIN_MEASURED)
                    .then(|| let_through as f64 / span.as_secs_f64());
                // Unmeasured, the throttle follows a cut too close: deeper.
                pace.level = measured.map_or(CUT * current, |m| m.min(current));
                pace.since = resume;
                pace.probing = false;
                pace.cut_at = now;
                tracing::debug!(
                    rate = pace.rate(resume),
                    was = current,
                    let_through = measured,
                    "rate limited: the pace is cut"
                );
            }
        }
    }

    fn accepted_since(&self, from: Instant) -> usize {
        self.accepted.len() - self.accepted.partition_point(|t| *t <= from)
    }

    /// Keeps the service's latest report, by its own clock.
    fn report(&mut self, now: Instant, wall: SystemTime, limit: &RateLimit) {
        if self
            .reported
            .as_ref()
            .is_some_and(|kept| limit.order() <= kept.order())
        {
            return;
        }
        self.reported = Some(limit.clone());
        self.window = match (limit.remaining, limit.reset) {
            (Some(remaining), Some(reset)) => {
                let left = reset.duration_since(wall).unwrap_or_default();
                let same = self.window.filter(|w| w.reset == reset);
                Some(Window {
                    remaining,
                    reset,
                    reset_at: now + left,
                    spread_until: same.and_then(|w| w.spread_until),
                })
            }
            _ => None,
        };
    }

    /// How long the gate holds calls, from `now`.
    pub(crate) fn hold(&self, now: Instant) -> Option<Duration> {
        self.hold_until
            .and_then(|hold| hold.checked_duration_since(now))
            .filter(|wait| !wait.is_zero())
    }

    /// The pace's rate at `now`, if the client paces.
    #[cfg(test)]
    fn rate(&self, now: Instant) -> Option<f64> {
        self.pace.map(|pace| pace.rate(now))
    }
}

/// Nothing was sent: the call would wait this long, past its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Held(pub Duration);

/// One per client: the state behind a lock, and a turnstile where waiting
/// calls queue, first come first served, so that they leave one after
/// another.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<State>,
    turnstile: tokio::sync::Mutex<()>,
    waiting: AtomicUsize,
    /// Wakes the call at the head of the turnstile when an answer comes:
    /// it may free a window's room, or bring its reset.
    answered: tokio::sync::Notify,
}

impl Pacer {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays whole under a panic elsewhere: every change is
        // made under the lock, without a call out.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for the call's turn to leave, or fails with the wait when it
    /// would leave after `deadline`: at once when the service's announced
    /// wait alone runs past it.
    pub(crate) async fn depart(&self, deadline: Instant) -> Result<Flight<'_>, Held> {
        {
            let now = Instant::now();
            let mut state = self.state();
            if let Some(hold) = state.hold(now).filter(|hold| now + *hold > deadline) {
                return Err(Held(hold));
            }
            // Nobody queued and nothing to wait for: the call leaves.
            if let Ok(_turn) = self.turnstile.try_lock() {
                if state.departure(now, 1, deadline) <= now {
                    state.depart(now, 1);
                    return Ok(Flight::new(self, now));
                }
            }
        }
        let _queued = Queued::new(&self.waiting);
        let _turn = self.turnstile.lock().await;
        loop {
            let now = Instant::now();
            let at = {
                let mut state = self.state();
                let waiting = self.waiting.load(Ordering::Relaxed);
                let at = state.departure(now, waiting, deadline);
                if at <= now {
                    state.depart(now, waiting);
                    return Ok(Flight::new(self, now));
                }
                at
            };
            if at > deadline {
                return Err(Held(at - now));
            }
            // Until then, or the next answer (a notice left while no one
            // waited only makes the next wait look again).
            let _ = tokio::time::timeout(at - now, self.answered.notified()).await;
        }
    }

    /// Keeps what an answer reports, for a call the pacer did not send (the
    /// gate is off).
    pub(crate) fn report(&self, headers: &HeaderMap) {
        if let Some(limit) = RateLimit::from_headers(headers) {
            self.state()
                .report(Instant::now(), SystemTime::now(), &limit);
        }
    }

    pub(crate) fn rate_limit(&self) -> Option<RateLimit> {
        self.state().reported.clone()
    }
}

/// Counts a call among those waiting, while it waits.
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn new(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::Relaxed);
        Self(waiting)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A call that left: its answer goes back to the pacer, or its failure
/// when it is dropped without one (a failed connection, a cancelled call).
pub(crate) struct Flight<'a> {
    pacer: &'a Pacer,
    sent: Instant,
    answered: bool,
}

impl<'a> Flight<'a> {
    fn new(pacer: &'a Pacer, sent: Instant) -> Self {
        Self {
            pacer,
            sent,
            answered: false,
        }
    }

    pub(crate) fn answered(mut self, answer: &Answer) {
        self.answered = true;
        self.pacer
            .state()
            .answered(Instant::now(), SystemTime::now(), self.sent, Some(answer));
        self.pacer.answered.notify_one();
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        if !self.answered {
            self.pacer
                .state()
                .answered(Instant::now(), SystemTime::now(), self.sent, None);
            self.pacer.answered.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instants and wall-clock times `ms` after a start.
    struct Clock(Instant, SystemTime);

    impl Clock {
        fn new() -> Self {
            Self(Instant::now(), SystemTime::now())
        }
        fn at(&self, ms: u64) -> Instant {
            self.0 + Duration::from_millis(ms)
        }
        fn wall(&self, ms: u64) -> SystemTime {
            self.1 + Duration::from_millis(ms)
        }
    }

    /// A deadline no test reaches.
    fn far() -> Instant {
        Instant::now() + Duration::from_secs(86_400)
    }

    fn ok() -> Answer {
        Answer::default()
    }

    fn throttle(wait_ms: Option<u64>) -> Answer {
        Answer {
            throttled: true,
            wait: wait_ms.map(Duration::from_millis),
            limit: None,
        }
    }

    fn window(remaining: u64, reset: SystemTime) -> Answer {
        Answer {
            throttled: false,
            wait: None,
            limit: Some(RateLimit {
                limit: Some(10),
                remaining: Some(remaining),
                reset: Some(reset),
            }),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    /// 20 answers let through at once, then a 429 asking for 1 s, 10 ms in.
    fn throttled_after_a_burst_of_20(clock: &Clock) -> State {
        let mut state = State::default();
        for i in 0..20 {
            state.depart(clock.at(0), 1);
            state.answered(clock.at(i / 4), clock.wall(i / 4), clock.at(0), Some(&ok()));
        }
        state.depart(clock.at(0), 1);
        state.answered(
            clock.at(10),
            clock.wall(10),
            clock.at(0),
            Some(&throttle(Some(1000))),
        );
        state
    }

    #[test]
    fn no_pace_and_no_wait_until_the_service_throttles() {
        let clock = Clock::new();
        let mut state = State::default();
        for i in 0..100 {
            assert_eq!(state.departure(clock.at(i), 64, far()), clock.at(i));
            state.depart(clock.at(i), 64);
            state.answered(clock.at(i), clock.wall(i), clock.at(i), Some(&ok()));
        }
        assert_eq!(state.rate(clock.at(100)), None);
    }

    #[test]
    fn the_first_throttle_holds_every_call_then_paces_from_what_got_through() {
        let clock = Clock::new();
        let mut state = throttled_after_a_burst_of_20(&clock);
        assert_eq!(state.hold(clock.at(10)), Some(Duration::from_secs(1)));
        assert_eq!(state.departure(clock.at(10), 64, far()), clock.at(1010));
        // 20 let through, then a wait of 1 s: 20 a second, doubling each
        // second from the end of the wait.
        assert!(close(state.rate(clock.at(1010)).unwrap(), 20.0));
        assert!(close(state.rate(clock.at(2010)).unwrap(), 40.0));
        // The other calls of the burst, refused too, say nothing new.
        state.answered(
            clock.at(12),
            clock.wall(12),
            clock.at(0),
            Some(&throttle(Some(1000))),
        );
        assert_eq!(state.departure(clock.at(12), 64, far()), clock.at(1010));
        assert!(close(state.rate(clock.at(1010)).unwrap(), 20.0));
        // One of the burst let through but read after the throttle counts.
        state.answered(clock.at(13), clock.wall(13), clock.at(0), Some(&ok()));
        assert!(close(state.rate(clock.at(1010)).unwrap(), 21.0));
    }

    #[test]
    fn calls_leave_one_at_a_time_at_the_pace_with_nothing_saved_up() {
        let clock = Clock::new();
        let mut state = throttled_after_a_burst_of_20(&clock);
        // At 20 a second (and growing): 50 ms apart, then a little less.
        state.depart(clock.at(1010), 64);
        let second = state.departure(clock.at(1010), 63, far());
        assert_eq!(second, clock.at(1060));
        state.depart(second, 63);
        let third = state.departure(second, 62, far());
        assert!(
            third > clock.at(1105) && third < clock.at(1110),
            "{:?}",
            third - clock.at(0)
        );
        // A quiet spell earns no burst: after it, one call, then the pace.
        let later = clock.at(5000);
        assert_eq!(state.departure(later, 2, far()), later);
        state.depart(later, 2);
        assert!(state.departure(later, 1, far()) > later);
    }

    #[test]
    fn a_later_throttle_cuts_the_pace_to_nine_tenths_of_what_got_through_and_holds_nothing() {
        let clock = Clock::new();
        let mut state = throttled_after_a_burst_of_20(&clock);
        // 30 let through in the second after the wait, where the pace
        // reached 40.
        for i in 0..30 {
            let t = 1010 + i * 1000 / 30;
            state.depart(clock.at(t), 64);
            state.answered(clock.at(t + 1), clock.wall(t + 1), clock.at(t), Some(&ok()));
        }
        state.depart(clock.at(2005), 64);
        state.answered(
            clock.at(2010),
            clock.wall(2010),
            clock.at(2005),
            Some(&throttle(Some(1000))),
        );
        assert!(close(state.rate(clock.at(2010)).unwrap(), 0.9 * 30.0));
        assert_eq!(state.hold(clock.at(2010)), None);
        // Back at 30 after 3.7 s, then past it: 5.4% three seconds later,
        // 25% five seconds later.
        let back = ((1.0 - CUT) / CUBIC).cbrt();
        let after = |secs: f64| clock.at(2010) + Duration::from_secs_f64(secs);
        assert!((3.68..3.69).contains(&back), "{back}");
        assert!(close(state.rate(after(back)).unwrap(), 30.0));
        assert!(close(state.rate(after(back + 3.0)).unwrap(), 30.0 * 1.054));
        assert!(close(state.rate(after(back + 5.0)).unwrap(), 30.0 * 1.25));
        // A throttle of a call sent before the cut says nothing new.
        let unchanged = state.rate(after(back)).unwrap();
        state.answered(
            clock.at(2020),
            clock.wall(2020),
            clock.at(2004),
            Some(&throttle(Some(1000))),
        );
        assert!(close(state.rate(after(back)).unwrap(), unchanged));
        // One sent after it cuts again, deeper: too few answers since the
        // cut to measure, 90% of the pace stands for what got through.
        let before = state.rate(clock.at(2510)).unwrap();
        state.answered(
            clock.at(2510),
            clock.wall(2510),
            clock.at(2500),
            Some(&throttle(Some(1000))),
        );
        assert!(close(state.rate(clock.at(2510)).unwrap(), 0.81 * before));
    }

    #[test]
    fn a_cut_never_raises_the_pace() {
        let clock = Clock::new();
        let mut state = throttled_after_a_burst_of_20(&clock);
        // Many let through in the last second (the service's burst) while
        // the pace was 20: the cut is from the pace.
        for i in 0..100 {
            state.answered(
                clock.at(1500 + i),
                clock.wall(1500 + i),
                clock.at(1000),
                Some(&ok()),
            );
        }
        state.answered(
            clock.at(1700),
            clock.wall(1700),
            clock.at(1600),
            Some(&throttle(Some(1000))),
        );
        let before = 20.0 * 2f64.powf(0.69);
        assert!(close(state.rate(clock.at(1700)).unwrap(), 0.9 * before));
    }

    #[test]
    fn a_long_wait_holds_every_call_even_while_pacing() {
        let clock = Clock::new();
        let mut state = throttled_after_a_burst_of_20(&clock);
        state.answered(
            clock.at(3000),
            clock.wall(3000),
            clock.at(2990),
            Some(&throttle(Some(5000))),
        );
        assert_eq!(state.hold(clock.at(3000)), Some(Duration::from_secs(5)));
        assert_eq!(state.departure(clock.at(3000), 1, far()), clock.at(8000));
    }

    #[test]
    fn a_throttle_without_a_wait_paces_but_holds_nothing() {
        let clock = Clock::new();
        let mut state = State::default();
        state.depart(clock.at(0), 1);
        state.answered(
            clock.at(5),
            clock.wall(5),
            clock.at(0),
            Some(&throttle(None)),
        );
        assert_eq!(state.hold(clock.at(5)), None);
        assert!(close(state.rate(clock.at(5)).unwrap(), MIN_RATE));
    }

    #[test]
    fn pacing_ends_a_minute_after_the_last_throttle() {
        let clock = Clock::new();
        let mut state = throttled_after_a_burst_of_20(&clock);
        assert_eq!(
            state.departure(clock.at(60_000), 64, far()),
            clock.at(60_000)
        );
        state.depart(clock.at(60_000), 64);
        assert!(state.rate(clock.at(60_005)).is_some());
        assert_eq!(
            state.departure(clock.at(60_010), 64, far()),
            clock.at(60_010)
        );
        assert_eq!(state.rate(clock.at(60_010)), None);
    }

    #[test]
    fn a_window_keeps_calls_in_flight_within_what_is_left_and_waits_for_its_reset() {
        let clock = Clock::new();
        let mut state = State::default();
        let reset = clock.wall(5000);
        state.depart(clock.at(0), 1);
        state.answered(
            clock.at(0),
            clock.wall(0),
            clock.at(0),
            Some(&window(3, reset)),
        );
        for waiting in [3, 2, 1] {
            assert_eq!(state.departure(clock.at(1), waiting, far()), clock.at(1));
            state.depart(clock.at(1), waiting);
        }
        // Three in flight, three left: the next waits for the reset.
        assert_eq!(state.departure(clock.at(2), 1, far()), clock.at(5000));
        // An answer reporting 2 left, with 2 still in flight: still nothing.
        state.answered(
            clock.at(3),
            clock.wall(3),
            clock.at(1),
            Some(&window(2, reset)),
        );
        assert_eq!(state.departure(clock.at(3), 1, far()), clock.at(5000));
        // After the reset, calls go until an answer reports the new window.
        assert_eq!(state.departure(clock.at(5000), 1, far()), clock.at(5000));
    }

    #[test]
    fn what_is_left_of_a_window_is_spread_when_more_calls_wait() {
        let clock = Clock::new();
        let mut state = State::default();
        state.depart(clock.at(0), 1);
        state.answered(
            clock.at(0),
            clock.wall(0),
            clock.at(0),
            Some(&window(4, clock.wall(4000))),
        );
        // Eight waiting for four left: a second apart, to the reset.
        assert_eq!(state.departure(clock.at(0), 8, far()), clock.at(0));
        state.depart(clock.at(0), 8);
        assert_eq!(state.departure(clock.at(0), 7, far()), clock.at(1000));
        // A call whose budget ends before its share takes it now.
        assert_eq!(state.departure(clock.at(0), 7, clock.at(500)), clock.at(0));
        // Fewer waiting than left: they go together.
        assert_eq!(state.departure(clock.at(10), 2, far()), clock.at(10));
    }

    #[test]
    fn the_window_explains_its_own_refusals() {
        let clock = Clock::new();
        let mut state = State::default();
        let refusal = Answer {
            throttled: true,
            wait: Some(Duration::from_millis(3000)),
            limit: Some(RateLimit {
                limit: Some(10),
                remaining: Some(0),
                reset: Some(clock.wall(3000)),
            }),
        };
        state.depart(clock.at(0), 1);
        state.answered(clock.at(0), clock.wall(0), clock.at(0), Some(&refusal));
        assert_eq!(state.departure(clock.at(0), 1, far()), clock.at(3000));
        assert_eq!(state.rate(clock.at(0)), None);
    }

    #[test]
    fn the_rate_limit_is_the_services_latest_state_by_its_own_clock() {
        let clock = Clock::new();
        let mut state = State::default();
        let mut report = |remaining, reset_ms| {
            state.answered(
                clock.at(0),
                clock.wall(0),
                clock.at(0),
                Some(&window(remaining, clock.wall(reset_ms))),
            );
            state.reported.clone().unwrap()
        };
        assert_eq!(report(5, 5000).remaining, Some(5));
        // An answer from earlier in the same window, read later.
        assert_eq!(report(7, 5000).remaining, Some(5));
        // The next window.
        let next = report(199, 10_000);
        assert_eq!(
            (next.remaining, next.reset),
            (Some(199), Some(clock.wall(10_000)))
        );
        // A straggler from the window before.
        assert_eq!(report(0, 5000).remaining, Some(199));
    }

    #[test]
    fn headers_report_a_limit_only_when_they_carry_one() {
        let mut headers = HeaderMap::new();
        assert_eq!(RateLimit::from_headers(&headers), None);
        headers.insert(REMAINING, "41".parse().unwrap());
        headers.insert(RESET, "Sat, 21 Nov 2026 09:00:00 GMT".parse().unwrap());
        let reported = RateLimit::from_headers(&headers).unwrap();
        assert_eq!((reported.limit, reported.remaining), (None, Some(41)));
        assert!(reported.reset.is_some());
    }
}
