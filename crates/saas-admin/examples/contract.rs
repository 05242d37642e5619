//! What a user of saas-admin writes. It must compile unchanged, and its
//! functions behave as their comments say.

use std::time::Duration;

use futures::TryStreamExt;
use saas_admin::prelude::*;
use saas_admin::{Cloudinary, Error, ErrorKind, Ods};

/// A group's lifecycle on Opendatasoft, with the calls users make every day.
pub async fn ods_contract(ods: &Ods) -> Result<(), Error> {
    // Body fields are setters of the operation's builder; text takes &str or String.
    let group = ods
        .create_user_group()
        .title("Data stewards")
        .description("Curate the catalogue")
        .send()
        .await?;
    let uid: &str = &group.uid;

    // Builders own what they need: a call can be spawned.
    let first_page = tokio::spawn(ods.list_users().limit(100).send())
        .await
        .expect("the task ran")?;
    println!("{} users on the first page", first_page.results.len());

    // Paged listings stream their items from the builder; the stream can be spawned too.
    let all = tokio::spawn(
        ods.list_users()
            .limit(100)
            .into_stream()
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect("the task ran")?;
    println!("{} users in all", all.len());

    // send() returns the one error type: no conversion at the call site.
    match ods.get_user_group().group_uid("no-such-group").send().await {
        Ok(found) => println!("found {}", found.title),
        Err(error) if error.is_not_found() => {
            println!("{} says not found: {error}", error.operation());
        }
        Err(error) => return Err(error),
    }

    ods.delete_user_group().group_uid(uid).send().await?;
    Ok(())
}

/// The same on Cloudinary; the account id was given once, when the client was built.
pub async fn cloudinary_contract(cloudinary: &Cloudinary) -> Result<(), Error> {
    let group = cloudinary
        .create_user_group()
        .name("Designers")
        .send()
        .await?;
    let members = cloudinary
        .list_user_group_users()
        .group_id(&group.id)
        .send()
        .await?;
    println!("{} members", members.users.len());
    cloudinary
        .delete_user_group()
        .group_id(&group.id)
        .send()
        .await?;
    Ok(())
}

/// What every error can say, whatever failed.
pub fn describe(error: &Error) -> String {
    let operation: &str = error.operation();
    let attempts: u32 = error.attempts();
    let status: Option<u16> = error.status().map(u16::from);
    let retry_after: Option<Duration> = error.retry_after();
    let kind: ErrorKind = error.kind();
    format!(
        "{operation}: {kind:?} status={status:?} attempts={attempts} retry_after={retry_after:?} \
         not_found={} rate_limited={} retryable={} message={:?} request_id={:?}",
        error.is_not_found(),
        error.is_rate_limited(),
        error.is_retryable(),
        error.message(),
        error.request_id(),
    )
}

/// Runs the contract against servers named in the environment (a fake of
/// both services, say); with none named, it only proves that it compiles.
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(ods_url), Ok(cld_url)) = (
        std::env::var("CONTRACT_ODS_URL"),
        std::env::var("CONTRACT_CLOUDINARY_URL"),
    ) else {
        println!("contract compiles");
        return Ok(());
    };
    let ods_key = std::env::var("CONTRACT_ODS_KEY").unwrap_or_default();
    let (account, key, secret) = (
        std::env::var("CONTRACT_CLOUDINARY_ACCOUNT").unwrap_or_default(),
        std::env::var("CONTRACT_CLOUDINARY_KEY").unwrap_or_default(),
        std::env::var("CONTRACT_CLOUDINARY_SECRET").unwrap_or_default(),
    );
    let ods = Ods::with_base_url(&ods_url, &ods_key)?;
    let cloudinary = Cloudinary::with_base_url(&cld_url, &account, &key, &secret)?;
    ods_contract(&ods).await?;
    cloudinary_contract(&cloudinary).await?;

    // Nothing listens on the discard port: a connection failure still names
    // the operation and counts the attempts.
    let nowhere = Ods::with_base_url("http://127.0.0.1:9", &ods_key)?;
    let error = nowhere
        .list_users()
        .send()
        .await
        .expect_err("nothing listens there");
    let described = describe(&error);
    println!("{described}");
    assert_eq!(error.operation(), "list_users", "{described}");
    assert!(error.attempts() >= 1, "{described}");
    assert!(
        !described.contains(&ods_key) || ods_key.is_empty(),
        "the key leaked"
    );
    println!("contract runs");
    Ok(())
}
