//! Reading YAML into objects, with limits on size, nesting and alias expansion.

use super::decode::Budget;
use super::{Object, ObjectRef, RESOURCE_LIST_API_VERSION, ResourceList};
use serde_json::Value;

/// Bounds on what the reader accepts, so hostile input ends in an error, not in memory exhaustion.
/// The node budget is counted while decoding, aliases included, so an alias bomb stops at the
/// limit before it is built. The YAML library adds two limits of its own, which fire first on
/// some inputs and are reported the same way: nesting deeper than 128 levels, and alias
/// replays beyond 100 times the document's own size.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest input, in bytes.
    pub max_bytes: usize,
    /// The deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// The most nodes (scalars, mappings, sequences) after aliases are expanded.
    pub max_nodes: usize,
}

/// The default node budget: 10,000 Pipelines are about 200,000 nodes.
const MAX_NODES: usize = 2_000_000;

impl Limits {
    /// The most decoded scalar text (keys and values, aliases expanded), in bytes: half again
    /// the input limit, which text without aliases never reaches.
    pub fn max_text(&self) -> usize {
        self.max_bytes + self.max_bytes / 2
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 64 * 1024 * 1024, max_depth: 64, max_nodes: MAX_NODES }
    }
}

/// Why input could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ReadError {
    /// Nothing was given.
    #[error("the input is empty: expected a ResourceList (apiVersion: config.kubernetes.io/v1, kind: ResourceList)")]
    Empty,
    /// The input is larger than the limit (given in bytes).
    #[error("the input is larger than the limit of {mib} MiB ({0} bytes): split it into smaller packages", mib = .0 / (1024 * 1024))]
    TooLarge(usize),
    /// The bytes are not UTF-8.
    #[error("the input is not valid UTF-8 (at byte {0})")]
    NotUtf8(usize),
    /// The YAML library rejected the text.
    #[error("the input is not valid YAML: {0}")]
    Syntax(String),
    /// Nesting deeper than the limit.
    #[error("the input nests deeper than {0} levels: flatten it")]
    TooDeep(usize),
    /// Too many nodes after aliases were expanded.
    #[error("the input holds more than {0} YAML nodes (aliases expanded): split it into smaller packages, or repeat fewer anchors")]
    TooManyNodes(usize),
    /// More decoded scalar text than the text limit, aliases expanded (given in bytes).
    #[error(
        "the input's YAML aliases expand its text beyond {mib} MiB (an alias bomb?): write the values out instead of repeating anchors",
        mib = .0 / (1024 * 1024)
    )]
    TooMuchText(usize),
    /// More separators than the node budget, counted before parsing.
    #[error(
        "the input has more than {0} line breaks, commas, colons, dashes and brackets, more than the YAML reader may hold at once: split it into smaller packages"
    )]
    TooManySeparators(usize),
    /// The YAML library's own cap on alias replays (100 times the document's size) was hit.
    #[error(
        "the input's YAML aliases expand to over 100 times its own size (an alias bomb?): write the values out instead of repeating anchors"
    )]
    AliasExpansion,
    /// A YAML construct that has no JSON equivalent, or a tag.
    #[error("{0}")]
    Unsupported(String),
    /// A limit or an unsupported construct, where the YAML library knew the place.
    #[error("{error} (at line {line} column {column})")]
    At {
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// The field path to it from the document's root, such as `items[0].spec`; "" at the root.
        path: String,
        /// What is wrong there.
        error: Box<ReadError>,
    },
    /// A refused construct inside an item (or the functionConfig) whose kind and name could be read.
    #[error("{error}")]
    InObject {
        /// The object that holds it.
        object: ObjectRef,
        /// The file the object came from, when the orchestrator said.
        file: Option<String>,
        /// The field path inside the object, such as `spec.repo`.
        path: String,
        /// What is wrong there, with its place in the text.
        error: Box<ReadError>,
    },
    /// The document is not a ResourceList; `path` is the ResourceList field at fault.
    #[error("{message}")]
    NotResourceList {
        /// The field of the ResourceList at fault, such as `kind` or `items[2]`.
        path: String,
        /// What is wrong and what would be valid.
        message: String,
    },
}

impl ReadError {
    /// The error without its place in the text.
    pub fn unplaced(self) -> ReadError {
        match self {
            ReadError::At { error, .. } => *error,
            ReadError::InObject { error, .. } => error.unplaced(),
            e => e,
        }
    }

    /// Where in the input the problem is, as a field path of the ResourceList: the field a
    /// limit or an unsupported construct was found in (`items[0].spec.repo`), or the field at
    /// fault. Problems with the text as a whole (empty, too large, not UTF-8, not YAML, a
    /// limit hit at the root) point at its root, `.`.
    pub fn field_path(&self) -> &str {
        match self {
            ReadError::NotResourceList { path, .. } => path,
            ReadError::InObject { path, .. } => path,
            ReadError::At { path, .. } if !path.is_empty() => path,
            _ => ".",
        }
    }
}

fn not_list(path: impl Into<String>, message: impl Into<String>) -> ReadError {
    ReadError::NotResourceList { path: path.into(), message: message.into() }
}

