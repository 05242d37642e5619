//! How the generated structs decode from a JSON object.
//!
//! serde's derive also decodes a struct from a list of its fields in order
//! (`["Curators", 3]`), which no JSON answer or request of these APIs is,
//! and gives each struct a field enum with a visitor of its own. Both cost
//! every build of the generated clients (about a fifth of their type and
//! borrow checking) and every program that decodes them. The xtask's pass
//! writes [`decode_object!`](crate::decode_object) for each plain struct
//! instead: the same decoding of an object, with serde's errors (`missing
//! field`, `duplicate field`, `invalid type: ..., expected struct X`), members
//! it does not know skipped, and an absent optional member empty.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

/// An object's key, read as the position of the struct's field it names
/// (`None` for a member the struct does not have), by the struct's own
/// lookup: one visitor for every struct.
#[doc(hidden)]
pub struct Key(pub fn(&str) -> Option<usize>);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok((self.0)(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(key).ok().and_then(self.0))
    }
}

/// `Deserialize` for a struct with named fields, from an object only.
///
/// Each field is given as `position field: Type = "key" kind`, the kind one of
/// `required` (absent is an error), `optional` (absent is the field's
/// `Default`: `None`, or an empty list) and `null_as_empty` (an optional
/// list or map: `null` is empty too).
#[doc(hidden)]
#[macro_export]
macro_rules! decode_object {
    ($name:ident { $($index:literal $field:ident: $ty:ty = $key:literal $kind:ident),* $(,)? }) => {
        impl<'de> $crate::open::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::open::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                fn position_of(key: &str) -> ::std::option::Option<usize> {
                    match key {
                        $($key => ::std::option::Option::Some($index),)*
                        _ => ::std::option::Option::None,
                    }
                }
                struct __Object;
                impl<'de> $crate::open::__serde::de::Visitor<'de> for __Object {
                    type Value = $name;
                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: $crate::open::__serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        $(let mut $field: ::std::option::Option<$ty> = ::std::option::Option::None;)*
                        while let ::std::option::Option::Some(position) =
                            map.next_key_seed($crate::object::Key(position_of))?
                        {
                            match position {
                                $(::std::option::Option::Some($index) => {
                                    if $field.is_some() {
                                        return ::std::result::Result::Err(
                                            <A::Error as $crate::open::__serde::de::Error>::duplicate_field($key),
                                        );
                                    }
                                    $field = ::std::option::Option::Some(
                                        $crate::decode_object!(@value $kind map $ty),
                                    );
                                })*
                                _ => {
                                    map.next_value::<$crate::open::__serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::decode_object!(@absent $kind $field $key),)*
                        })
                    }
                }
                deserializer.deserialize_struct(stringify!($name), &[$($key),*], __Object)
            }
        }
    };
    (@value null_as_empty $map:ident $ty:ty) => {
        $map.next_value::<::std::option::Option<$ty>>()?.unwrap_or_default()
    };
    (@value $kind:ident $map:ident $ty:ty) => {
        $map.next_value::<$ty>()?
    };
    (@absent required $field:ident $key:literal) => {
        match $field {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => {
                return ::std::result::Result::Err(
                    <A::Error as $crate::open::__serde::de::Error>::missing_field($key),
                );
            }
        }
    };
    (@absent $kind:ident $field:ident $key:literal) => {
        $field.unwrap_or_default()
    };
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    /// What serde's derive gives; the macro must decode every input the same.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Derived {
        title: String,
        #[serde(rename = "type")]
        type_: u8,
        description: Option<String>,
        #[serde(default, deserialize_with = "crate::open::null_as_default")]
        tags: Vec<String>,
        #[serde(default)]
        size: i64,
        inner: Option<Box<Derived>>,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Derived2 {
        title: String,
        type_: u8,
        description: Option<String>,
        tags: Vec<String>,
        size: i64,
        inner: Option<Box<Derived2>>,
    }
    crate::decode_object!(Derived2 {
        0 title: String = "title" required,
        1 type_: u8 = "type" required,
        2 description: Option<String> = "description" optional,
        3 tags: Vec<String> = "tags" null_as_empty,
        4 size: i64 = "size" optional,
        5 inner: Option<Box<Derived2>> = "inner" optional
    });

    /// The outcome as text, with the struct's name made the same.
    fn outcome<T: std::fmt::Debug>(result: Result<T, impl std::fmt::Display>) -> String {
        match result {
            Ok(value) => format!("{value:?}"),
            Err(error) => format!("error: {error}"),
        }
        .replace("Derived2", "Derived")
    }

    #[test]
    fn decodes_every_object_as_serdes_derive_does() {
        let inputs = [
            r#"{"title": "a", "type": 1}"#,
            r#"{"title": "a", "type": 1, "description": "d", "tags": ["x"], "size": 3}"#,
            r#"{"title": "a", "type": 1, "description": null, "tags": null}"#,
            r#"{"type": 1, "unknown": {"deep": [1, 2]}, "title": "a"}"#,
            r#"{"title": "a"}"#,
            r#"{"type": 1}"#,
            r#"{"title": "a", "type": 1, "title": "b"}"#,
            r#"{"title": "a", "type": "one"}"#,
            r#"{"title": "a", "type": 1, "size": null}"#,
            r#"{"title": "a", "type": 1, "inner": {"title": "b", "type": 300}}"#,
            r#"{"title": "a", "type": 1, "inner": {"title": "b"}}"#,
            r#""a""#,
            r#"null"#,
            r#"{}"#,
        ];
        for input in inputs {
            let derived = outcome(serde_json::from_str::<Derived>(input));
            let ours = outcome(serde_json::from_str::<Derived2>(input));
            assert_eq!(ours, derived, "from text: {input}");
            // From a `Value`, with the path to the member at fault.
            let value: serde_json::Value = match serde_json::from_str(input) {
                Ok(value) => value,
                Err(_) => continue,
            };
            let derived = outcome(crate::open::decode_named::<Derived>(value.clone()));
            let ours = outcome(crate::open::decode_named::<Derived2>(value));
            assert_eq!(ours, derived, "from a value: {input}");
        }
    }

    #[test]
    fn a_list_of_the_fields_is_refused_as_any_other_wrong_type() {
        let error = serde_json::from_str::<Derived2>(r#"["a", 1]"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: sequence, expected struct Derived2 at line 1 column 1"
        );
    }
}
