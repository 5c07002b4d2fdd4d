//! A Kubernetes object kept as an ordered JSON tree, so that unknown fields pass through untouched.

use serde_json::{Map, Value};

/// One Kubernetes object. Fields keep their order; nothing is dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Object(pub Value);

/// The identity of an object as KRM results and error messages name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// The object's apiVersion.
    pub api_version: String,
    /// The object's kind.
    pub kind: String,
    /// The object's name.
    pub name: String,
    /// The object's namespace, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = if self.name.is_empty() { "(unnamed)" } else { &self.name };
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, name),
            None => write!(f, "{}/{}", self.kind, name),
        }
    }
}

impl Object {
    /// Wraps a value that should be a mapping.
    pub fn new(value: Value) -> Self {
        Object(value)
    }

    /// Serializes a typed object into an `Object`.
    pub fn from_serialize<T: serde::Serialize>(value: &T) -> Self {
        // Serializing our own plain data types into a JSON tree cannot fail.
        Object(serde_json::to_value(value).unwrap_or(Value::Null))
    }

    fn str_at(&self, path: &[&str]) -> Option<&str> {
        let mut v = &self.0;
        for key in path {
            v = v.get(key)?;
        }
        v.as_str()
    }

    /// `apiVersion`, or "" when absent.
    pub fn api_version(&self) -> &str {
        self.str_at(&["apiVersion"]).unwrap_or("")
    }

    /// `kind`, or "" when absent.
    pub fn kind(&self) -> &str {
        self.str_at(&["kind"]).unwrap_or("")
    }

    /// `metadata.name`, or "" when absent.
    pub fn name(&self) -> &str {
        self.str_at(&["metadata", "name"]).unwrap_or("")
    }

    /// `metadata.namespace`, when set and not empty.
    pub fn namespace(&self) -> Option<&str> {
        self.str_at(&["metadata", "namespace"]).filter(|s| !s.is_empty())
    }

    /// The API group: the part of apiVersion before the slash ("" for the core group).
    pub fn group(&self) -> &str {
        self.api_version().rsplit_once('/').map(|(g, _)| g).unwrap_or("")
    }

    /// The identity used in results and messages.
    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version().to_owned(),
            kind: self.kind().to_owned(),
            name: self.name().to_owned(),
            namespace: self.namespace().map(str::to_owned),
        }
    }

    /// One annotation's value, if it is a string.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.0.get("metadata")?.get("annotations")?.get(key)?.as_str()
    }

    fn annotations_mut(&mut self) -> Option<&mut Map<String, Value>> {
        let meta = self.0.as_object_mut()?.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
        let annotations = meta.as_object_mut()?.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
        annotations.as_object_mut()
    }

    /// Sets one annotation, creating `metadata.annotations` when needed.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        if let Some(a) = self.annotations_mut() {
            a.insert(key.to_owned(), Value::String(value.to_owned()));
        }
    }

    /// Removes the given annotations, and the annotations map itself if that leaves it empty.
    pub fn remove_annotations(&mut self, keys: &[&str]) {
        let Some(meta) = self.0.get_mut("metadata").and_then(Value::as_object_mut) else { return };
        let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) else { return };
        let before = annotations.len();
        for key in keys {
            annotations.shift_remove(*key);
        }
        if annotations.is_empty() && before > 0 {
            meta.shift_remove("annotations");
        }
    }
}
