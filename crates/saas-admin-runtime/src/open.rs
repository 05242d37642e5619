//! What keeps the generated types open to answers the specs do not list yet:
//! an enum value or a union kind this client does not know decodes into a
//! catch-all variant that keeps it (and encodes back to exactly it), and
//! `null` in an optional list or map decodes as empty.
//!
//! The xtask's pass over progenitor's output calls the macros here, so the
//! behaviour is written once for both clients.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};

#[cfg(feature = "schemars")]
#[doc(hidden)]
pub use crate::json_schema::{enum_schema, union_schema};
/// The serde every macro of the runtime names (`open_enum!`, `open_union!`,
/// `decode_object!`), so a generated crate needs no path of its own to it.
#[doc(hidden)]
pub use serde as __serde;

/// An object of a kind this client does not know yet (a new harvester or
/// connection type, say), kept whole: it encodes back to exactly what the
/// service sent, and a request can send one the same way.
///
/// `Debug` shows the members' names, and the values of those whose name does
/// not suggest a credential (`password`, `secret`, `token`, `key`...), so a
/// log never shows one.
#[derive(Clone, PartialEq, Default)]
pub struct UnknownKind(Map<String, Value>);

impl UnknownKind {
    /// An object to send as it is.
    pub fn new(object: Map<String, Value>) -> Self {
        Self(object)
    }

    /// One member of the object.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// The whole object, as the service sent it.
    pub fn as_object(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The whole object, as the service sent it.
    pub fn into_object(self) -> Map<String, Value> {
        self.0
    }

    /// The text of a member (a union's kind, say), if it is text.
    #[doc(hidden)]
    pub fn text(&self, name: &str) -> &str {
        self.0.get(name).and_then(Value::as_str).unwrap_or_default()
    }
}

impl From<Map<String, Value>> for UnknownKind {
    fn from(object: Map<String, Value>) -> Self {
        Self(object)
    }
}

impl fmt::Debug for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnknownKind")
            .field(&Redacted(&Value::Object(self.0.clone())))
            .finish()
    }
}

impl Serialize for UnknownKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Whether a member's name suggests that its value is a credential.
fn may_be_credential(name: &str) -> bool {
    const HINTS: [&str; 9] = [
        "password",
        "passwd",
        "secret",
        "token",
        "key",
        "auth",
        "credential",
        "signature",
        "cookie",
    ];
    let name = name.to_ascii_lowercase();
    HINTS.iter().any(|hint| name.contains(hint))
}

/// A JSON value shown with the values of credential-like members hidden, at
/// any depth.
struct Redacted<'a>(&'a Value);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(object) => {
                let mut map = f.debug_map();
                for (name, value) in object {
                    if may_be_credential(name) {
                        map.entry(name, &format_args!("<redacted>"));
                    } else {
                        map.entry(name, &Redacted(value));
                    }
                }
                map.finish()
            }
            Value::Array(items) => f.debug_list().entries(items.iter().map(Redacted)).finish(),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

/// An object of a union, read whole so that its kind picks the variant.
#[doc(hidden)]
pub struct KindObject {
    union: &'static str,
    kind: String,
    object: Map<String, Value>,
}

impl KindObject {
    /// Reads an object and its kind; anything else fails, naming the union.
    pub fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        union: &'static str,
        tag: &'static str,
    ) -> Result<Self, D::Error> {
        let object = match Value::deserialize(deserializer)? {
            Value::Object(object) => object,
            other => {
                return Err(D::Error::custom(format_args!(
                    "{union}: expected an object, found {}",
                    describe(&other)
                )))
            }
        };
        let kind = match object.get(tag) {
            Some(Value::String(kind)) => kind.clone(),
            Some(other) => {
                return Err(D::Error::custom(format_args!(
                    "{union}: `{tag}` must be text, found {}",
                    describe(other)
                )))
            }
            None => {
                return Err(D::Error::custom(format_args!(
                    "{union}: missing field `{tag}`"
                )))
            }
        };
        Ok(Self {
            union,
            kind,
            object,
        })
    }

    /// The object's kind.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Decodes the object as the type of its (known) kind; an error names
    /// the union, the kind and the member at fault.
    pub fn decode<T, E>(
        self,
        decode: impl FnOnce(Value) -> Result<T, serde_json::Error>,
    ) -> Result<T, E>
    where
        E: de::Error,
    {
        let (union, kind) = (self.union, self.kind);
        decode(Value::Object(self.object))
            .map_err(|error| E::custom(format_args!("{union} of type `{kind}`: {error}")))
    }

    /// The object, kept whole as a kind this client does not know.
    pub fn into_unknown(self) -> UnknownKind {
        UnknownKind(self.object)
    }
}

