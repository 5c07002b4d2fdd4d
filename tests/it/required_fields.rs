//! Every problem at once, even when a required field is missing: for every required field of
//! every kind (found from the kinds' own JSON Schemas), an object missing it still has its other
//! problems reported in the same run.

use serde_json::{Value, json};
use std::collections::BTreeSet;

use crate::support;

/// A valid object of each kind that holds every block with required fields, and the other
/// problems to plant beside a missing field: (field path, bad value that only the semantic
/// checks refuse, what the message says). The first one not inside the missing field is used.
fn cases() -> Vec<(Value, Vec<(&'static str, Value, &'static str)>)> {
    let pipeline = json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Pipeline",
        "metadata": {"name": "api", "namespace": "team-a"},
        "spec": {
            "repo": "https://github.com/acme/api.git", "toolchain": "node", "image": "registry.acme.io/acme/api",
            "git": {"https": {"name": "git-token"}},
            "triggers": {"push": {"branches": ["main"]}},
            "notify": {
                "webhook": {"name": "hooks", "key": "url"},
                "commitStatus": {"provider": "github", "token": {"name": "gh", "key": "token"}}
            }
        }
    });
    let pipeline_problems = vec![("spec.contextDir", json!("/abs"), "is absolute"), ("metadata.namespace", json!("Not_Valid"), "DNS")];
    let team_problems = vec![("spec.archivedLogsSecret", json!("Not_Valid"), "DNS"), ("metadata.namespace", json!("Not_Valid"), "DNS")];
    let github = json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Team",
        "metadata": {"name": "payments", "namespace": "team-a"},
        "spec": {"groups": ["devs"], "events": {"github": {"webhookSecret": {"name": "gh", "key": "secret"}, "repositories": ["acme/api"]}}}
    });
    let gitlab = json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Team",
        "metadata": {"name": "payments", "namespace": "team-a"},
        "spec": {"groups": ["devs"], "events": {"gitlab": {
            "baseUrl": "https://gitlab.acme.io", "url": "https://events.acme.io/team-a",
            "accessToken": {"name": "gl", "key": "token"}, "webhookSecret": {"name": "gl", "key": "secret"},
            "projects": ["acme/api"]
        }}}
    });
    let platform = json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Platform",
        "metadata": {"name": "acme"},
        "spec": {
            "sonar": {"hostUrl": "https://sonar.acme.io", "token": {"name": "sonar", "key": "token"}},
            "versions": [{"version": "v1"}, {"version": "v2"}]
        }
    });
    let platform_problems = vec![("spec.images.node", json!("NOT AN IMAGE"), "not a valid image reference")];
    vec![(pipeline, pipeline_problems), (github, team_problems.clone()), (gitlab, team_problems), (platform, platform_problems)]
}

fn schema(kind: &str) -> Value {
    let run = support::pipewright(&["schema", &kind.to_lowercase()], &support::root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => root.pointer(pointer).unwrap(),
        None => schema,
    }
}

/// The schema (after `$ref`s and the branch of an `anyOf` that takes a mapping or a list) that
/// describes `value`, and that schema's name (`$defs` key, or `root`).
fn describe<'a>(root: &'a Value, schema: &'a Value, value: &Value, name: &str) -> (&'a Value, String) {
    let name = schema.get("$ref").and_then(Value::as_str).map_or(name.to_owned(), |r| r.rsplit('/').next().unwrap().to_owned());
    let schema = resolve(root, schema);
    if let Some(branches) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
        let want = if value.is_object() { "object" } else { "array" };
        for branch in branches {
            let resolved = resolve(root, branch);
            let types = resolved.get("type").map(|t| t.to_string()).unwrap_or_default();
            if types.contains(want) {
                return describe(root, branch, value, &name);
            }
        }
    }
    (schema, name)
}

