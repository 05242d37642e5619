//! Behaviour shared by the generated clients (`ods-automation`, `cld-provisioning`).
//!
//! Each generated `Client` carries a [`Runtime`] as its inner value, and its
//! progenitor hooks delegate here, so authentication (and, later, retries and
//! tracing) is written once for both APIs.

#![forbid(unsafe_code)]

use std::fmt;

use reqwest::header::{HeaderValue, AUTHORIZATION};

/// A credential that never shows in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

// A secret the service returns (a generated access key's secret, say) is a
// field of the generated types: it decodes and encodes as the plain string,
// and only `expose` shows it to code.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".to_string()
    }

    fn json_schema(generator: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut schema = String::json_schema(generator).into_object();
        schema.format = Some("password".to_string());
        schema.into()
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How requests authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// No credentials (public operations, or a proxy that adds them).
    None,
    /// `Authorization: Apikey <key>`, as Opendatasoft expects.
    ApiKey(Secret),
    /// HTTP Basic, as Cloudinary expects (API key as user, API secret as password).
    Basic {
        /// The user part (Cloudinary: the API key).
        username: Secret,
        /// The password part (Cloudinary: the API secret).
        password: Secret,
    },
}

impl Auth {
    /// The `Authorization` header value, marked sensitive so that reqwest
    /// never prints it; `None` when there is nothing to send.
    fn header_value(&self) -> Result<Option<HeaderValue>, InvalidCredential> {
        // A control character (often a trailing newline pasted with the key)
        // is refused even where base64 would carry it: it is never intended.
        let credentials: &[&Secret] = match self {
            Auth::None => &[],
            Auth::ApiKey(key) => &[key],
            Auth::Basic { username, password } => &[username, password],
        };
        if credentials
            .iter()
            .any(|c| c.expose().chars().any(char::is_control))
        {
            return Err(InvalidCredential);
        }
        let text = match self {
            Auth::None => return Ok(None),
            Auth::ApiKey(key) => format!("Apikey {}", key.expose()),
            Auth::Basic { username, password } => {
                let pair = format!("{}:{}", username.expose(), password.expose());
                format!("Basic {}", base64(pair.as_bytes()))
            }
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| InvalidCredential)?;
        value.set_sensitive(true);
        Ok(Some(value))
    }
}

/// A credential holds control characters (such as a line break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidCredential;

impl fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the credential contains control characters (a line break?), which no credential has",
        )
    }
}

impl std::error::Error for InvalidCredential {}

/// What every generated client carries: the credentials, resolved once into
/// the header that each request gets.
#[derive(Clone, Debug)]
pub struct Runtime {
    authorization: Option<HeaderValue>,
}

impl Runtime {
    /// A runtime that authenticates with `auth`.
    ///
    /// Fails when the credential cannot be sent in a header, so that bad
    /// input is reported before any request is made.
    pub fn new(auth: &Auth) -> Result<Self, InvalidCredential> {
        Ok(Self {
            authorization: auth.header_value()?,
        })
    }

    /// Prepares a request before it is sent: adds the credentials, unless
    /// the operation is public (`authenticated` is false), where sending
    /// them would only expose them.
    pub fn prepare(&self, request: &mut reqwest::Request, authenticated: bool) {
        match &self.authorization {
            Some(value) if authenticated => {
                request.headers_mut().insert(AUTHORIZATION, value.clone());
            }
            _ => {}
        }
    }
}

/// Standard base64 with padding (RFC 4648), for the Basic credential; a
/// dozen lines do not warrant a dependency.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded, "base64({plain:?})");
        }
    }

    fn authorization_of(auth: &Auth, authenticated: bool) -> Option<HeaderValue> {
        let runtime = Runtime::new(auth).unwrap();
        let mut request =
            reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/x".parse().unwrap());
        runtime.prepare(&mut request, authenticated);
        request.headers().get(AUTHORIZATION).cloned()
    }

    #[test]
    fn public_operations_get_no_credentials() {
        let auth = Auth::ApiKey(Secret::new("k3y"));
        assert_eq!(authorization_of(&auth, false), None);
    }

    #[test]
    fn api_key_goes_in_the_authorization_header() {
        let value = authorization_of(&Auth::ApiKey(Secret::new("k3y")), true).unwrap();
        assert_eq!(value, "Apikey k3y");
        assert!(value.is_sensitive());
    }

    #[test]
    fn basic_auth_encodes_key_and_secret() {
        let auth = Auth::Basic {
            username: Secret::new("123456789012345"),
            password: Secret::new("abcd_EFGH-ijkl"),
        };
        let value = authorization_of(&auth, true).unwrap();
        // base64("123456789012345:abcd_EFGH-ijkl")
        assert_eq!(value, "Basic MTIzNDU2Nzg5MDEyMzQ1OmFiY2RfRUZHSC1pamts");
        assert!(value.is_sensitive());
    }

    #[test]
    fn no_auth_sends_no_header() {
        assert_eq!(authorization_of(&Auth::None, true), None);
    }

    #[test]
    fn a_credential_with_a_line_break_is_refused() {
        let err = Runtime::new(&Auth::ApiKey(Secret::new("k\r\nX-Evil: 1"))).unwrap_err();
        assert!(!err.to_string().contains("Evil"));
    }

    #[test]
    fn a_basic_credential_with_a_trailing_newline_is_refused() {
        let auth = Auth::Basic {
            username: Secret::new("key"),
            password: Secret::new("secret\n"),
        };
        assert_eq!(Runtime::new(&auth).unwrap_err(), InvalidCredential);
    }

    #[test]
    fn a_secret_field_decodes_and_encodes_as_its_string_but_never_prints() {
        let secret: Secret = serde_json::from_str(r#""s3cr3t""#).unwrap();
        assert_eq!(secret.expose(), "s3cr3t");
        assert_eq!(serde_json::to_string(&secret).unwrap(), r#""s3cr3t""#);
        assert_eq!(
            format!("{secret:?} {secret}"),
            "Secret(<redacted>) <redacted>"
        );
    }

    #[test]
    fn debug_output_never_shows_credentials() {
        let auth = Auth::Basic {
            username: Secret::new("the-key"),
            password: Secret::new("the-secret"),
        };
        let runtime = Runtime::new(&auth).unwrap();
        for text in [format!("{auth:?}"), format!("{runtime:?}")] {
            assert!(!text.contains("the-key"), "{text}");
            assert!(!text.contains("the-secret"), "{text}");
            assert!(!text.contains("dGhlLWtleT"), "{text}"); // base64 of the pair
        }
    }
}
