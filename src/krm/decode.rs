//! Decoding one YAML document straight into a JSON tree, counting nodes and depth as it goes,
//! so an alias bomb or a deeply nested input stops at the limit instead of first being
//! built in memory. Also rejects duplicate keys, non-scalar keys, tags and non-JSON numbers.

use super::read::{Limits, ReadError};
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::{Cell, RefCell};
use std::fmt;

/// The shared state of one decode: the node and text budgets and the first limit that was hit.
pub(super) struct Budget<'l> {
    limits: &'l Limits,
    remaining: Cell<usize>,
    /// Bytes of scalar text (keys and values) still allowed, aliases expanded.
    text_remaining: Cell<usize>,
    /// Our own error, kept aside because serde only carries a message through the YAML library.
    failure: RefCell<Option<ReadError>>,
    /// Where our error is, innermost segment first: each mapping and sequence that the error
    /// unwinds through adds its key or index, so the happy path pays nothing for it.
    failure_path: RefCell<Vec<Segment>>,
    /// Whether to read past what the strict reader refuses (duplicate keys, tags, non-JSON
    /// numbers, non-scalar keys) rather than fail: the first of duplicate keys wins, the
    /// rest become null or are dropped. The limits hold all the same. Used only to find the
    /// name of the object that holds a refused construct.
    lenient: bool,
}

/// One step of a field path.
enum Segment {
    Key(String),
    Index(usize),
}

impl<'l> Budget<'l> {
    pub(super) fn new(limits: &'l Limits) -> Self {
        Budget {
            limits,
            remaining: Cell::new(limits.max_nodes),
            text_remaining: Cell::new(limits.max_text()),
            failure: RefCell::new(None),
            failure_path: RefCell::new(Vec::new()),
            lenient: false,
        }
    }

    /// A budget for a lenient read (see `lenient`), with the same limits.
    pub(super) fn lenient(limits: &'l Limits) -> Self {
        Budget { lenient: true, ..Budget::new(limits) }
    }

    fn fail<E: de::Error>(&self, error: ReadError) -> E {
        let message = error.to_string();
        self.failure.borrow_mut().get_or_insert(error);
        E::custom(message)
    }

    fn take(&self, depth: usize) -> Result<(), ReadError> {
        if depth > self.limits.max_depth {
            return Err(ReadError::TooDeep(self.limits.max_depth));
        }
        match self.remaining.get() {
            0 => Err(ReadError::TooManyNodes(self.limits.max_nodes)),
            n => {
                self.remaining.set(n - 1);
                Ok(())
            }
        }
    }

    /// Records one more step of the path to our error, as it unwinds (library errors carry no path).
    fn note(&self, segment: impl FnOnce() -> Segment) {
        if self.failure.borrow().is_some() {
            self.failure_path.borrow_mut().push(segment());
        }
    }

