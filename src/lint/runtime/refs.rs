//! Secrets and PersistentVolumeClaims a workflow refers to but the bundle lacks: a warning,
//! since they are often created apart from the manifests (by hand, or a secrets operator).
//! Names built from `{{…}}` are only known at run time and are not judged.

use super::super::finding::Finding;
use super::super::index::{Index, list, text};
use super::super::rules::Rule;
use serde_json::Value;

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for unit in &index.units {
        let mut claims: Vec<&str> = Vec::new();
        for c in list(&unit.spec["volumeClaimTemplates"]) {
            claims.extend(c.pointer("/metadata/name").and_then(Value::as_str));
        }
        let mut found = Vec::new();
        walk(unit.spec, &unit.spec_path, "", &mut found);
        for (path, kind, name) in found {
            if name.is_empty() || name.contains("{{") || index.has_object(kind, name, unit.namespace) {
                continue;
            }
            let (rule, what) = match kind {
                "Secret" => (Rule::SecretMissing, "Secret"),
                _ => (Rule::PvcMissing, "PersistentVolumeClaim"),
            };
            let message = format!("{what} {name:?} is not in the bundle: the pod will not start until it exists in the namespace");
            out.push(Finding::new(rule, unit.doc, path, message));
        }
    }
}

/// Every Secret and PVC name under `value`: `secretName`, `claimName`, `imagePullSecrets`, and
/// the `name` of any `…secret…` reference (`secretKeyRef`, `secretRef`, artifact credentials).
fn walk<'a>(value: &'a Value, path: &str, parent: &str, out: &mut Vec<(String, &'static str, &'a str)>) {
    match value {
        Value::Object(map) => {
            let secretish = parent.to_ascii_lowercase().contains("secret") && parent != "imagePullSecrets";
            for (k, v) in map {
                let p = format!("{path}.{k}");
                match (k.as_str(), v.as_str()) {
                    ("secretName", Some(name)) => out.push((p.clone(), "Secret", name)),
                    ("claimName", Some(name)) if parent == "persistentVolumeClaim" => out.push((p.clone(), "PersistentVolumeClaim", name)),
                    ("name", Some(name)) if secretish => out.push((p.clone(), "Secret", name)),
                    _ => {}
                }
                if k == "imagePullSecrets" {
                    for (i, s) in list(v).iter().enumerate() {
                        out.push((format!("{p}[{i}].name"), "Secret", text(s, "name")));
                    }
                    continue;
                }
                // A template's inline workflow objects (resource manifests) are text, not walked.
                walk(v, &p, k, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}[{i}]"), parent, out);
            }
        }
        _ => {}
    }
}
