//! What the fake holds for one API: the items of each family, under their
//! parents' keys, and how the service fills and shows them.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::{Family, KeyShape, Model, Set, Source};

/// One item of a family: where it is (its parents' keys), its key and its
/// fields (`Null` for a link, whose fields are its target's).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub parents: Vec<String>,
    pub key: String,
    pub value: Value,
    /// The file uploaded for it, if any.
    pub file: Option<Arc<Upload>>,
}

/// A file sent in a multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upload {
    /// The part's file name.
    pub name: String,
    /// The part's media type.
    pub media: String,
    pub bytes: Vec<u8>,
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No such item (what was looked for, for the message).
    NotFound(String),
    /// Another item already has this value in a field that must be unique.
    Conflict { field: String, value: String },
    /// The item is not what the family holds.
    Invalid(String),
}

/// The items of every family of one API.
#[derive(Debug)]
pub(crate) struct Store {
    pub model: Arc<Model>,
    entries: Vec<Vec<Entry>>,
    counter: u64,
}

/// The value at a dotted pointer (`user.username`).
pub(crate) fn at<'a>(value: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(value, |v, part| v.get(part))
}

/// Sets the value at a dotted pointer, making the objects on the way.
pub(crate) fn set_at(value: &mut Value, dotted: &str, new: Value) {
    let mut target = value;
    for part in dotted.split('.') {
        if !target.is_object() {
            *target = Value::Object(Map::new());
        }
        target = target
            .as_object_mut()
            .expect("made an object")
            .entry(part)
            .or_insert(Value::Null);
    }
    *target = new;
}

/// Removes the field at a dotted pointer, if it is there.
fn remove_at(value: &mut Value, dotted: &str) {
    let (path, last) = match dotted.rsplit_once('.') {
        Some((path, last)) => (Some(path), last),
        None => (None, dotted),
    };
    let parent = match path {
        Some(path) => path
            .split('.')
            .try_fold(&mut *value, |v, part| v.get_mut(part)),
        None => Some(value),
    };
    if let Some(Value::Object(map)) = parent {
        map.remove(last);
    }
}

/// Sets the author fields (`*_by`, holding a `username`) of an item: all of
/// them for a new item, `updated_by` for a change.
fn stamp_authors(value: &mut Value, created: bool) {
    let Some(fields) = value.as_object_mut() else {
        return;
    };
    for (name, field) in fields.iter_mut() {
        let stamped = name == "updated_by" || (created && name.ends_with("_by"));
        if stamped && field.get("username").is_some() {
            field["username"] = Value::from(crate::AUTHOR);
        }
    }
}

/// A value as the text a path or query would carry.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Now, as the service writes it: RFC 3339 to the second, or epoch seconds.
pub(crate) fn now(kind: &str) -> Value {
    let now: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    if kind == "epoch" {
        Value::from(now.timestamp())
    } else {
        Value::from(now.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    }
}

/// A random number, for keys: std's `RandomState` is seeded from the OS for
/// each instance.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default(),
    );
    hasher.finish()
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut bits = random();
    for i in 0..len {
        if i % 8 == 7 {
            bits = random();
        }
        out.push(alphabet[(bits % alphabet.len() as u64) as usize] as char);
        bits /= alphabet.len() as u64;
    }
    out
}

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";
const DIGITS: &[u8] = b"0123456789";

/// A text as a slug with `sep` between its words.
fn slug(text: &str, sep: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with(sep) {
            out.push_str(sep);
        }
    }
    out.trim_end_matches(sep).to_string()
}

impl Store {
    /// An empty store for the API of `model`.
    pub fn new(model: Arc<Model>) -> Self {
        let entries = vec![Vec::new(); model.families.len()];
        Self {
            model,
            entries,
            counter: 0,
        }
    }

    /// Empties every family.
    pub fn clear(&mut self) {
        for family in &mut self.entries {
            family.clear();
        }
    }

