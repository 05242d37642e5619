//! The end of every generated operation, once its request is built: the
//! client's hooks around sending it (credentials, retries, the rate-limit
//! gate, tracing), then its answer read by status. progenitor writes these
//! steps into each operation; the xtask's pass over its output
//! (`xtask/src/answer_pass.rs`) calls them here instead, so they are type
//! and borrow checked once rather than once per operation.

use progenitor_client::{ByteStream, ClientHooks, ClientInfo, Error, OperationInfo, ResponseValue};
use serde::de::DeserializeOwned;

use crate::Runtime;

/// Sends `request` through the client's hooks and returns the response,
/// whatever its status.
pub async fn send<C, E>(
    client: &C,
    mut request: reqwest::Request,
    operation_id: &'static str,
) -> Result<reqwest::Response, Error<E>>
where
    C: ClientHooks<Runtime> + ClientInfo<Runtime>,
{
    let info = OperationInfo { operation_id };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    Ok(result?)
}

/// An operation whose documented success (`success`) has a JSON body.
pub async fn json<C, T, E>(
    client: &C,
    request: reqwest::Request,
    operation_id: &'static str,
    success: u16,
    errors: &[u16],
) -> Result<ResponseValue<T>, Error<E>>
where
    C: ClientHooks<Runtime> + ClientInfo<Runtime>,
    T: DeserializeOwned,
    E: DeserializeOwned,
{
    let response = succeeded(client, request, operation_id, success, errors).await?;
    ResponseValue::from_response(response).await
}

/// An operation whose documented success has no body.
pub async fn empty<C, E>(
    client: &C,
    request: reqwest::Request,
    operation_id: &'static str,
    success: u16,
    errors: &[u16],
) -> Result<ResponseValue<()>, Error<E>>
where
    C: ClientHooks<Runtime> + ClientInfo<Runtime>,
    E: DeserializeOwned,
{
    let response = succeeded(client, request, operation_id, success, errors).await?;
    Ok(ResponseValue::empty(response))
}

/// An operation whose documented success is a file, streamed as it comes.
pub async fn stream<C, E>(
    client: &C,
    request: reqwest::Request,
    operation_id: &'static str,
    success: u16,
    errors: &[u16],
) -> Result<ResponseValue<ByteStream>, Error<E>>
where
    C: ClientHooks<Runtime> + ClientInfo<Runtime>,
    E: DeserializeOwned,
{
    let response = succeeded(client, request, operation_id, success, errors).await?;
    Ok(ResponseValue::stream(response))
}

/// Sends `request` and returns the response when its status is `success`.
/// A documented error (in `errors`) decodes as the vendor's error body;
/// any other status is unexpected, the response kept whole.
async fn succeeded<C, E>(
    client: &C,
    request: reqwest::Request,
    operation_id: &'static str,
    success: u16,
    errors: &[u16],
) -> Result<reqwest::Response, Error<E>>
where
    C: ClientHooks<Runtime> + ClientInfo<Runtime>,
    E: DeserializeOwned,
{
    let response = send(client, request, operation_id).await?;
    let status = response.status().as_u16();
    if status == success {
        Ok(response)
    } else if errors.contains(&status) {
        Err(Error::ErrorResponse(
            ResponseValue::from_response(response).await?,
        ))
    } else {
        Err(Error::UnexpectedResponse(response))
    }
}
