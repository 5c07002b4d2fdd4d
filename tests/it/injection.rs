//! Injection: every hostile value in `tests/injection/values.txt`, set into every user field
//! (one row of `FIELDS` each), is either rejected with an error that names the field, or
//! reaches the output only as an inert value (a parameter or env value), never as script text
//! and never as an Argo expression. A new kind plugs its fields in as more rows, its object
//! into the bundle (the `Team` kind's group names are such a row).

use super::support::function;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// A user field: its path in its object, as errors name it, and how to set it in the bundle
/// `{"pipeline": …, "team": …}`.
struct Field {
    path: &'static str,
    set: fn(&mut Value, &str),
}

const FIELDS: &[Field] = &[
    Field { path: "metadata.name", set: |b, v| b["pipeline"]["metadata"]["name"] = v.into() },
    Field { path: "metadata.namespace", set: |b, v| b["pipeline"]["metadata"]["namespace"] = v.into() },
    Field { path: "spec.repo", set: |b, v| b["pipeline"]["spec"]["repo"] = v.into() },
    Field { path: "spec.revision", set: |b, v| b["pipeline"]["spec"]["revision"] = v.into() },
    Field { path: "spec.contextDir", set: |b, v| b["pipeline"]["spec"]["contextDir"] = v.into() },
    Field { path: "spec.image", set: |b, v| b["pipeline"]["spec"]["image"] = v.into() },
    Field { path: "spec.steps.test.command", set: |b, v| b["pipeline"]["spec"]["steps"]["test"]["command"][1] = v.into() },
    Field { path: "spec.steps.lint.command", set: |b, v| b["pipeline"]["spec"]["steps"]["lint"] = json!({"command": [v]}) },
    Field { path: "spec.steps.test.image", set: |b, v| b["pipeline"]["spec"]["steps"]["test"]["image"] = v.into() },
    Field { path: "spec.notify.webhook.name", set: |b, v| b["pipeline"]["spec"]["notify"]["webhook"]["name"] = v.into() },
    Field { path: "spec.notify.webhook.key", set: |b, v| b["pipeline"]["spec"]["notify"]["webhook"]["key"] = v.into() },
    Field { path: "spec.triggers.push.branches", set: |b, v| b["pipeline"]["spec"]["triggers"]["push"]["branches"][0] = v.into() },
    Field { path: "spec.sonar.projectKey", set: |b, v| b["pipeline"]["spec"]["sonar"]["projectKey"] = v.into() },
    Field { path: "spec.notify.commitStatus.apiUrl", set: |b, v| b["pipeline"]["spec"]["notify"]["commitStatus"]["apiUrl"] = v.into() },
    Field { path: "spec.groups", set: |b, v| b["team"]["spec"]["groups"][0] = v.into() },
];

/// Values written raw into the YAML (tags), rather than as strings, start with `raw:`.
fn hostile_values() -> Vec<String> {
    let text = std::fs::read_to_string(super::support::root().join("tests/injection/values.txt")).unwrap();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t"))
        .collect()
}

fn pipeline() -> Value {
    json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Pipeline",
        "metadata": {"name": "payments-api", "namespace": "team-payments"},
        "spec": {
            "repo": "https://github.com/acme/payments-api.git", "revision": "main", "contextDir": "services/api",
            "toolchain": "node", "image": "registry.acme.io/payments/payments-api",
            "steps": {"test": {"command": ["npm", "test"]}},
            "triggers": {"push": {"branches": ["main", "release/*"]}},
            "sonar": {"projectKey": "payments_api"},
            "notify": {
                "webhook": {"name": "ci-webhook", "key": "url"},
                "commitStatus": {"provider": "github", "token": {"name": "gh-token", "key": "token"}, "apiUrl": "https://api.github.com"}
            }
        }
    })
}

const RAW: &str = "PIPEWRIGHT-RAW-VALUE";

fn input(field: &Field, value: &str) -> Vec<u8> {
    let team = json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Team",
        "metadata": {"name": "payments", "namespace": "team-payments"},
        "spec": {"groups": ["payments-devs"], "access": "operate"}
    });
    let mut bundle = json!({"pipeline": pipeline(), "team": team});
    // Sonar on, so the project key reaches a real scanner step, not a no-op.
    let platform = json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "acme"},
        "spec": {"sonar": {"hostUrl": "https://sonar.acme.io", "token": {"name": "sonar-token", "key": "token"}}}
    });
    let raw = value.strip_prefix("raw:");
    (field.set)(&mut bundle, if raw.is_some() { RAW } else { value });
    let list =
        json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [platform, bundle["pipeline"], bundle["team"]]});
    let text = serde_yaml::to_string(&list).unwrap();
    match raw {
        Some(raw) => text.replace(RAW, raw).into_bytes(),
        None => text.into_bytes(),
    }
}

/// Every string in a tree, with its path.
fn strings<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(s) => out.push((path, s)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| strings(v, format!("{path}[{i}]"), out)),
        Value::Object(m) => m.iter().for_each(|(k, v)| strings(v, format!("{path}.{k}"), out)),
        _ => {}
    }
}