/// Decodes a value, naming the member at fault in an error (`url: invalid
/// type: integer...`).
#[doc(hidden)]
pub fn decode_named<T: de::DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    decode_named_with(value, |deserializer| T::deserialize(deserializer))
}

/// [`decode_named`] with a decoding function of its own (an enum's
/// `#[serde(remote = "Self")]` one).
#[doc(hidden)]
pub fn decode_named_with<T>(
    value: Value,
    decode: impl FnOnce(
        serde_path_to_error::Deserializer<'_, '_, Value>,
    ) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    let mut track = serde_path_to_error::Track::new();
    decode(serde_path_to_error::Deserializer::new(value, &mut track)).map_err(|error| {
        let path = track.path().to_string();
        if path == "." {
            error
        } else {
            serde_json::Error::custom(format_args!("{path}: {error}"))
        }
    })
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// For an optional list or map: `null` decodes as empty, as an absent member does.
#[doc(hidden)]
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes an open enum's text; a value it does not know is kept as it is.
#[doc(hidden)]
pub fn deserialize_text<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Text<T>(std::marker::PhantomData<T>);
    impl<T> de::Visitor<'_> for Text<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("text")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
        fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }
    deserializer.deserialize_str(Text(std::marker::PhantomData))
}

/// Makes a string enum open: `as_str`, `Display`, `From<&str>`, `From<String>`,
/// an infallible `FromStr`, and serde impls that keep a value it does not
/// know in the enum's `Unknown(String)` variant.
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum {
    ($name:ident { $($variant:ident => $value:literal),* $(,)? }) => {
        impl $name {
            /// The value as the service writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value,
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<&::std::string::String> for $name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl $crate::open::__serde::Serialize for $name {
            fn serialize<S: $crate::open::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::open::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::open::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::open::deserialize_text(deserializer)
            }
        }
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $crate::open::enum_schema(&[$($value),*])
            }
        }
    };
}