    /// Adds the spec's examples: each family's example items, under the
    /// example keys of its parents. An example already there stays as it is.
    pub fn seed_examples(&mut self) {
        let model = self.model.clone();
        for (f, family) in model.families.iter().enumerate() {
            for seed in &family.seeds {
                let Some(key) = at(&seed.item, &family.key).map(text) else {
                    continue;
                };
                if self.find(f, &seed.parents, &key).is_some() {
                    continue;
                }
                let value = if family.link.is_some() {
                    Value::Null
                } else {
                    seed.item.clone()
                };
                self.entries[f].push(Entry {
                    parents: seed.parents.clone(),
                    key: key.clone(),
                    value,
                    file: None,
                });
                self.seed_holders(f, &key, &seed.item);
                // The items of an embedded list are its sub-collection's.
                let mut inner = seed.parents.clone();
                inner.push(key);
                for (field, sub) in &family.embedded {
                    let sub_family = &model.families[*sub];
                    if sub_family.link.is_some() {
                        continue;
                    }
                    for item in seed
                        .item
                        .get(field)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let Some(sub_key) = at(item, &sub_family.key).map(text) else {
                            continue;
                        };
                        if self.find(*sub, &inner, &sub_key).is_none() {
                            self.entries[*sub].push(Entry {
                                parents: inner.clone(),
                                key: sub_key,
                                value: item.clone(),
                                file: None,
                            });
                        }
                    }
                }
            }
        }
    }

    fn family(&self, f: usize) -> &Family {
        &self.model.families[f]
    }

    /// The item of family `f` with `key` under `parents`.
    pub fn find(&self, f: usize, parents: &[String], key: &str) -> Option<&Entry> {
        self.entries[f]
            .iter()
            .find(|e| e.key == key && e.parents == parents)
    }

    /// The items of family `f` under `parents`, in the order they came.
    pub fn list(&self, f: usize, parents: &[String]) -> Vec<&Entry> {
        self.entries[f]
            .iter()
            .filter(|e| e.parents == parents)
            .collect()
    }

    /// Every item of family `f`, wherever it is.
    pub fn all(&self, f: usize) -> &[Entry] {
        &self.entries[f]
    }

    /// An item as the service shows it: its counts and embedded lists
    /// computed from the sub-families, a link as its target's fields.
    pub fn render(&self, f: usize, entry: &Entry) -> Value {
        let family = self.family(f);
        if let Some(target) = family.link {
            let Some(found) = self.find(target, &[], &entry.key) else {
                return Value::Null;
            };
            let full = self.render(target, found);
            if family.link_fields.is_empty() {
                return full;
            }
            let projected: Map<String, Value> = family
                .link_fields
                .iter()
                .filter_map(|name| Some((name.clone(), full.get(name)?.clone())))
                .collect();
            return Value::Object(projected);
        }
        let mut value = entry.value.clone();
        if !value.is_object() {
            return value;
        }
        let mut inner = entry.parents.clone();
        inner.push(entry.key.clone());
        for (field, sub) in &family.counts {
            value[field.as_str()] = Value::from(self.list(*sub, &inner).len());
        }
        for (field, sub) in &family.embedded {
            let items: Vec<Value> = self
                .list(*sub, &inner)
                .into_iter()
                .map(|e| self.render(*sub, e))
                .collect();
            value[field.as_str()] = Value::Array(items);
        }
        for (field, holding) in &family.holders {
            let holders = self.holders(holding.family, holding.links, &entry.key, &holding.fields);
            value[field.as_str()] = Value::Array(holders);
        }
        value
    }

    /// The items of family `f` whose collection of links `links` holds
    /// `key`, each with `fields` only.
    pub fn holders(&self, f: usize, links: usize, key: &str, fields: &[String]) -> Vec<Value> {
        self.entries[links]
            .iter()
            .filter(|link| link.key == key)
            .filter_map(|link| {
                let (holder, above) = link.parents.split_last()?;
                let item = self.render(f, self.find(f, above, holder)?);
                let projected: Map<String, Value> = fields
                    .iter()
                    .filter_map(|name| Some((name.clone(), item.get(name)?.clone())))
                    .collect();
                Some(Value::Object(projected))
            })
            .collect()
    }

    /// Makes the holders an item was sent with (a user's `groups`) hold it,
    /// and only them: each must exist.
    fn fill_holders(&mut self, f: usize, key: &str, fields: &Value) -> Result<(), Refusal> {
        let model = self.model.clone();
        for (field, holding) in &model.families[f].holders {
            let Some(wanted) = fields.get(field).and_then(Value::as_array) else {
                continue;
            };
            let holder_key = &model.families[holding.family].key;
            let keys: Vec<String> = wanted
                .iter()
                .filter_map(|w| at(w, holder_key).map(text))
                .collect();
            for holder in &keys {
                if self.find(holding.family, &[], holder).is_none() {
                    let name = &model.families[holding.family].name;
                    return Err(Refusal::NotFound(format!("{name} {holder:?}")));
                }
            }
            self.entries[holding.links].retain(|link| link.key != key);
            for holder in keys {
                self.link(holding.links, &[holder], key)?;
            }
        }
        Ok(())
    }

    /// A new key of the family's shape, not yet used under `parents`.
    fn new_key(&mut self, f: usize, parents: &[String], fields: &Value) -> String {
        let model = self.model.clone();
        let family = &model.families[f];
        for attempt in 0.. {
            // A user given no username gets their e-mail address's local
            // part (`camille.dupont@…` is `camille.dupont`), as the
            // service names invited users.
            let local_part = fields
                .get("email")
                .and_then(Value::as_str)
                .and_then(|email| email.split_once('@'))
                .map(|(local, _)| local.to_string())
                .filter(|local| !local.is_empty());
            let key = match (&family.key_shape, local_part) {
                (KeyShape::Given, Some(local)) if attempt == 0 => local,
                (KeyShape::Given, Some(local)) => format!("{local}{}", attempt + 1),
                (key_shape, _) => match key_shape {
                    KeyShape::Given | KeyShape::Alnum { .. } => {
                        let len = match family.key_shape {
                            KeyShape::Alnum { len } => len,
                            _ => 12,
                        };
                        random_from(LOWER_ALNUM, len)
                    }
                    KeyShape::Counter => {
                        self.counter += 1;
                        (1000 + self.counter).to_string()
                    }
                    KeyShape::Uuid => {
                        let hex = random_from(HEX, 32);
                        format!(
                            "{}-{}-{}-{}-{}",
                            &hex[..8],
                            &hex[8..12],
                            &hex[12..16],
                            &hex[16..20],
                            &hex[20..]
                        )
                    }
                    KeyShape::Digits { len } => {
                        format!("{}{}", 1 + random() % 9, random_from(DIGITS, len - 1))
                    }
                    KeyShape::Hex { len } => random_from(HEX, *len),
                    KeyShape::Slug { from, sep, suffix } => {
                        let base = fields
                            .get(from)
                            .and_then(Value::as_str)
                            .map(|t| slug(t, sep))
                            .filter(|s| !s.is_empty())
                            .unwrap_or_else(|| random_from(LOWER_ALNUM, 8));
                        match (suffix, attempt) {
                            (Some(len), _) => {
                                format!("{base}{sep}{}", random_from(LOWER_ALNUM, *len))
                            }
                            (None, 0) => base,
                            (None, n) => format!("{base}{sep}{}", n + 1),
                        }
                    }
                    KeyShape::Prefixed { prefix, len } => {
                        format!("{prefix}{}", random_from(LOWER_ALNUM, *len))
                    }
                },
            };
            if self.find(f, parents, &key).is_none() {
                return key;
            }
        }
        unreachable!("the loop returns")
    }

    /// Refuses a value of a unique field that another item under `parents`
    /// has.
    fn check_unique(
        &self,
        f: usize,
        parents: &[String],
        fields: &Value,
        except: Option<&str>,
    ) -> Result<(), Refusal> {
        for name in &self.family(f).unique {
            let Some(wanted) = fields.get(name).filter(|v| !v.is_null()) else {
                continue;
            };
            let clash = self
                .list(f, parents)
                .into_iter()
                .any(|e| Some(e.key.as_str()) != except && e.value.get(name) == Some(wanted));
            if clash {
                return Err(Refusal::Conflict {
                    field: name.clone(),
                    value: text(wanted),
                });
            }
        }
        Ok(())
    }

    /// Creates an item from what the caller sent: the service's own fields
    /// (the family's template), the caller's over them, then its key and
    /// times. Returns the new entry's key.
    pub fn create(
        &mut self,
        f: usize,
        parents: &[String],
        fields: &Value,
    ) -> Result<String, Refusal> {
        let model = self.model.clone();
        let family = &model.families[f];
        if family.link.is_some() {
            return Err(Refusal::Invalid(format!(
                "{} holds links: add them with link",
                family.name
            )));
        }
        self.check_unique(f, parents, fields, None)?;
        let given = at(fields, &family.key).filter(|v| !v.is_null()).map(text);
        let key = match given {
            Some(key) => {
                if self.find(f, parents, &key).is_some() {
                    return Err(Refusal::Conflict {
                        field: family.key.clone(),
                        value: key,
                    });
                }
                key
            }
            None => self.new_key(f, parents, fields),
        };
        let mut value = Value::Object(family.template.clone());
        for (name, default) in &family.defaults {
            value[name.as_str()] = default.clone();
        }
        for (name, field) in fields.as_object().into_iter().flatten() {
            if !family.embedded.contains_key(name) && !family.holders.contains_key(name) {
                value[name.as_str()] = field.clone();
            }
        }
        set_at(&mut value, &family.key, Value::from(key.clone()));
        for (name, kind) in &family.now {
            value[name.as_str()] = now(kind);
        }
        stamp_authors(&mut value, true);
        self.entries[f].push(Entry {
            parents: parents.to_vec(),
            key: key.clone(),
            value,
            file: None,
        });
        let filled = self
            .fill_embedded(f, parents, &key, fields)
            .and_then(|()| self.fill_holders(f, &key, fields));
        if let Err(refusal) = filled {
            let _ = self.remove(f, parents, &key);
            return Err(refusal);
        }
        Ok(key)
    }

    /// Stores an item given whole (seeding): the key it has, or a new one;
    /// the service's times when it has none.
    pub fn insert(&mut self, f: usize, parents: &[String], item: Value) -> Result<String, Refusal> {
        let model = self.model.clone();
        let family = &model.families[f];
        if !item.is_object() {
            return Err(Refusal::Invalid("an item is a JSON object".into()));
        }
        if let Some(target) = family.link {
            let key = at(&item, &family.key).map(text).ok_or_else(|| {
                Refusal::Invalid(format!("a link needs its target's `{}`", family.key))
            })?;
            if self.find(target, &[], &key).is_none() {
                return Err(Refusal::NotFound(format!(
                    "{} {key:?}",
                    model.families[target].name
                )));
            }
            self.link(f, parents, &key)?;
            return Ok(key);
        }
        let mut value = item;
        for (name, kind) in &family.now {
            if value.get(name).is_none() {
                value[name.as_str()] = now(kind);
            }
        }
        let key = match at(&value, &family.key).filter(|v| !v.is_null()).map(text) {
            Some(key) => key,
            None => {
                let key = self.new_key(f, parents, &value);
                set_at(&mut value, &family.key, Value::from(key.clone()));
                key
            }
        };
        if self.find(f, parents, &key).is_some() {
            return Err(Refusal::Conflict {
                field: family.key.clone(),
                value: key,
            });
        }
        let given = value.clone();
        self.entries[f].push(Entry {
            parents: parents.to_vec(),
            key: key.clone(),
            value,
            file: None,
        });
        self.seed_holders(f, &key, &given);
        Ok(key)
    }

    /// Makes the holders a seeded item names (a user's `groups`) hold it,
    /// those that exist: seeds come in any order.
    fn seed_holders(&mut self, f: usize, key: &str, item: &Value) {
        let model = self.model.clone();
        for (field, holding) in &model.families[f].holders {
            let holder_key = &model.families[holding.family].key;
            for wanted in item
                .get(field)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(holder) = at(wanted, holder_key).map(text) else {
                    continue;
                };
                if self.find(holding.family, &[], &holder).is_some() {
                    let _ = self.link(holding.links, &[holder], key);
                }
            }
        }
    }

    /// Changes an item's fields to what the caller sent (fields it did not
    /// send stay); the key and the service's times stay, but for the time
    /// of the last change.
    pub fn update(
        &mut self,
        f: usize,
        parents: &[String],
        key: &str,
        fields: &Value,
    ) -> Result<(), Refusal> {
        let model = self.model.clone();
        let family = &model.families[f];
        self.check_unique(f, parents, fields, Some(key))?;
        let entry = self.entries[f]
            .iter_mut()
            .find(|e| e.key == key && e.parents == parents)
            .ok_or_else(|| Refusal::NotFound(format!("{} {key:?}", family.name)))?;
        for (name, field) in fields.as_object().into_iter().flatten() {
            if family.now.contains_key(name)
                || family.embedded.contains_key(name)
                || family.holders.contains_key(name)
            {
                continue;
            }
            entry.value[name.as_str()] = field.clone();
        }
        set_at(&mut entry.value, &family.key, Value::from(key.to_string()));
        for name in &family.touch {
            entry.value[name.as_str()] = now(&family.now[name]);
        }
        stamp_authors(&mut entry.value, false);
        // An embedded list sent replaces the sub-collection.
        let mut inner = parents.to_vec();
        inner.push(key.to_string());
        for (name, sub) in &family.embedded {
            if fields.get(name).is_some_and(Value::is_array) {
                self.entries[*sub].retain(|e| !e.parents.starts_with(&inner));
            }
        }
        self.fill_embedded(f, parents, key, fields)?;
        self.fill_holders(f, key, fields)
    }

    /// Makes the items of the embedded lists an item was sent with (a
    /// metadata template's `schema`) the items of their sub-collections.
    fn fill_embedded(
        &mut self,
        f: usize,
        parents: &[String],
        key: &str,
        fields: &Value,
    ) -> Result<(), Refusal> {
        let model = self.model.clone();
        let mut inner = parents.to_vec();
        inner.push(key.to_string());
        for (name, sub) in &model.families[f].embedded {
            for item in fields
                .get(name)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match model.families[*sub].link {
                    Some(_) => {
                        self.insert(*sub, &inner, item.clone())?;
                    }
                    None => {
                        self.create(*sub, &inner, item)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets the fields an operation changes on an item (see
    /// [`crate::model::Effect`]): every value is read from the item as it
    /// was and from `body`, what the caller sent.
    pub fn apply(
        &mut self,
        f: usize,
        parents: &[String],
        key: &str,
        sets: &[Set],
        body: &Value,
    ) -> Result<(), Refusal> {
        let name = &self.model.families[f].name;
        let entry = self.entries[f]
            .iter_mut()
            .find(|e| e.key == key && e.parents == parents)
            .ok_or_else(|| Refusal::NotFound(format!("{name} {key:?}")))?;
        let before = entry.value.clone();
        for set in sets {
            if set.once && at(&before, &set.field).is_some_and(|v| !v.is_null()) {
                continue;
            }
            let value = match &set.source {
                Source::Value { value } => value.clone(),
                Source::Now { format } => now(format),
                Source::Body { field, list } => match at(body, field) {
                    Some(value) if *list => Value::Array(vec![value.clone()]),
                    Some(value) => value.clone(),
                    None => continue,
                },
                Source::Field { field } => match at(&before, field) {
                    Some(value) => value.clone(),
                    None => continue,
                },
                Source::Remove => {
                    remove_at(&mut entry.value, &set.field);
                    continue;
                }
            };
            set_at(&mut entry.value, &set.field, value);
        }
        Ok(())
    }

    /// Keeps the file uploaded for an item.
    pub fn attach(&mut self, f: usize, parents: &[String], key: &str, file: Upload) {
        if let Some(entry) = self.entries[f]
            .iter_mut()
            .find(|e| e.key == key && e.parents == parents)
        {
            entry.file = Some(Arc::new(file));
        }
    }

    /// Removes an item, what lies under it, and the links to it.
    pub fn remove(&mut self, f: usize, parents: &[String], key: &str) -> Result<Entry, Refusal> {
        let position = self.entries[f]
            .iter()
            .position(|e| e.key == key && e.parents == parents)
            .ok_or_else(|| Refusal::NotFound(format!("{} {key:?}", self.family(f).name)))?;
        let removed = self.entries[f].remove(position);
        let mut inner = parents.to_vec();
        inner.push(key.to_string());
        let model = self.model.clone();
        for (g, family) in model.families.iter().enumerate() {
            if model.ancestors(g).contains(&f) {
                self.entries[g].retain(|e| !e.parents.starts_with(&inner));
            }
            if family.link == Some(f) && parents.is_empty() {
                self.entries[g].retain(|e| e.key != key);
            }
        }
        Ok(removed)
    }

    /// Links the target item `key` under `parents`; false when it already
    /// was.
    pub fn link(&mut self, f: usize, parents: &[String], key: &str) -> Result<bool, Refusal> {
        if self.find(f, parents, key).is_some() {
            return Ok(false);
        }
        self.entries[f].push(Entry {
            parents: parents.to_vec(),
            key: key.to_string(),
            value: Value::Null,
            file: None,
        });
        Ok(true)
    }

    /// A copy of an item, with a new key and new times.
    pub fn copy(&mut self, f: usize, parents: &[String], key: &str) -> Result<String, Refusal> {
        let model = self.model.clone();
        let family = &model.families[f];
        let source = self
            .find(f, parents, key)
            .ok_or_else(|| Refusal::NotFound(format!("{} {key:?}", family.name)))?
            .value
            .clone();
        let new_key = match family.key_shape {
            KeyShape::Given => {
                let mut n = 1;
                loop {
                    let candidate = if n == 1 {
                        format!("{key}-copy")
                    } else {
                        format!("{key}-copy-{n}")
                    };
                    if self.find(f, parents, &candidate).is_none() {
                        break candidate;
                    }
                    n += 1;
                }
            }
            _ => self.new_key(f, parents, &source),
        };
        let mut value = source;
        set_at(&mut value, &family.key, Value::from(new_key.clone()));
        for (name, kind) in &family.now {
            value[name.as_str()] = now(kind);
        }
        stamp_authors(&mut value, true);
        self.entries[f].push(Entry {
            parents: parents.to_vec(),
            key: new_key.clone(),
            value,
            file: None,
        });
        Ok(new_key)
    }
}
