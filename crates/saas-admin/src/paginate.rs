//! Streams over the operations that list page by page.
//!
//! A stream fetches one page when the previous one is used up, so it holds
//! one page in memory at a time; it ends after the last page (or an empty
//! one), and a page that fails becomes an error item, after which the stream
//! ends.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

use progenitor_client::{ClientHooks, ClientInfo, ResponseValue};
use saas_admin_runtime::Runtime;

use crate::Error;

/// The items of a listing, fetched page by page: what
/// [`Paginate::into_stream`] returns. It owns what it needs (`'static` and
/// `Send`), so it can be moved into a task.
pub struct ItemStream<T> {
    items: BoxStream<'static, Result<T, Error>>,
    /// Set from the first page that states a total.
    total: Arc<OnceLock<u64>>,
}

impl<T> ItemStream<T> {
    /// How many items the listing holds over all its pages, as the service
    /// counted them on the first page (Opendatasoft's `total_count`,
    /// Cloudinary's total where a listing has one); `None` until the first
    /// page has come, and for listings that do not say.
    pub fn total(&self) -> Option<u64> {
        self.total.get().copied()
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.poll_next_unpin(cx)
    }
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("total", &self.total())
            .finish_non_exhaustive()
    }
}

/// A stream of pages turned into the stream of their items; `total` is
/// the cell the pages' fetches fill.
fn flatten<T, P>(pages: P, total: Arc<OnceLock<u64>>) -> ItemStream<T>
where
    T: Send + 'static,
    P: Stream<Item = Result<Vec<T>, Error>> + Send + 'static,
{
    let items = pages
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed();
    ItemStream { items, total }
}

/// The builder of an operation that lists page by page: besides `send()`
/// (one page), it can walk every page.
///
/// Set the filters and the page size on the builder as for one call, then
/// take the stream instead of calling `send`. Each paged builder also has
/// `into_stream()` as its own method, so calling it needs no import; the
/// trait is for code generic over paged builders.
///
/// ```no_run
/// # async fn run(ods: saas_admin::Ods) -> Result<(), saas_admin::Error> {
/// use futures::TryStreamExt;
/// use saas_admin::prelude::*;
///
/// let mut groups = ods.list_user_groups().limit(100).into_stream();
/// while let Some(group) = groups.try_next().await? {
///     println!("{}", group.title);
/// }
/// # Ok(())
/// # }
/// ```
pub trait Paginate {
    /// One item of the listing.
    type Item;

    /// Every item of every page, in order, fetched one page at a time as the
    /// stream is read; a page that fails is an error item, after which the
    /// stream ends.
    fn into_stream(self) -> ItemStream<Self::Item>;
}

#[cfg(feature = "ods")]
/// One page of an offset-paged listing (Opendatasoft's limit and offset).
pub(crate) struct OffsetPage<T> {
    pub items: Vec<T>,
    /// Items over all pages, when the service says.
    pub total: Option<u64>,
    /// Whether the service links a next page.
    pub has_next: bool,
}

#[cfg(feature = "ods")]
/// Pages by offset: each page starts where the items so far end.
pub(crate) fn by_offset<T, F, Fut>(fetch: F) -> ItemStream<T>
where
    T: Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<OffsetPage<T>, Error>> + Send + 'static,
{
    let total = Arc::new(OnceLock::new());
    let start = (fetch, Some(0i64), total.clone());
    let pages = stream::try_unfold(start, |(mut fetch, offset, seen_total)| async move {
        let Some(offset) = offset else {
            return Ok::<_, Error>(None);
        };
        let page: OffsetPage<T> = fetch(offset).await?;
        if let Some(count) = page.total {
            let _ = seen_total.set(count);
        }
        let next = offset + page.items.len() as i64;
        let last = page.items.is_empty()
            || !page.has_next
            || page.total.is_some_and(|total| next as u64 >= total);
        Ok(Some((
            page.items,
            (fetch, (!last).then_some(next), seen_total),
        )))
    });
    flatten(pages, total)
}

#[cfg(feature = "cloudinary")]
/// Pages by number (Cloudinary's page and page_size), from 1. The listing
/// ends at an empty page, at a page shorter than the first, or once `total`
/// items (when the service says) have come.
pub(crate) fn by_page_number<T, F, Fut>(fetch: F) -> ItemStream<T>
where
    T: Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<u64>), Error>> + Send + 'static,
{
    struct State<F> {
        fetch: F,
        page: i64,
        seen: u64,
        full_page: Option<usize>,
        done: bool,
        total: Arc<OnceLock<u64>>,
    }
    let total = Arc::new(OnceLock::new());
    let start = State {
        fetch,
        page: 1,
        seen: 0,
        full_page: None,
        done: false,
        total: total.clone(),
    };
    let pages = stream::try_unfold(start, |mut state| async move {
        if state.done {
            return Ok::<_, Error>(None);
        }
        let (items, total) = (state.fetch)(state.page).await?;
        if let Some(count) = total {
            let _ = state.total.set(count);
        }
        let full = *state.full_page.get_or_insert(items.len());
        state.seen += items.len() as u64;
        state.page += 1;
        state.done = items.is_empty()
            || items.len() < full
            || total.is_some_and(|total| state.seen >= total);
        Ok(Some((items, state)))
    });
    flatten(pages, total)
}

/// Pages by cursor: each page names the next one's cursor (or link), the
/// last none.
pub(crate) fn by_cursor<T, F, Fut>(fetch: F) -> ItemStream<T>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + Send + 'static,
{
    // `Some(cursor)` is the page to fetch; the first page has no cursor.
    let start = (fetch, Some(None::<String>));
    let pages = stream::try_unfold(start, |(mut fetch, cursor)| async move {
        let Some(cursor) = cursor else {
            return Ok::<_, Error>(None);
        };
        let (items, next) = fetch(cursor).await?;
        let next = next.filter(|c| !c.is_empty() && !items.is_empty());
        Ok(Some((items, (fetch, next.map(Some)))))
    });
    // Cursor listings state no total.
    flatten(pages, Arc::new(OnceLock::new()))
}

/// The page a listing's `next` link names, fetched through the generated
/// client's hooks (credentials, retries, rate-limit gate, tracing) as any
/// call is. A link to another scheme, host or port is not followed: the
/// credentials go only where the client was configured to send them.
// Only Opendatasoft has listings paged by link today.
#[cfg_attr(not(feature = "ods"), allow(dead_code))]
pub(crate) async fn follow<C, T, E>(
    client: &C,
    operation: &'static str,
    link: &str,
) -> Result<T, Error>
where
    C: ClientInfo<Runtime> + ClientHooks<Runtime>,
    T: serde::de::DeserializeOwned,
    E: crate::error::VendorError,
{
    let base = reqwest::Url::parse(client.baseurl()).ok();
    let url = base.as_ref().and_then(|base| base.join(link).ok());
    let url = match (base, url) {
        (Some(base), Some(url)) if url.origin() == base.origin() => url,
        _ => {
            return Err(Error::refused(
                operation,
                format!(
                    "the next page's link {link:?} is not on {}; it is not followed",
                    client.baseurl()
                ),
            ))
        }
    };
    let call = async {
        let request = client
            .client()
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .build()?;
        let response = saas_admin_runtime::answer::send(client, request, operation).await?;
        if response.status().is_success() {
            ResponseValue::<T>::from_response(response).await
        } else {
            Err(progenitor_client::Error::<E>::UnexpectedResponse(response))
        }
    };
    crate::error::complete(operation, client.baseurl(), call)
        .await
        .map(ResponseValue::into_inner)
}