fn text<'a>(bytes: &'a [u8], limits: &Limits) -> Result<&'a str, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge(limits.max_bytes));
    }
    // The YAML library holds every event of a document before decoding starts, about 130
    // bytes each; bound their number first. A node needs at least one of these bytes.
    let separators = bytes.iter().filter(|b| matches!(b, b',' | b'[' | b'{' | b':' | b'-' | b'\n')).count();
    if separators > limits.max_nodes {
        return Err(ReadError::TooManySeparators(limits.max_nodes));
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
    Budget::new(limits).decode(serde_yaml::Deserializer::from_str(text))
}

/// Parses a stream of YAML documents (a manifest file) into objects, skipping empty documents.
pub fn parse_objects(bytes: &[u8], limits: &Limits) -> Result<Vec<Object>, ReadError> {
    let text = text(bytes, limits)?;
    let budget = Budget::new(limits);
    let mut out = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(text) {
        match budget.decode(doc)? {
            Value::Null => {}
            v @ Value::Object(_) => out.push(Object(v)),
            _ => return Err(ReadError::Unsupported("a document is not a mapping (a Kubernetes object)".into())),
        }
    }
    Ok(out)
}

/// Parses a ResourceList from the bytes on stdin. A duplicate key, a tag, a non-JSON number or
/// a non-scalar key inside an item names that item (`Kind/namespace/name`) when its kind and
/// name can be read.
pub fn parse_resource_list(bytes: &[u8], limits: &Limits) -> Result<ResourceList, ReadError> {
    let value = parse_value(bytes, limits).map_err(|e| name_the_object(bytes, limits, e))?;
    let Value::Object(mut map) = value else {
        return Err(not_list(".", "the input is not a mapping: expected a ResourceList"));
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if kind != "ResourceList" || !matches!(api_version, RESOURCE_LIST_API_VERSION | "config.kubernetes.io/v1alpha1") {
        let path = if kind == "ResourceList" { "apiVersion" } else { "kind" };
        return Err(not_list(
            path,
            format!(
                "the input is {}, not a ResourceList: expected apiVersion: {RESOURCE_LIST_API_VERSION} and kind: ResourceList",
                describe(api_version, kind)
            ),
        ));
    }
    let items = match map.remove("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(_) => Ok(Object(v)),
                _ => Err(not_list(format!("items[{i}]"), "not a mapping: every item must be a Kubernetes object")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(not_list("items", "not a list: expected a list of Kubernetes objects")),
    };
    let function_config = match map.remove("functionConfig") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(Object(v)),
        Some(_) => return Err(not_list("functionConfig", "not a mapping: expected a Kubernetes object")),
    };
    Ok(ResourceList { items, function_config, results: Vec::new() })
}

/// The object that holds a refused construct: the input is read again leniently (the first of
/// duplicate keys wins, refused values become null; the limits still hold) to find the item's
/// kind, namespace and name. Limits and YAML syntax errors concern the input as a whole, and
/// an item whose kind or name cannot be read keeps the ResourceList field path.
fn name_the_object(bytes: &[u8], limits: &Limits, error: ReadError) -> ReadError {
    let ReadError::At { path, error: inner, .. } = &error else { return error };
    if !matches!(**inner, ReadError::Syntax(_) | ReadError::Unsupported(_)) {
        return error;
    }
    let Some((pointer, inside)) = object_field(path) else { return error };
    let Ok(document) = text(bytes, limits).and_then(|text| Budget::lenient(limits).decode(serde_yaml::Deserializer::from_str(text))) else {
        return error;
    };
    let Some(object) = document.pointer(&pointer).filter(|o| o.is_object()).map(|o| Object(o.clone())) else { return error };
    if object.kind().is_empty() || object.name().is_empty() {
        return error;
    }
    let file = object.annotation("internal.config.kubernetes.io/path").or_else(|| object.annotation("config.kubernetes.io/path"));
    ReadError::InObject { object: object.reference(), file: file.map(str::to_owned), path: inside.to_owned(), error: Box::new(error) }
}

/// Splits a ResourceList field path inside an object (`items[3].spec.repo`) into the object's
/// JSON pointer (`/items/3`) and the path inside it (`spec.repo`).
fn object_field(path: &str) -> Option<(String, &str)> {
    if let Some(rest) = path.strip_prefix("functionConfig.") {
        return Some(("/functionConfig".to_owned(), rest));
    }
    let (index, rest) = path.strip_prefix("items[")?.split_once(']')?;
    let index: usize = index.parse().ok()?;
    Some((format!("/items/{index}"), rest.strip_prefix('.')?))
}

fn describe(api_version: &str, kind: &str) -> String {
    match (api_version, kind) {
        ("", "") => "a mapping with no apiVersion or kind".into(),
        _ => format!("apiVersion: {api_version:?}, kind: {kind:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Result<ResourceList, ReadError> {
        parse_resource_list(s.as_bytes(), &Limits::default()).map_err(ReadError::unplaced)
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
        assert!(matches!(read("apiVersion: v1\nkind: ConfigMap\n"), Err(ReadError::NotResourceList { .. })));
        assert_eq!(read("  \n"), Err(ReadError::Empty));
    }

    #[test]
    fn bounds_depth_and_aliases() {
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(read(&deep), Err(ReadError::TooDeep(64)));
        let deeper = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        assert_eq!(read(&deeper), Err(ReadError::TooDeep(64)));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert_eq!(read(&bomb), Err(ReadError::AliasExpansion));
    }

    #[test]
    fn counts_alias_expansion_while_decoding() {
        // 20,000 aliases of a 20,000-item list: 400 million nodes, within the YAML library's
        // own replay cap, so only the node budget counted during decoding stops it.
        let n = 20_000;
        let wide = format!("a: &a [{}x]\nb: [{}*a]\n", "x,".repeat(n), "*a,".repeat(n));
        assert_eq!(read(&wide), Err(ReadError::TooManyNodes(Limits::default().max_nodes)));
    }

    #[test]
    fn counts_the_text_that_aliases_repeat() {
        // A few aliases of one long string: few nodes, within the library's replay cap, yet
        // gigabytes of text once expanded. The text budget stops it at the input limit.
        let limits = Limits { max_bytes: 1024 * 1024, ..Limits::default() };
        let long = format!("a: &a {}\n{}", "x".repeat(300_000), (0..6).map(|i| format!("k{i}: *a\n")).collect::<String>());
        let error = parse_value(long.as_bytes(), &limits).unwrap_err().unplaced();
        assert_eq!(error, ReadError::TooMuchText(1024 * 1024 * 3 / 2));
        let within = format!("a: &a {}\nb: *a\n", "x".repeat(300_000));
        assert!(parse_value(within.as_bytes(), &limits).is_ok(), "two copies fit in the budget");
        // Number keys are spelled out (`1e300` has 301 digits) and counted too.
        let limits = Limits { max_bytes: 64 * 1024, ..Limits::default() };
        let keys: String = (0..400).map(|i| format!("{i}e300: 0\n")).collect();
        assert_eq!(parse_value(keys.as_bytes(), &limits).unwrap_err().unplaced(), ReadError::TooMuchText(96 * 1024));
    }

    #[test]
    fn rejects_tags_nan_and_complex_keys() {
        assert!(matches!(read("a: !foo x\n"), Err(ReadError::Unsupported(m)) if m.contains("`!foo`")));
        assert!(matches!(read("a: .nan\n"), Err(ReadError::Unsupported(m)) if m.contains("quote it")));
        assert!(matches!(read("? [a]\n: 1\n"), Err(ReadError::Unsupported(m)) if m.contains("key")));
        assert_eq!(read("kind: ResourceList\napiVersion: v9\n").unwrap_err().field_path(), "apiVersion");
        assert_eq!(read("kind: ResourceList\napiVersion: config.kubernetes.io/v1\nitems: [1]\n").unwrap_err().field_path(), "items[0]");
    }

    #[test]
    fn names_the_object_that_holds_a_refused_construct() {
        let list = |item: &str| {
            format!("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {{kind: A, metadata: {{name: a}}}}\n{item}")
        };
        let error = |text: String| parse_resource_list(text.as_bytes(), &Limits::default()).unwrap_err();
        // The name comes after the fault, and is itself given twice: the first wins.
        let named = error(list("- spec: {x: 1, x: 2}\n  kind: B\n  metadata: {name: b, name: c, namespace: n}\n"));
        let ReadError::InObject { object, path, .. } = &named else { panic!("{named:?}") };
        assert_eq!((object.to_string().as_str(), path.as_str()), ("B/n/b", "spec.x"));
        assert!(named.to_string().starts_with("the input is not valid YAML: duplicate key `x`"), "{named}");
        // No name to read: the ResourceList's field path stays.
        let unnamed = error(list("- kind: B\n  spec: {x: .nan}\n"));
        assert_eq!(unnamed.field_path(), "items[1].spec.x");
        assert!(matches!(unnamed, ReadError::At { .. }), "{unnamed:?}");
        // A limit concerns the input as a whole.
        let deep = error(list(&format!("- kind: B\n  metadata: {{name: b}}\n  spec: {}1{}\n", "[".repeat(80), "]".repeat(80))));
        assert!(matches!(deep.unplaced(), ReadError::TooDeep(64)));
    }

    #[test]
    fn bounds_the_reader_before_parsing() {
        let flat = format!("a: [{}x]\n", "x,".repeat(Limits::default().max_nodes));
        assert_eq!(read(&flat), Err(ReadError::TooManySeparators(Limits::default().max_nodes)));
    }

    #[test]
    fn keeps_scalar_types() {
        let placed = parse_value(b"a:\n  b: !foo x\n", &Limits::default()).unwrap_err().to_string();
        assert!(placed.ends_with("not supported: write the value as a plain or quoted string (at line 2 column 6)"), "{placed}");
        let v = parse_value(b"a: [1, -2, 1.5, true, null, '0755', on, 18446744073709551615]\n7: x\n", &Limits::default()).unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, -2, 1.5, true, null, "0755", "on", 18446744073709551615u64], "7": "x"}));
    }
}
