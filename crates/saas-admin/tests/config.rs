//! Configuration: from variables (through `with_vars`, which reads them as
//! `with_env` reads the environment), the checks `build` makes, and what a
//! builder prints.

use saas_admin::{Cloudinary, ConfigError, Ods, Region};

fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn ods_from_the_environment_prefers_the_base_url() {
    let lookup = vars(&[
        ("ODS_API_KEY", "k"),
        ("ODS_DOMAIN", "portal.example.com"),
        ("ODS_BASE_URL", "http://127.0.0.1:8080/api"),
    ]);
    let ods = Ods::builder().with_vars(&lookup).build().unwrap();
    assert_eq!(ods.base_url(), "http://127.0.0.1:8080/api");

    let lookup = vars(&[("ODS_API_KEY", "k"), ("ODS_DOMAIN", "portal.example.com")]);
    let ods = Ods::builder().with_vars(&lookup).build().unwrap();
    assert_eq!(
        ods.base_url(),
        "https://portal.example.com/api/automation/v1.0"
    );
}

#[test]
fn ods_environment_errors_name_the_variable() {
    let cases: [(&'static [(&'static str, &'static str)], &str); 6] = [
        (&[("ODS_DOMAIN", "p.example.com")], "ODS_API_KEY is missing: an API key of the portal"),
        (&[("ODS_API_KEY", "k")], "ODS_DOMAIN is missing: a portal's domain, such as yourportal.opendatasoft.com, or a base URL"),
        (&[("ODS_API_KEY", "k"), ("ODS_DOMAIN", "https://p.example.com")], "ODS_DOMAIN is malformed: expected a host name such as yourportal.opendatasoft.com, without scheme or path"),
        (&[("ODS_API_KEY", "k"), ("ODS_BASE_URL", "p.example.com")], "ODS_BASE_URL is malformed: expected an absolute http:// or https:// URL"),
        (&[("ODS_API_KEY", "k"), ("ODS_BASE_URL", "http://p.example.com")], "ODS_BASE_URL uses plain http:// to a host that is not loopback, which would send the credentials unencrypted; use https://, or allow it with allow_insecure_http(true)"),
        (&[("ODS_API_KEY", ""), ("ODS_DOMAIN", "p.example.com")], "ODS_API_KEY is empty"),
    ];
    for (pairs, message) in cases {
        let error = Ods::builder().with_vars(vars(pairs)).build().unwrap_err();
        assert_eq!(error.to_string(), message, "{pairs:?}");
    }
}

#[test]
fn an_error_names_the_variable_only_for_a_value_it_gave_or_could_have_given() {
    // Missing after `with_env`: the variable could have given it.
    let error = Ods::builder()
        .domain("p.example.com")
        .with_vars(vars(&[]))
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ODS_API_KEY is missing: an API key of the portal"
    );
    // Set in code: the message is about the code's value.
    let error = Ods::builder()
        .api_key("")
        .with_vars(vars(&[("ODS_DOMAIN", "p.example.com")]))
        .build()
        .unwrap_err();
    assert_eq!(error.to_string(), "the Opendatasoft API key is empty");
    // Without `with_env`, nothing is said of variables.
    let error = Ods::builder().domain("p.example.com").build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "the Opendatasoft API key is missing: an API key of the portal"
    );
    // Both builders: `with_env` is infallible, `build` reports.
    let error = Cloudinary::builder()
        .with_vars(vars(&[("CLOUDINARY_REGION", "euro")]))
        .account_id("acc")
        .credentials("k", "s")
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("CLOUDINARY_REGION is malformed"),
        "{error}"
    );
}

