//! What one call did, told by the runtime to whoever started the call.
//!
//! The generated clients' hooks see a request at a time; the facade needs to
//! know, for the whole call, how many attempts were made and what the final
//! answer said, even when the call fails without a response (a refused
//! connection) or with one the client could not decode (a proxy's HTML
//! page). A task-local report carries that from the retry loop to the
//! caller, without touching the response.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;

/// What the runtime saw of a call run inside [`observe`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallReport {
    /// Requests sent (0 when the call failed before anything was sent).
    pub attempts: u32,
    /// The status of the final answer, when there was one.
    pub status: Option<StatusCode>,
    /// For an error status: the request id the service sent in a header.
    pub request_id: Option<String>,
    /// For an error status: the wait the service asked for (`Retry-After`);
    /// for a call [`held`](Self::held), the wait that ran past its budget.
    pub retry_after: Option<Duration>,
    /// Nothing was sent on the last attempt: the client knew the rate
    /// limit's wait (the service's, or its own pace) ran past the call's
    /// retry budget (`max_elapsed`). `attempts` counts what was sent before.
    pub held: bool,
    /// Another attempt would have been made, but the client's retry budget
    /// could not pay for it.
    pub retry_budget_spent: bool,
}

/// How the retry loop ended a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// With its last answer, or failure, as it came.
    Answered,
    /// With its last answer: another attempt was worth making, but the
    /// retry budget could not pay for it.
    RetryBudgetSpent,
    /// Without sending its last attempt (see [`CallReport::held`]).
    Held,
}

/// Header names under which the services send a request id.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-trace-id"];

tokio::task_local! {
    static CALL: RefCell<CallReport>;
}

/// Runs `future` (one call of a generated client) and returns its output
/// with what the runtime saw of it.
// A plain `fn` returning the scope's future: an `async fn` would wrap it in
// one more state machine, compiled once per operation a program calls.
pub fn observe<F: Future>(future: F) -> impl Future<Output = (F::Output, CallReport)> {
    CALL.scope(RefCell::new(CallReport::default()), async move {
        let output = future.await;
        (output, CALL.with(RefCell::take))
    })
}

/// Records the end of the retry loop: the attempts made, the final answer
/// and the wait it asked for. Nothing happens outside [`observe`]. Headers
/// are read only for an error status, so a success costs nothing here.
pub(crate) fn record(
    attempts: u32,
    response: Option<&reqwest::Response>,
    retry_after: Option<Duration>,
    ending: Ending,
) {
    let _outside_observe = CALL.try_with(|report| {
        let mut report = report.borrow_mut();
        report.attempts = attempts;
        report.status = response.map(reqwest::Response::status);
        report.held = ending == Ending::Held;
        report.retry_budget_spent = ending == Ending::RetryBudgetSpent;
        if report.held {
            report.retry_after = retry_after;
        }
        if let Some(response) = response.filter(|r| !r.status().is_success()) {
            let headers = response.headers();
            report.request_id = REQUEST_ID_HEADERS
                .iter()
                .find_map(|name| headers.get(*name)?.to_str().ok())
                .map(str::to_string);
            report.retry_after = retry_after;
        }
    });
}
