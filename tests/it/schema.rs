//! `pipewright schema`: its output is snapshotted, so every API change shows in review; every
//! field has a description; and each kind's example is a spec the function accepts.

use super::support::{self, function, pipewright};
use serde_json::Value;

#[test]
fn schema_output_is_reviewed() {
    let run = pipewright(&["schema"], &support::root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("schema_all_kinds", run.stdout);
}

fn undescribed(schema: &Value, path: &str, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (name, property) in map.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if property.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
                    out.push(format!("{path}.{name}"));
                }
            }
            for (key, value) in map {
                undescribed(value, &format!("{path}/{key}"), out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| undescribed(v, path, out)),
        _ => {}
    }
}

#[test]
fn every_field_is_described_and_every_kind_has_a_valid_example() {
    let run = pipewright(&["schema"], &support::root());
    let all: Value = serde_json::from_str(&run.stdout).unwrap();
    let kinds = all.as_object().unwrap();
    assert!(kinds.contains_key("Pipeline") && kinds.contains_key("Platform"), "{:?}", kinds.keys());
    for (kind, schema) in kinds {
        let mut missing = Vec::new();
        undescribed(schema, kind, &mut missing);
        assert!(missing.is_empty(), "fields without a description: {missing:?}");
        assert!(schema["description"].is_string(), "{kind} has no description");
        let examples = schema["examples"].as_array().unwrap_or_else(|| panic!("{kind} has no example"));
        let list = serde_json::json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": examples});
        let checked = function(serde_yaml::to_string(&list).unwrap().as_bytes());
        assert_eq!(checked.code, 0, "{kind}'s example is rejected:\n{}", checked.stderr);
        // One kind's schema alone is the same schema.
        let one = pipewright(&["schema", &kind.to_lowercase()], &support::root());
        assert_eq!(serde_json::from_str::<Value>(&one.stdout).unwrap(), *schema);
    }
}

#[test]
fn the_example_trees_editor_schemas_are_current_and_named_by_every_spec() {
    let schemas = support::root().join("argo/.schemas");
    for kind in ["pipeline", "platform", "team"] {
        let run = pipewright(&["schema", kind], &support::root());
        assert_eq!(run.code, 0, "{}", run.stderr);
        let committed = std::fs::read_to_string(schemas.join(format!("{kind}.json"))).unwrap();
        let committed: Value = serde_json::from_str(&committed).unwrap();
        let current: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(committed, current, "argo/.schemas/{kind}.json is stale: run `pipewright schema {kind} > argo/.schemas/{kind}.json`");
    }
    let mut stack = vec![support::root().join("argo")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if !text.contains("apiVersion: pipewright.dev/") {
                continue;
            }
            let first = text.lines().next().unwrap_or("");
            let target =
                first.strip_prefix("# yaml-language-server: $schema=").unwrap_or_else(|| panic!("{} names no schema", path.display()));
            assert!(path.parent().unwrap().join(target).is_file(), "{}: {target} does not exist", path.display());
        }
    }
}
