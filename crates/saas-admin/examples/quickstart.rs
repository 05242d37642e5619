//! The main job: walk a user group's lifecycle on both APIs (create a group,
//! add a user, list the members, remove the user, delete the group) and say
//! what happened at each step.
//!
//! With no credentials in the environment it talks to an embedded mock
//! server, built from the specs' examples, and says so. Otherwise:
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

use saas_admin::{cld_provisioning, ods_automation, Cloudinary, Ods};

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

async fn run() -> Result<()> {
    let group_name = "quickstart-data-stewards";

    // Held until the end: dropping a mock server stops it.
    let mut mocks = Vec::new();

    let ods_configured = std::env::var_os("ODS_API_KEY").is_some();
    let (ods, ods_username) = if ods_configured {
        println!("Opendatasoft: using the portal configured in the environment");
        (
            Ods::from_env()?,
            std::env::var("ODS_QUICKSTART_USERNAME").ok(),
        )
    } else {
        let server = demo::ods_server(group_name).await;
        println!(
            "Opendatasoft: no ODS_API_KEY set, so using an embedded mock server at {}",
            server.base_url()
        );
        let ods = Ods::with_base_url(&server.base_url(), demo::API_KEY)?;
        mocks.push(server);
        (ods, Some(demo::ODS_USERNAME.to_string()))
    };
    ods_lifecycle(&ods, group_name, ods_username.as_deref()).await?;

    let cloudinary_configured = std::env::var_os("CLOUDINARY_ACCOUNT_URL").is_some()
        || std::env::var_os("CLOUDINARY_ACCOUNT_ID").is_some();
    let (cloudinary, cloudinary_user) = if cloudinary_configured {
        println!("\nCloudinary: using the account configured in the environment");
        let user = std::env::var("CLOUDINARY_QUICKSTART_USER_ID").ok();
        (Cloudinary::from_env()?, user)
    } else {
        let server = demo::cloudinary_server(group_name).await;
        println!(
            "\nCloudinary: no CLOUDINARY_ACCOUNT_URL or CLOUDINARY_ACCOUNT_ID set, so using an embedded mock server at {}",
            server.base_url()
        );
        let cloudinary = Cloudinary::with_base_url(
            &server.base_url(),
            demo::ACCOUNT_ID,
            demo::API_KEY,
            demo::API_SECRET,
        )?;
        mocks.push(server);
        (cloudinary, Some(demo::CLOUDINARY_USER_ID.to_string()))
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
    let names: Vec<&str> = members.users.iter().map(|u| u.name.as_str()).collect();
    println!(
        "  the group has {} member(s): {}",
        names.len(),
        names.join(", ")
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

/// The embedded mock servers: each answers the lifecycle's calls with the
/// specs' example bodies, through the generated typed mock helpers.
mod demo {
    use super::*;

    pub const API_KEY: &str = "demo-api-key";
    pub const API_SECRET: &str = "demo-api-secret";
    pub const ACCOUNT_ID: &str = "demo-account";

    /// The spec's example for an operation's response, typed.
    fn example<T: serde::de::DeserializeOwned>(
        lookup: fn(&str, u16) -> Option<&'static str>,
        operation: &str,
        status: u16,
    ) -> T {
        let json = lookup(operation, status)
            .unwrap_or_else(|| panic!("the spec has an example for {operation} {status}"));
        serde_json::from_str(json).expect("the spec's examples match its schemas")
    }

    pub const ODS_USERNAME: &str = "jdoe";

    pub async fn ods_server(title: &str) -> httpmock::MockServer {
        use ods_automation::mock::{MockServer, MockServerExt as _};
        use ods_automation::{examples::example as ods_example, types};
        let server = MockServer::start_async().await;
        let mut group: types::UserGroup = example(ods_example, "create_user_group", 201);
        group.title = title.to_string();
        let uid = group.uid.clone();
        let mut user: types::User = example(ods_example, "add_user_to_user_group", 201);
        user.username = ODS_USERNAME.to_string();
        let members = types::UserList {
            total_count: Some(1),
            next: None,
            previous: None,
            results: vec![user.clone()],
        };
        server.create_user_group(|_, then| {
            then.created(&group);
        });
        server.add_user_to_user_group(|when, then| {
            when.group_uid(&uid);
            then.created(&user);
        });
        server.list_user_group_users(|when, then| {
            when.group_uid(&uid);
            then.ok(&members);
        });
        server.remove_user_from_user_group(|when, then| {
            when.group_uid(&uid).username(ODS_USERNAME);
            then.no_content();
        });
        server.delete_user_group(|when, then| {
            when.group_uid(&uid);
            then.no_content();
        });
        server.into_inner()
    }

    pub const CLOUDINARY_USER_ID: &str = "0abed8dfcc039ea05e2a1d494fd442";

    pub async fn cloudinary_server(name: &str) -> httpmock::MockServer {
        use cld_provisioning::mock::{MockServer, MockServerExt as _};
        use cld_provisioning::{examples::example as cld_example, types};
        let server = MockServer::start_async().await;
        let mut group: types::UserGroup = example(cld_example, "create_user_group", 200);
        group.name = name.to_string();
        let id = group.id.clone();
        let members: types::UserGroupUserList = example(cld_example, "list_user_group_users", 200);
        let removed: types::UserGroupUserList =
            example(cld_example, "remove_user_from_user_group", 200);
        let deleted: types::SuccessResponse = example(cld_example, "delete_user_group", 200);
        server.create_user_group(|when, then| {
            when.account_id(ACCOUNT_ID);
            then.ok(&group);
        });
        server.add_user_to_user_group(|when, then| {
            when.account_id(ACCOUNT_ID)
                .group_id(&id)
                .user_id(CLOUDINARY_USER_ID);
            then.ok(&types::UserGroupMemberAdded::Members(members.clone()));
        });
        server.list_user_group_users(|when, then| {
            when.account_id(ACCOUNT_ID).group_id(&id);
            then.ok(&members);
        });
        server.remove_user_from_user_group(|when, then| {
            when.account_id(ACCOUNT_ID)
                .group_id(&id)
                .user_id(CLOUDINARY_USER_ID);
            then.ok(&removed);
        });
        server.delete_user_group(|when, then| {
            when.account_id(ACCOUNT_ID).group_id(&id);
            then.ok(&deleted);
        });
        server.into_inner()
    }
}
