//! Streams over the operations that list page by page.
//!
//! A stream fetches one page when the previous one is used up, so it holds
//! one page in memory at a time; it ends after the last page (or an empty
//! one), and a page that fails becomes an error item, after which the stream
//! ends.

use std::future::Future;
use std::pin::Pin;

use futures::stream::{self, Stream, StreamExt, TryStreamExt};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use saas_admin_runtime::Runtime;

use crate::Error;

/// The items of a listing, fetched page by page: what
/// [`Paginate::into_stream`] returns. It owns what it needs (`'static` and
/// `Send`), so it can be moved into a task.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

/// The builder of an operation that lists page by page: besides `send()`
/// (one page), it can walk every page.
///
/// Set the filters and the page size on the builder as for one call, then
/// take the stream instead of calling `send`. The prelude brings the trait
/// in scope.
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
    let start = (fetch, Some(0i64));
    stream::try_unfold(start, |(mut fetch, offset)| async move {
        let Some(offset) = offset else {
            return Ok::<_, Error>(None);
        };
        let page: OffsetPage<T> = fetch(offset).await?;
        let next = offset + page.items.len() as i64;
        let last = page.items.is_empty()
            || !page.has_next
            || page.total.is_some_and(|total| next as u64 >= total);
        let items = stream::iter(page.items.into_iter().map(Ok));
        Ok(Some((items, (fetch, (!last).then_some(next)))))
    })
    .try_flatten()
    .boxed()
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
    }
    let start = State {
        fetch,
        page: 1,
        seen: 0,
        full_page: None,
        done: false,
    };
    stream::try_unfold(start, |mut state| async move {
        if state.done {
            return Ok::<_, Error>(None);
        }
        let (items, total) = (state.fetch)(state.page).await?;
        let full = *state.full_page.get_or_insert(items.len());
        state.seen += items.len() as u64;
        state.page += 1;
        state.done = items.is_empty()
            || items.len() < full
            || total.is_some_and(|total| state.seen >= total);
        Ok(Some((stream::iter(items.into_iter().map(Ok)), state)))
    })
    .try_flatten()
    .boxed()
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
    stream::try_unfold(start, |(mut fetch, cursor)| async move {
        let Some(cursor) = cursor else {
            return Ok::<_, Error>(None);
        };
        let (items, next) = fetch(cursor).await?;
        let next = next.filter(|c| !c.is_empty() && !items.is_empty());
        let items = stream::iter(items.into_iter().map(Ok));
        Ok(Some((items, (fetch, next.map(Some)))))
    })
    .try_flatten()
    .boxed()
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
        let mut request = client
            .client()
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .build()?;
        let info = OperationInfo {
            operation_id: operation,
        };
        client.pre(&mut request, &info).await?;
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        let response = result?;
        if response.status().is_success() {
            ResponseValue::<T>::from_response(response).await
        } else {
            Err(progenitor_client::Error::<E>::UnexpectedResponse(response))
        }
    };
    crate::error::complete(operation, client.baseurl(), Box::pin(call))
        .await
        .map(ResponseValue::into_inner)
}