/// Every required field present in `value`, as (schema name, field, path segments).
fn required_fields(root: &Value, schema: &Value, value: &Value, name: &str, at: &[Value], out: &mut Vec<(String, String, Vec<Value>)>) {
    let (schema, name) = describe(root, schema, value, name);
    match value {
        Value::Object(map) => {
            for field in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if name == "root" && (field == "apiVersion" || field == "kind") {
                    continue; // without them the object is not pipewright's at all
                }
                let mut path = at.to_vec();
                path.push(json!(field));
                out.push((name.clone(), field.to_owned(), path));
            }
            for (key, v) in map {
                if let Some(property) = schema.get("properties").and_then(|p| p.get(key)) {
                    let mut path = at.to_vec();
                    path.push(json!(key));
                    required_fields(root, property, v, &name, &path, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut path = at.to_vec();
                path.push(json!(i));
                required_fields(root, &schema["items"], item, &name, &path, out);
            }
        }
        _ => {}
    }
}

/// Every (schema name, required field) the schema declares, apiVersion and kind aside.
fn declared(root: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut add = |name: &str, schema: &Value| {
        for field in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !(name == "root" && (field == "apiVersion" || field == "kind")) {
                out.insert((name.to_owned(), field.to_owned()));
            }
        }
    };
    add("root", root);
    for (name, def) in root.get("$defs").and_then(Value::as_object).into_iter().flatten() {
        add(name, def);
    }
    out
}

fn dotted(path: &[Value]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Value::Number(i) => out.push_str(&format!("[{i}]")),
            Value::String(key) if out.is_empty() => out.push_str(key),
            Value::String(key) => out.push_str(&format!(".{key}")),
            _ => unreachable!(),
        }
    }
    out
}

fn remove(value: &mut Value, path: &[Value]) {
    let (last, parents) = path.split_last().unwrap();
    let parent = parents.iter().fold(value, |v, s| match s {
        Value::Number(i) => &mut v[i.as_u64().unwrap() as usize],
        Value::String(k) => &mut v[k.as_str()],
        _ => unreachable!(),
    });
    parent.as_object_mut().unwrap().remove(last.as_str().unwrap()).expect("the field to remove is there");
}

fn set(value: &mut Value, dotted: &str, new: Value) {
    let (parents, last) = dotted.rsplit_once('.').unwrap();
    let parent = parents.split('.').fold(value, |v, k| {
        if v.get(k).is_none() {
            v[k] = json!({});
        }
        &mut v[k]
    });
    parent[last] = new;
}

fn run(object: &Value) -> support::Run {
    let list = json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [object]});
    support::function(list.to_string().as_bytes())
}

#[test]
fn a_missing_required_field_hides_no_other_problem() {
    let mut covered: BTreeSet<(String, String)> = BTreeSet::new();
    let mut all: BTreeSet<(String, String)> = BTreeSet::new();
    let mut failures = Vec::new();
    for (base, problems) in cases() {
        let kind = base["kind"].as_str().unwrap().to_owned();
        let schema = schema(&kind);
        all.extend(declared(&schema).into_iter().map(|(n, f)| (format!("{kind} {n}"), f)));
        let clean = run(&base);
        assert_eq!(clean.code, 0, "the {kind} base object is not valid: {}", clean.stderr);
        let mut fields = Vec::new();
        required_fields(&schema, &schema, &base, "root", &[], &mut fields);
        for (name, field, path) in fields {
            covered.insert((format!("{kind} {name}"), field));
            let missing = dotted(&path);
            let inside =
                |other: &str| other == missing || other.starts_with(&format!("{missing}.")) || missing.starts_with(&format!("{other}."));
            let (other, bad, says) = problems.iter().find(|(p, _, _)| !inside(p)).expect("an independent problem to plant");
            let mut object = base.clone();
            remove(&mut object, &path);
            set(&mut object, other, bad.clone());
            let out = run(&object);
            let errors: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("pipewright: error: ")).collect();
            let names_missing = errors.iter().any(|l| l.contains(&format!(": {missing}: is required but missing")));
            let names_other = errors.iter().any(|l| l.contains(&format!(": {other}: ")) && l.contains(says));
            if out.code != 1 || !names_missing || !names_other {
                failures.push(format!("{kind} without {missing}, with {other} = {bad}: exit {}\n{}", out.code, out.stderr));
            }
        }
    }
    let uncovered: Vec<_> = all.difference(&covered).collect();
    assert!(uncovered.is_empty(), "no case exercises these required fields: {uncovered:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