/// Script text: every `script.source`, and every container's `command` and `args`.
fn script_text(items: &[Value]) -> BTreeSet<String> {
    let mut all = Vec::new();
    for (i, item) in items.iter().enumerate() {
        strings(item, format!("items[{i}]"), &mut all);
    }
    all.into_iter()
        .filter(|(path, _)| path.ends_with(".script.source") || path.contains(".command[") || path.contains(".args["))
        .map(|(_, s)| s.to_owned())
        .collect()
}

/// Every `{{…}}` expression in the output.
fn expressions(stdout: &str) -> BTreeSet<String> {
    stdout.split("{{").skip(1).map(|s| s.split("}}").next().unwrap_or(s).to_owned()).collect()
}

/// Where a user value may land: a parameter's or an env variable's value.
fn is_inert(path: &str) -> bool {
    let parameter = path.contains(".parameters[") && path.ends_with(".value");
    let env = path.contains(".env[") && path.ends_with(".value");
    parameter || env
}

/// A group name must appear in Argo's SSO rbac-rule expression; it may only do so as one
/// quoted literal that it cannot break out of.
fn is_quoted_group(field: &Field, path: &str, text: &str, value: &str) -> bool {
    field.path == "spec.groups"
        && path.ends_with(".workflows.argoproj.io/rbac-rule")
        && text == format!("'{value}' in groups")
        && !value.contains(['\'', '"', '\\'])
}

/// A branch pattern must appear in a Sensor's filter; it may only do so inside the anchored
/// `^refs/heads/(…)$` regex, and only as plain branch characters (no regex syntax of its own).
fn is_anchored_branch(field: &Field, path: &str, text: &str, value: &str) -> bool {
    field.path == "spec.triggers.push.branches"
        && path.contains(".filters.data[")
        && text.starts_with("^refs/heads/(")
        && text.ends_with(")$")
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_/".contains(&b))
}

#[test]
fn hostile_values_are_rejected_or_inert() {
    let values = hostile_values();
    assert!(values.len() >= 30, "only {} hostile values", values.len());
    let baseline = function(&input(&FIELDS[0], "payments-api"));
    assert_eq!(baseline.code, 0, "{}", baseline.stderr);
    let base_items = super::support::items(&baseline.stdout);
    let base_scripts = script_text(&base_items);
    let base_expressions = expressions(&baseline.stdout);
    let mut base_all = Vec::new();
    for (i, item) in base_items.iter().enumerate() {
        strings(item, format!("items[{i}]"), &mut base_all);
    }
    let base_strings: std::collections::BTreeMap<_, _> = base_all.into_iter().collect();
    let (mut rejected, mut inert) = (0, 0);
    for field in FIELDS {
        for value in &values {
            let case = format!("{} = {value:?}", field.path);
            let run = function(&input(field, value));
            if run.code != 0 {
                assert_eq!(run.code, 1, "{case}: {}", run.stderr);
                let names_field =
                    run.stderr.lines().any(|l| l.contains(&format!(": {}", field.path)) || l.contains("ResourceList (stdin)"));
                assert!(names_field, "{case}: the error names neither the field nor the input:\n{}", run.stderr);
                assert!(super::support::items(&run.stdout).is_empty(), "{case}: a rejected input emitted items");
                rejected += 1;
                continue;
            }
            let items = super::support::items(&run.stdout);
            assert_eq!(script_text(&items), base_scripts, "{case}: the value changed script text");
            assert_eq!(expressions(&run.stdout), base_expressions, "{case}: the value introduced an Argo expression");
            let mut all = Vec::new();
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("items[{i}]"), &mut all);
            }
            if value.starts_with("raw:") {
                continue; // YAML reads it as some other value (`&a x` is "x"); the checks above hold
            }
            if field.path.starts_with("metadata.") {
                // Names land in many name fields; only DNS-1123 labels may get through.
                assert!(
                    value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "{case}: accepted a non-DNS name"
                );
                assert!(
                    items.iter().any(|i| i["metadata"]["name"] == value.as_str() || i["metadata"]["namespace"] == value.as_str()),
                    "{case}"
                );
                inert += 1;
                continue;
            }
            // Strings that hold the value and differ from the baseline's at the same place.
            let landed: Vec<_> = all.iter().filter(|(p, s)| s.contains(value.as_str()) && base_strings.get(p) != Some(s)).collect();
            if field.path == "spec.triggers.push.branches" && landed.is_empty() {
                // `*` and `.` are rewritten (`[A-Za-z0-9._-]+`, `\.`): such a pattern shows only as a
                // changed anchored regex, and may hold no other regex syntax.
                assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./*".contains(&b)), "{case}: accepted regex syntax");
                let anchored = |p: &str, s: &str| p.contains(".filters.data[") && s.starts_with("^refs/heads/(") && s.ends_with(")$");
                assert!(all.iter().any(|(p, s)| base_strings.get(p) != Some(s) && anchored(p, s)), "{case}: no filter changed");
                inert += 1;
                continue;
            }
            assert!(!landed.is_empty(), "{case}: accepted, but the value is nowhere in the output");
            for (path, text) in landed {
                assert!(
                    is_inert(path) || is_quoted_group(field, path, text, value) || is_anchored_branch(field, path, text, value),
                    "{case}: the value landed in {path}, which is not a parameter or env value"
                );
            }
            inert += 1;
        }
    }
    eprintln!("{rejected} rejected, {inert} accepted as inert values");
    assert!(rejected > 0 && inert > 0, "expected both outcomes among {} cases", rejected + inert);
}
