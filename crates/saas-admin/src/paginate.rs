//! Streams over the operations that list page by page.
//!
//! A stream fetches one page when the previous one is used up, so it holds
//! one page in memory at a time; it ends after the last page (or an empty
//! one), and a page that fails becomes an error item, after which the stream
//! ends.

use std::future::Future;
use std::pin::Pin;

use futures::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::Error;

/// The items of a listing, fetched page by page.
pub type ItemStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// A list operation's builder that can walk every page.
///
/// Set the filters and the page size on the builder as for one call, then
/// take the stream instead of calling `send`:
///
/// ```no_run
/// # async fn run(ods: saas_admin::Ods) -> Result<(), saas_admin::Error> {
/// use futures::TryStreamExt;
/// use saas_admin::Paginate;
///
/// let mut groups = ods.list_user_groups().limit(100).into_stream();
/// while let Some(group) = groups.try_next().await? {
///     println!("{}", group.title);
/// }
/// # Ok(())
/// # }
/// ```
pub trait Paginate<'a> {
    /// One item of the listing.
    type Item;

    /// Every item of every page, in order.
    fn into_stream(self) -> ItemStream<'a, Self::Item>;
}

/// One page of an offset-paged listing (Opendatasoft's limit and offset).
pub(crate) struct OffsetPage<T> {
    pub items: Vec<T>,
    /// Items over all pages, when the service says.
    pub total: Option<u64>,
    /// Whether the service links a next page.
    pub has_next: bool,
}

/// Pages by offset: each page starts where the items so far end.
pub(crate) fn by_offset<'a, T, F, Fut>(fetch: F) -> ItemStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<OffsetPage<T>, Error>> + Send + 'a,
{
    let start = (fetch, Some(0u64));
    stream::try_unfold(start, |(mut fetch, offset)| async move {
        let Some(offset) = offset else {
            return Ok::<_, Error>(None);
        };
        let page: OffsetPage<T> = fetch(offset).await?;
        let next = offset + page.items.len() as u64;
        let last = page.items.is_empty()
            || !page.has_next
            || page.total.is_some_and(|total| next >= total);
        let items = stream::iter(page.items.into_iter().map(Ok));
        Ok(Some((items, (fetch, (!last).then_some(next)))))
    })
    .try_flatten()
    .boxed()
}

/// Pages by number (Cloudinary's page and page_size), from 1. The listing
/// ends at an empty page, at a page shorter than the first, or once `total`
/// items (when the service says) have come.
pub(crate) fn by_page_number<'a, T, F, Fut>(fetch: F) -> ItemStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<u64>), Error>> + Send + 'a,
{
    struct State<F> {
        fetch: F,
        page: u64,
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

/// Pages by cursor: each page names the next one's cursor, the last none.
pub(crate) fn by_cursor<'a, T, F, Fut>(fetch: F) -> ItemStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>> + Send + 'a,
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

// Cloudinary's paged listings, written here: their paging differs per
// operation (page numbers, cursors, where the items sit in the answer).

use cld_provisioning::builder as cld;
use cld_provisioning::types as cld_types;

impl<'a> Paginate<'a> for cld::ListUsers<'a> {
    type Item = cld_types::User;

    fn into_stream(self) -> ItemStream<'a, Self::Item> {
        by_page_number(move |page| {
            let request = self.clone().page(page as i64);
            async move {
                let answer = request.send().await?.into_inner();
                Ok((answer.users, None))
            }
        })
    }
}

impl<'a> Paginate<'a> for cld::ListAccessKeys<'a> {
    type Item = cld_types::AccessKey;

    fn into_stream(self) -> ItemStream<'a, Self::Item> {
        by_page_number(move |page| {
            let request = self.clone().page(page as i64);
            async move {
                let answer = request.send().await?.into_inner();
                let total = answer.total.and_then(|t| u64::try_from(t).ok());
                Ok((answer.access_keys, total))
            }
        })
    }
}

impl<'a> Paginate<'a> for cld::ListCustomPolicies<'a> {
    type Item = cld_types::CustomPolicy;

    fn into_stream(self) -> ItemStream<'a, Self::Item> {
        by_cursor(move |cursor| {
            let request = match cursor {
                Some(cursor) => self.clone().cursor(cursor),
                None => self.clone(),
            };
            async move {
                let answer = request.send().await?.into_inner();
                Ok((answer.data, answer.next_cursor))
            }
        })
    }
}

impl<'a> Paginate<'a> for cld::InspectPrincipalRoles<'a> {
    type Item = cld_types::InspectedPrincipal;

    fn into_stream(self) -> ItemStream<'a, Self::Item> {
        by_cursor(move |cursor| {
            let request = match cursor {
                Some(cursor) => self.clone().cursor(cursor),
                None => self.clone(),
            };
            async move {
                let answer = request.send().await?.into_inner();
                Ok((answer.data.principals, answer.next_cursor))
            }
        })
    }
}
