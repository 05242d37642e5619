//! The main job: walk a user group's lifecycle on both APIs (create a group,
//! add a user, list the members, remove the user, delete the group) and say
//! what happened at each step.
//!
//! With no credentials in the environment it talks to the embedded fake of
//! both services (`saas-admin-fake`, which keeps what it is sent, as the
//! services do), seeded with the one user it adds, and says so. Otherwise:
//!
//! - Opendatasoft: `ODS_DOMAIN` (or `ODS_BASE_URL`) and `ODS_API_KEY`;
//!   `ODS_QUICKSTART_USERNAME` names an existing user to add and remove.
//! - Cloudinary: `CLOUDINARY_ACCOUNT_URL` (`account://KEY:SECRET@ACCOUNT_ID`)
//!   or `CLOUDINARY_ACCOUNT_ID` with `CLOUDINARY_PROVISIONING_API_KEY` and
//!   `CLOUDINARY_PROVISIONING_API_SECRET`, optionally `CLOUDINARY_REGION` or
//!   `CLOUDINARY_BASE_URL`; `CLOUDINARY_QUICKSTART_USER_ID` names an existing
//!   user to add and remove.
//!
//! Run it with `cargo run -p saas-admin --example quickstart`.

use std::error::Error;

use saas_admin::{Cloudinary, Ods};
use saas_admin_fake::FakeServer;
use serde_json::json;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Runs the quickstart; an error is printed as its one-line message.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The embedded fake, started when the first API without credentials needs
/// it; held until the end (dropping it stops it).
async fn fake(slot: &mut Option<FakeServer>) -> Result<&FakeServer> {
    if slot.is_none() {
        *slot = Some(FakeServer::start().await?);
    }
    Ok(slot.as_ref().expect("just started"))
}

async fn run() -> Result<()> {
    let group_name = "quickstart-data-stewards";
    let mut embedded = None;

    let ods_configured = std::env::var_os("ODS_API_KEY").is_some();
    let (ods, ods_username) = if ods_configured {
        println!("Opendatasoft: using the portal configured in the environment");
        (
            Ods::from_env()?,
            std::env::var("ODS_QUICKSTART_USERNAME").ok(),
        )
    } else {
        let fake = fake(&mut embedded).await?;
        println!(
            "Opendatasoft: no ODS_API_KEY set, so using the embedded fake at {}",
            fake.ods_base_url()
        );
        // The portal's users are not created through the API: the fake is
        // given the one the quickstart adds to its group.
        let user = fake.ods().insert(
            "users",
            json!({"username": "jdoe", "first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.org"}),
        )?;
        let ods = Ods::with_base_url(&fake.ods_base_url(), fake.ods_api_key())?;
        (ods, user["username"].as_str().map(str::to_string))
    };
    ods_lifecycle(&ods, group_name, ods_username.as_deref()).await?;

    let cloudinary_configured = std::env::var_os("CLOUDINARY_ACCOUNT_URL").is_some()
        || std::env::var_os("CLOUDINARY_ACCOUNT_ID").is_some();
    let (cloudinary, cloudinary_user) = if cloudinary_configured {
        println!("\nCloudinary: using the account configured in the environment");
        let user = std::env::var("CLOUDINARY_QUICKSTART_USER_ID").ok();
        (Cloudinary::from_env()?, user)
    } else {
        let fake = fake(&mut embedded).await?;
        println!(
            "\nCloudinary: no CLOUDINARY_ACCOUNT_URL or CLOUDINARY_ACCOUNT_ID set, so using the embedded fake at {}",
            fake.cloudinary_base_url()
        );
        // The account's user the quickstart adds to its group; the fake
        // gives it an id, as the service would.
        let user = fake.cloudinary().insert(
            "users",
            json!({"name": "Jane Doe", "email": "jane.doe@example.org", "role": "technical_admin"}),
        )?;
        let cloudinary = Cloudinary::with_base_url(
            &fake.cloudinary_base_url(),
            fake.cloudinary_account_id(),
            fake.cloudinary_api_key(),
            fake.cloudinary_api_secret(),
        )?;
        (cloudinary, user["id"].as_str().map(str::to_string))
    };
    cloudinary_lifecycle(&cloudinary, group_name, cloudinary_user.as_deref()).await?;

    println!("\nDone: both lifecycles completed.");
    Ok(())
}

async fn ods_lifecycle(ods: &Ods, title: &str, username: Option<&str>) -> Result<()> {
    let group = ods
        .create_user_group()
        .title(title)
        .description("Created by the saas-admin quickstart")
        .send()
        .await?;
    println!("  created group {:?} (uid {})", group.title, group.uid);

    if let Some(username) = username {
        let user = ods
            .add_user_to_user_group()
            .group_uid(&group.uid)
            .username(username)
            .send()
            .await?;
        println!("  added user {} to the group", user.username);
    } else {
        println!("  (ODS_QUICKSTART_USERNAME is not set: no user added)");
    }

    let members = ods
        .list_user_group_users()
        .group_uid(&group.uid)
        .send()
        .await?;
    let names: Vec<&str> = members
        .results
        .iter()
        .map(|u| u.username.as_str())
        .collect();
    println!(
        "  the group has {} member(s): {}",
        names.len(),
        names.join(", ")
    );

    if let Some(username) = username {
        ods.remove_user_from_user_group()
            .group_uid(&group.uid)
            .username(username)
            .send()
            .await?;
        println!("  removed user {username} from the group");
    }

    ods.delete_user_group().group_uid(&group.uid).send().await?;
    println!("  deleted group {}", group.uid);
    Ok(())
}

async fn cloudinary_lifecycle(
    cloudinary: &Cloudinary,
    name: &str,
    user_id: Option<&str>,
) -> Result<()> {
    let group = cloudinary.create_user_group().name(name).send().await?;
    println!("  created group {:?} (id {})", group.name, group.id);

    if let Some(user_id) = user_id {
        cloudinary
            .add_user_to_user_group()
            .group_id(&group.id)
            .user_id(user_id)
            .send()
            .await?;
        println!("  added user {user_id} to the group");
    } else {
        println!("  (CLOUDINARY_QUICKSTART_USER_ID is not set: no user added)");
    }

    let members = cloudinary
        .list_user_group_users()
        .group_id(&group.id)
        .send()
        .await?;
    let ids: Vec<&str> = members.users.iter().map(|u| u.id.as_str()).collect();
    println!(
        "  the group has {} member(s): {}",
        ids.len(),
        ids.join(", ")
    );

    if let Some(user_id) = user_id {
        cloudinary
            .remove_user_from_user_group()
            .group_id(&group.id)
            .user_id(user_id)
            .send()
            .await?;
        println!("  removed user {user_id} from the group");
    }

    cloudinary
        .delete_user_group()
        .group_id(&group.id)
        .send()
        .await?;
    println!("  deleted group {}", group.id);
    Ok(())
}
