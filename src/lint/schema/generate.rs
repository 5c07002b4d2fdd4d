//! Generates `table.rs` from Argo's JSON Schema (`../shared/argo/schema/schema.json`), and
//! checks that the committed table matches it. Runs as a test: `UPDATE_ARGO_TABLE=1 cargo test
//! --lib lint::schema` rewrites the table; without it, a stale table fails the test. Without
//! `../shared` (a user's clone), the test says why it skips.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::PathBuf;

/// The kinds whose definitions, and everything they refer to, go into the table.
pub const ROOTS: [&str; 4] = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"];
const ARGO: &str = "io.argoproj.workflow.v1alpha1.";

fn reference(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = reference(v) {
                out.push(r);
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// The table's Rust text for a schema.
pub fn generate(schema: &Value, source: &str) -> String {
    let definitions = &schema["definitions"];
    let mut reachable = BTreeSet::new();
    let mut stack: Vec<String> = ROOTS.iter().map(|k| format!("{ARGO}{k}")).collect();
    while let Some(name) = stack.pop() {
        if reachable.insert(name.clone()) {
            let mut found = Vec::new();
            refs(&definitions[&name], &mut found);
            stack.extend(found.into_iter().map(str::to_owned));
        }
    }
    let index: BTreeMap<&str, usize> = reachable.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let shape = |v: &Value| shape(v, &index);
    let mut out = String::new();
    let _ = writeln!(out, "//! GENERATED from Argo's JSON Schema ({source}) by `src/lint/schema/generate.rs`:");
    let _ = writeln!(out, "//! do not edit. `UPDATE_ARGO_TABLE=1 cargo test --lib lint::schema` rewrites it.");
    let _ = writeln!(out, "//! Each definition the four Argo kinds reach: its fields (sorted) with the shape of their");
    let _ = writeln!(out, "//! values, and its required fields. Schema descriptions are left out.\n");
    let _ = writeln!(out, "use super::shape::{{Body::*, Definition, Shape::*}};\n");
    let _ = writeln!(out, "/// The index of each kind's definition in [`DEFINITIONS`].");
    for kind in ROOTS {
        let _ = writeln!(out, "pub const {}: u16 = {};", constant(kind), index[format!("{ARGO}{kind}").as_str()]);
    }
    let _ = writeln!(out, "\n/// Every definition, by index.");
    let _ = writeln!(out, "#[rustfmt::skip]");
    let _ = writeln!(out, "pub static DEFINITIONS: &[Definition] = &[");
    for (i, name) in reachable.iter().enumerate() {
        let d = &definitions[name];
        let body = match (d.get("properties").and_then(Value::as_object), d.get("type").and_then(Value::as_str)) {
            (Some(props), _) => {
                let fields: Vec<String> = props.iter().map(|(k, v)| format!("({k:?}, {})", shape(v))).collect();
                let mut fields = fields;
                fields.sort();
                format!("Fields(&[{}])", fields.join(", "))
            }
            (None, Some("object")) => "Open".to_owned(),
            (None, _) => format!("Is({})", shape(d)),
        };
        let required: Vec<String> =
            d.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(|r| format!("{r:?}")).collect();
        let _ = writeln!(out, "    /* {i} */ Definition {{ name: {name:?}, body: {body}, required: &[{}] }},", required.join(", "));
    }
    let _ = writeln!(out, "];");
    out
}

fn constant(kind: &str) -> String {
    let mut s = String::new();
    for (i, c) in kind.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            s.push('_');
        }
        s.push(c.to_ascii_uppercase());
    }
    s
}

fn shape(v: &Value, index: &BTreeMap<&str, usize>) -> String {
    if let Some(r) = reference(v) {
        return format!("Ref({})", index[r]);
    }
    match v.get("type").and_then(Value::as_str) {
        Some("array") => format!("List(&{})", v.get("items").map(|i| shape(i, index)).unwrap_or_else(|| "Any".into())),
        Some("object") => match v.get("additionalProperties") {
            Some(extra) if extra.is_object() => format!("Map(&{})", shape(extra, index)),
            _ => "Map(&Any)".into(),
        },
        Some("string" | "integer" | "number" | "boolean") => "Scalar".into(),
        _ => "Any".into(),
    }
}

fn table_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/lint/schema/table.rs")
}

#[test]
fn table_is_up_to_date_with_argos_schema() {
    let schema_file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/argo/schema/schema.json");
    let Ok(text) = std::fs::read_to_string(&schema_file) else {
        let _ = writeln!(
            &mut std::io::stderr() as &mut dyn std::io::Write,
            "skipped: {} is absent: the committed Argo field table is not checked against it",
            schema_file.display()
        );
        return;
    };
    let schema: Value = serde_json::from_str(&text).expect("Argo's schema is JSON");
    let fresh = generate(&schema, "../shared/argo/schema/schema.json, Argo v4.1.2");
    let committed = std::fs::read_to_string(table_path()).unwrap_or_default();
    if std::env::var_os("UPDATE_ARGO_TABLE").is_some() {
        std::fs::write(table_path(), &fresh).expect("the table can be written");
        return;
    }
    assert!(
        committed == fresh,
        "src/lint/schema/table.rs is out of date with {}: run `UPDATE_ARGO_TABLE=1 cargo test --lib lint::schema`",
        schema_file.display()
    );
}