    /// The path to our error, such as `items[0].spec.steps`, or "" at the root.
    fn take_path(&self) -> String {
        let mut path = String::new();
        for segment in self.failure_path.borrow_mut().drain(..).rev() {
            match segment {
                Segment::Key(k) if path.is_empty() => path.push_str(&k),
                Segment::Key(k) => {
                    path.push('.');
                    path.push_str(&k);
                }
                Segment::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        path
    }

    /// Counts `len` bytes of decoded scalar text against the budget. Without aliases the text
    /// is at most 1.5 times the input (the escapes `\L` and `\P` turn 2 bytes into 3), under
    /// the budget, so only an alias that repeats a long scalar can hit it.
    fn take_text<E: de::Error>(&self, len: usize) -> Result<(), E> {
        match self.text_remaining.get().checked_sub(len) {
            Some(left) => {
                self.text_remaining.set(left);
                Ok(())
            }
            None => Err(self.fail(ReadError::TooMuchText(self.limits.max_text()))),
        }
    }

    /// Decodes one document, turning the YAML library's own limits into our errors.
    pub(super) fn decode<'de, D: Deserializer<'de, Error = serde_yaml::Error>>(&self, document: D) -> Result<Value, ReadError> {
        let result = Node { budget: self, depth: 0 }.deserialize(document);
        result.map_err(|e| {
            let path = self.take_path();
            match (self.failure.borrow_mut().take(), e.location()) {
                (Some(ours), Some(at)) => ReadError::At { line: at.line(), column: at.column(), path, error: Box::new(ours) },
                (Some(ours), None) => ours,
                (None, _) => library_error(&e),
            }
        })
    }
}

/// Maps the YAML library's messages to errors that say what to do.
fn library_error(e: &serde_yaml::Error) -> ReadError {
    let message = e.to_string();
    if message.starts_with("repetition limit exceeded") {
        ReadError::AliasExpansion
    } else if message.starts_with("recursion limit exceeded") {
        ReadError::TooDeep(Limits::default().max_depth)
    } else {
        ReadError::Syntax(message)
    }
}

/// One node at a given depth.
#[derive(Clone, Copy)]
struct Node<'b, 'l> {
    budget: &'b Budget<'l>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.budget.take(self.depth).map_err(|e| self.budget.fail(e))?;
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        match Number::from_f64(n) {
            Some(n) => Ok(Value::Number(n)),
            None if self.budget.lenient => Ok(Value::Null),
            None => Err(self.budget.fail(ReadError::Unsupported(format!("the number {n} has no JSON equivalent: quote it")))),
        }
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.budget.take_text(s.len())?;
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        self.budget.take_text(s.len())?;
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let child = Node { depth: self.depth + 1, ..self };
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element_seed(child).inspect_err(|_| self.budget.note(|| Segment::Index(out.len())))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let child = Node { depth: self.depth + 1, ..self };
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key(self.budget))? {
            if self.budget.lenient && (key.is_empty() || out.contains_key(&key)) {
                map.next_value_seed(child)?;
                continue;
            }
            if out.contains_key(&key) {
                let error = self.budget.fail(ReadError::Syntax(format!("duplicate key `{key}` in a mapping: give each key once")));
                self.budget.note(|| Segment::Key(key));
                return Err(error);
            }
            let value = map.next_value_seed(child).inspect_err(|_| self.budget.note(|| Segment::Key(key.clone())))?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // The YAML library hands a value with a custom tag (`!foo x`) over as an enum.
        let (tag, content) = data.variant::<String>()?;
        if self.budget.lenient {
            de::VariantAccess::newtype_variant_seed(content, Node { depth: self.depth + 1, ..self })?;
            return Ok(Value::Null);
        }
        Err(self
            .budget
            .fail(ReadError::Unsupported(format!("the YAML tag `!{tag}` is not supported: write the value as a plain or quoted string"))))
    }
}

/// A mapping key: any scalar, as its string form.
struct Key<'b, 'l>(&'b Budget<'l>);

impl Key<'_, '_> {
    /// A non-scalar key: refused, or in a lenient read decoded (within the limits) and skipped.
    fn skipped<'de, D: Deserializer<'de>>(&self, key: D) -> Result<String, D::Error> {
        if !self.0.lenient {
            return Err(self.0.fail(non_scalar_key()));
        }
        Node { budget: self.0, depth: 1 }.deserialize(key)?;
        Ok(String::new())
    }

    /// A key spelled out from a number, counted against the text budget like any other.
    fn counted<E: de::Error>(&self, key: String) -> Result<String, E> {
        self.0.take_text(key.len())?;
        Ok(key)
    }
}

impl<'de> DeserializeSeed<'de> for Key<'_, '_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, '_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok("null".into())
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<String, E> {
        Ok(b.to_string())
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<String, E> {
        self.counted(n.to_string())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<String, E> {
        self.counted(n.to_string())
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<String, E> {
        // `1e300` is five bytes of YAML and 301 digits as a key.
        self.counted(n.to_string())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        self.0.take_text(s.len())?;
        Ok(s.to_owned())
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<String, E> {
        self.0.take_text(s.len())?;
        Ok(s)
    }
    // A lenient read skips a non-scalar key: the empty key stands for it, and its entry is dropped.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<String, A::Error> {
        self.skipped(de::value::SeqAccessDeserializer::new(seq))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<String, A::Error> {
        self.skipped(de::value::MapAccessDeserializer::new(map))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        self.skipped(de::value::EnumAccessDeserializer::new(data))
    }
}

fn non_scalar_key() -> ReadError {
    ReadError::Unsupported("a mapping key is not a plain scalar: only string keys are supported".into())
}