#[test]
fn cloudinary_from_the_environment_reads_either_form() {
    let lookup = vars(&[
        ("CLOUDINARY_ACCOUNT_URL", "account://key:secret@acc-1"),
        ("CLOUDINARY_REGION", "api-eu"),
    ]);
    let cloudinary = Cloudinary::builder().with_vars(&lookup).build().unwrap();
    assert_eq!(cloudinary.account_id(), "acc-1");
    assert_eq!(cloudinary.base_url(), "https://api-eu.cloudinary.com");

    let lookup = vars(&[
        ("CLOUDINARY_ACCOUNT_ID", "acc-2"),
        ("CLOUDINARY_PROVISIONING_API_KEY", "key"),
        ("CLOUDINARY_PROVISIONING_API_SECRET", "secret"),
        ("CLOUDINARY_REGION", "api.example.org"),
    ]);
    let cloudinary = Cloudinary::builder().with_vars(&lookup).build().unwrap();
    assert_eq!(cloudinary.account_id(), "acc-2");
    assert_eq!(cloudinary.base_url(), "https://api.example.org");
}

#[test]
fn cloudinary_environment_errors_name_the_variable_and_hide_the_secret() {
    let cases: [(&'static [(&'static str, &'static str)], &str); 5] = [
        (&[("CLOUDINARY_ACCOUNT_URL", "account://key-secret-at-acc")], "CLOUDINARY_ACCOUNT_URL is malformed: expected account://KEY:SECRET@ACCOUNT_ID"),
        (&[("CLOUDINARY_REGION", "https://x")], "CLOUDINARY_REGION is malformed: expected api, api-eu, api-ap (or us, eu, ap), or a host name such as api.example.com"),
        // A variable set to nothing is reported as empty, naming it.
        (&[("CLOUDINARY_REGION", " ")], "CLOUDINARY_REGION is empty"),
        (&[("CLOUDINARY_ACCOUNT_URL", "")], "CLOUDINARY_ACCOUNT_URL is empty"),
        (&[("CLOUDINARY_ACCOUNT_ID", "acc")], "the Cloudinary API key is missing: the account's provisioning credentials (CLOUDINARY_ACCOUNT_URL)"),
    ];
    for (pairs, message) in cases {
        let error = Cloudinary::builder()
            .with_vars(vars(pairs))
            .build()
            .unwrap_err();
        assert_eq!(error.to_string(), message, "{pairs:?}");
    }
    // What people type for a region is read as the region, not a host.
    for (text, region) in [
        ("eu", Region::Eu),
        ("EU", Region::Eu),
        ("us", Region::Us),
        ("ap", Region::Ap),
        ("api-eu", Region::Eu),
    ] {
        assert_eq!(Region::parse(text), Ok(region), "{text}");
    }
    for bad in ["euro", "api-us", "x", "https://x", "a.b/c"] {
        assert!(
            matches!(Region::parse(bad), Err(ConfigError::Malformed { .. })),
            "{bad}"
        );
    }
}

#[test]
fn plain_http_is_only_for_loopback_unless_allowed() {
    let build = |url: &str, allow: bool| {
        Ods::builder()
            .base_url(url)
            .api_key("k")
            .allow_insecure_http(allow)
            .build()
            .map(|_| ())
    };
    for loopback in [
        "http://127.0.0.1:1",
        "http://localhost:8080",
        "http://[::1]:9",
    ] {
        assert_eq!(build(loopback, false), Ok(()), "{loopback}");
    }
    assert_eq!(
        build("http://portal.example.com", false),
        Err(ConfigError::InsecureUrl {
            name: "the Opendatasoft base URL"
        })
    );
    assert_eq!(build("http://portal.example.com", true), Ok(()));
    assert_eq!(build("https://portal.example.com", false), Ok(()));
}

#[test]
fn builders_never_print_credentials() {
    let ods = Ods::builder().domain("p.example.com").api_key("the-key");
    let cloudinary = Cloudinary::builder()
        .account_id("acc")
        .credentials("the-key", "the-secret");
    for text in [format!("{ods:?}"), format!("{cloudinary:?}")] {
        assert!(!text.contains("the-key"), "{text}");
        assert!(!text.contains("the-secret"), "{text}");
    }
}
