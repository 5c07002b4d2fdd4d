//! Reading YAML into objects, with limits on size, nesting and alias expansion.

use super::{Object, RESOURCE_LIST_API_VERSION, ResourceList};
use serde_json::{Map, Number, Value};
use serde_yaml::Value as Yaml;

/// Bounds on what the reader accepts, so hostile input ends in an error, not in memory exhaustion.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest input, in bytes.
    pub max_bytes: usize,
    /// The deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// The most nodes (scalars, mappings, sequences) after aliases are expanded.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 64 * 1024 * 1024, max_depth: 64, max_nodes: 20_000_000 }
    }
}

/// Why input could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ReadError {
    /// Nothing was given.
    #[error("the input is empty: expected a ResourceList (apiVersion: config.kubernetes.io/v1, kind: ResourceList)")]
    Empty,
    /// The input is larger than the limit.
    #[error("the input is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The size given.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    #[error("the input is not valid UTF-8 (at byte {0})")]
    NotUtf8(usize),
    /// The YAML library rejected the text.
    #[error("the input is not valid YAML: {0}")]
    Syntax(String),
    /// Nesting deeper than the limit.
    #[error("the input nests deeper than {0} levels")]
    TooDeep(usize),
    /// Too many nodes after aliases were expanded.
    #[error("the input expands to more than {0} YAML nodes (aliases included)")]
    TooManyNodes(usize),
    /// A YAML construct that has no JSON equivalent, or a tag.
    #[error("{0}")]
    Unsupported(String),
    /// The document is not a ResourceList.
    #[error("{0}")]
    NotResourceList(String),
}

fn text<'a>(bytes: &'a [u8], limits: &Limits) -> Result<&'a str, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge { size: bytes.len(), limit: limits.max_bytes });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.valid_up_to()))?;
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(text)
}

/// Parses one YAML document into a JSON tree, enforcing the limits.
pub fn parse_value(bytes: &[u8], limits: &Limits) -> Result<Value, ReadError> {
    let text = text(bytes, limits)?;
    let yaml: Yaml = serde_yaml::from_str(text).map_err(|e| ReadError::Syntax(e.to_string()))?;
    let mut budget = limits.max_nodes;
    convert(yaml, 0, limits, &mut budget)
}

/// Parses a stream of YAML documents (a manifest file) into objects, skipping empty documents.
pub fn parse_objects(bytes: &[u8], limits: &Limits) -> Result<Vec<Object>, ReadError> {
    let text = text(bytes, limits)?;
    let mut budget = limits.max_nodes;
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(text) {
        let yaml = <Yaml as serde::Deserialize>::deserialize(doc).map_err(|e| ReadError::Syntax(e.to_string()))?;
        match convert(yaml, 0, limits, &mut budget)? {
            Value::Null => {}
            v @ Value::Object(_) => out.push(Object(v)),
            _ => return Err(ReadError::Unsupported("a document is not a mapping (a Kubernetes object)".into())),
        }
    }
    Ok(out)
}

/// Parses a ResourceList from the bytes on stdin.
pub fn parse_resource_list(bytes: &[u8], limits: &Limits) -> Result<ResourceList, ReadError> {
    let value = parse_value(bytes, limits)?;
    let Value::Object(mut map) = value else {
        return Err(ReadError::NotResourceList("the input is not a mapping: expected a ResourceList".into()));
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if kind != "ResourceList" || !matches!(api_version, RESOURCE_LIST_API_VERSION | "config.kubernetes.io/v1alpha1") {
        return Err(ReadError::NotResourceList(format!(
            "the input is {}, not a ResourceList: expected apiVersion: {RESOURCE_LIST_API_VERSION} and kind: ResourceList",
            describe(api_version, kind)
        )));
    }
    let items = match map.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(_) => Ok(Object(v)),
                _ => Err(ReadError::NotResourceList(format!("items[{i}] is not a mapping: every item must be a Kubernetes object"))),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(ReadError::NotResourceList("items is not a list: expected a list of Kubernetes objects".into())),
    };
    let function_config = match map.remove("functionConfig") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(Object(v)),
        Some(_) => return Err(ReadError::NotResourceList("functionConfig is not a mapping: expected a Kubernetes object".into())),
    };
    Ok(ResourceList { items, function_config, results: Vec::new() })
}

fn describe(api_version: &str, kind: &str) -> String {
    match (api_version, kind) {
        ("", "") => "a mapping with no apiVersion or kind".into(),
        _ => format!("apiVersion: {api_version:?}, kind: {kind:?}"),
    }
}

fn convert(yaml: Yaml, depth: usize, limits: &Limits, budget: &mut usize) -> Result<Value, ReadError> {
    if depth > limits.max_depth {
        return Err(ReadError::TooDeep(limits.max_depth));
    }
    if *budget == 0 {
        return Err(ReadError::TooManyNodes(limits.max_nodes));
    }
    *budget -= 1;
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => number(&n)?,
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(seq) => {
            Value::Array(seq.into_iter().map(|v| convert(v, depth + 1, limits, budget)).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(mapping) => {
            let mut map = Map::with_capacity(mapping.len());
            for (k, v) in mapping {
                let key = scalar_key(k)?;
                map.insert(key, convert(v, depth + 1, limits, budget)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => {
            return Err(ReadError::Unsupported(format!(
                "the YAML tag `{}` is not supported: write the value as a plain or quoted string",
                tagged.tag
            )));
        }
    })
}

fn number(n: &serde_yaml::Number) -> Result<Value, ReadError> {
    if let Some(i) = n.as_i64() {
        return Ok(Value::Number(i.into()));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Value::Number(u.into()));
    }
    n.as_f64()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| ReadError::Unsupported(format!("the number {n} has no JSON equivalent: quote it")))
}

fn scalar_key(key: Yaml) -> Result<String, ReadError> {
    match key {
        Yaml::String(s) => Ok(s),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Null => Ok("null".into()),
        _ => Err(ReadError::Unsupported("a mapping key is not a scalar: only string keys are supported".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Result<ResourceList, ReadError> {
        parse_resource_list(s.as_bytes(), &Limits::default())
    }

    #[test]
    fn reads_items_and_config() {
        let rl = read("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {kind: A}\nfunctionConfig: {kind: B}\n").unwrap();
        assert_eq!(rl.items.len(), 1);
        assert_eq!(rl.function_config.unwrap().kind(), "B");
    }

    #[test]
    fn rejects_duplicate_keys_and_wrong_kind() {
        assert!(matches!(read("a: 1\na: 2\n"), Err(ReadError::Syntax(m)) if m.contains("duplicate")));
        assert!(matches!(read("apiVersion: v1\nkind: ConfigMap\n"), Err(ReadError::NotResourceList(_))));
        assert_eq!(read("  \n"), Err(ReadError::Empty));
    }

    #[test]
    fn bounds_depth_and_aliases() {
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(read(&deep).is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(read(&bomb).is_err());
    }
}