/// Makes a union of kinds open: its kind (the value of `$tag`) picks the
/// variant, an error names the kind and the member at fault, and a kind it
/// does not know is kept whole in the union's `Unknown(UnknownKind)` variant.
///
/// Two forms, after the two shapes progenitor gives a union: variants that
/// each hold a type (`Harvester::Ftp(HarvesterFtp)`), or, with `inline`,
/// variants with their members inline, whose serde code the enum derives
/// with `#[serde(remote = "Self")]` (`DatasetField::Rename { .. }`).
#[doc(hidden)]
#[macro_export]
macro_rules! open_union {
    ($name:ident, $tag:literal { $($kind:literal => $variant:ident($ty:ty)),* $(,)? }) => {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $crate::open::union_schema($tag, vec![$(($kind, Some(generator.subschema_for::<$ty>()))),*])
            }
        }
        impl $name {
            /// The kind, as the service writes it in the object's tag.
            pub fn kind(&self) -> &str {
                match self {
                    $(Self::$variant(_) => $kind,)*
                    Self::Unknown(object) => object.text($tag),
                }
            }
        }
        impl $crate::open::__serde::Serialize for $name {
            fn serialize<S: $crate::open::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => value.serialize(serializer),)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
        impl<'de> $crate::open::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::open::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let object = $crate::open::KindObject::read(deserializer, stringify!($name), $tag)?;
                match object.kind() {
                    $($kind => object.decode($crate::open::decode_named).map(Self::$variant),)*
                    _ => Ok(Self::Unknown(object.into_unknown())),
                }
            }
        }
    };
    (inline $name:ident, $tag:literal { $($kind:literal => $variant:ident),* $(,)? }) => {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $crate::open::union_schema($tag, vec![$(($kind, None)),*])
            }
        }
        impl $name {
            /// The kind, as the service writes it in the object's tag.
            pub fn kind(&self) -> &str {
                match self {
                    $(Self::$variant { .. } => $kind,)*
                    Self::Unknown(object) => object.text($tag),
                }
            }
        }
        impl $crate::open::__serde::Serialize for $name {
            fn serialize<S: $crate::open::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    Self::Unknown(value) => value.serialize(serializer),
                    known => $name::serialize(known, serializer),
                }
            }
        }
        impl<'de> $crate::open::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::open::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let object = $crate::open::KindObject::read(deserializer, stringify!($name), $tag)?;
                match object.kind() {
                    $($kind)|* => object.decode(|value| {
                        $crate::open::decode_named_with(value, |d| $name::deserialize(d))
                    }),
                    _ => Ok(Self::Unknown(object.into_unknown())),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[derive(Clone, Debug, PartialEq)]
    enum Color {
        DarkRed,
        Unknown(String),
    }
    crate::open_enum!(Color { DarkRed => "dark-red" });

    #[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    struct Ftp {
        #[serde(rename = "type")]
        kind: String,
        port: u16,
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Source {
        Ftp(Ftp),
        Unknown(crate::UnknownKind),
    }
    crate::open_union!(Source, "type" { "ftp" => Ftp(Ftp) });

    #[test]
    fn an_enum_keeps_a_value_it_does_not_know_and_writes_it_back() {
        let known: Color = serde_json::from_value(json!("dark-red")).unwrap();
        assert_eq!(known, Color::DarkRed);
        let unknown: Color = serde_json::from_value(json!("teal")).unwrap();
        assert_eq!(unknown, Color::Unknown("teal".into()));
        assert_eq!(unknown.to_string(), "teal");
        assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("teal"));
        assert_eq!("dark-red".parse::<Color>(), Ok(Color::DarkRed));
        assert!(serde_json::from_value::<Color>(json!(3)).is_err());
    }

    #[test]
    fn a_union_picks_its_variant_by_kind_and_keeps_an_unknown_kind_whole() {
        let ftp: Source = serde_json::from_value(json!({"type": "ftp", "port": 21})).unwrap();
        assert_eq!(ftp.kind(), "ftp");
        assert!(matches!(ftp, Source::Ftp(Ftp { port: 21, .. })));

        let sent = json!({"type": "sftp", "host": "h", "password": "hunter2", "auth": {"x": 1}});
        let sftp: Source = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(sftp.kind(), "sftp");
        assert_eq!(serde_json::to_value(&sftp).unwrap(), sent);
        let shown = format!("{sftp:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("\"x\""),
            "{shown}"
        );
        assert!(shown.contains("\"host\": String(\"h\")"), "{shown}");
    }

    #[test]
    fn a_known_kind_that_does_not_fit_names_the_union_the_kind_and_the_member() {
        let error = |value| {
            serde_json::from_value::<Source>(value)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(json!({"type": "ftp", "port": "twenty-one"})),
            "Source of type `ftp`: port: invalid type: string \"twenty-one\", expected u16"
        );
        assert_eq!(
            error(json!({"type": "ftp"})),
            "Source of type `ftp`: missing field `port`"
        );
        assert_eq!(error(json!({"port": 21})), "Source: missing field `type`");
        assert_eq!(
            error(json!([1])),
            "Source: expected an object, found a list"
        );
    }

    #[test]
    fn null_in_an_optional_list_is_empty() {
        #[derive(serde::Deserialize)]
        struct Group {
            #[serde(default, deserialize_with = "crate::open::null_as_default")]
            members: Vec<String>,
        }
        let group: Group = serde_json::from_value(json!({"members": null})).unwrap();
        assert!(group.members.is_empty());
        let group: Group = serde_json::from_value(json!({})).unwrap();
        assert!(group.members.is_empty());
    }
}
