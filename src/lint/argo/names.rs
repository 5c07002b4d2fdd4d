//! Names and their lengths, as Argo's validator checks them: the object's name, and the names of
//! templates, DAG tasks, steps, parameters and artifacts (valid characters, not too long, unique).

use super::super::finding::Finding;
use super::super::index::{Index, Unit, UnitKind, list, text};
use super::super::rules::Rule;
use serde_json::Value;
use std::collections::BTreeSet;

/// The longest template, task or step name Argo accepts.
const MAX_FIELD_NAME: usize = 128;

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for unit in &index.units {
        object_name(unit, out);
        let spec_args = format!("{}.arguments", unit.spec_path);
        parameters(unit.doc, &unit.spec["arguments"], &spec_args, out);
        let mut templates = BTreeSet::new();
        for (path, template) in unit.templates() {
            let name = text(template, "name");
            field_name(unit.doc, name, &format!("{path}.name"), "template", &mut templates, out);
            parameters(unit.doc, &template["inputs"], &format!("{path}.inputs"), out);
            parameters(unit.doc, &template["outputs"], &format!("{path}.outputs"), out);
            let mut tasks = BTreeSet::new();
            let uses_depends = list(&template["dag"]["tasks"]).iter().any(|t| t.get("depends").is_some());
            for (i, task) in list(&template["dag"]["tasks"]).iter().enumerate() {
                let task_name = text(task, "name");
                let at = format!("{path}.dag.tasks[{i}].name");
                field_name(unit.doc, task_name, &at, "task", &mut tasks, out);
                if uses_depends && task_name.starts_with(|c: char| c.is_ascii_digit()) {
                    let message = format!(
                        "task name {task_name:?} starts with a digit, which `depends` expressions cannot name: start it with a letter"
                    );
                    out.push(Finding::new(Rule::Name, unit.doc, at, message));
                }
            }
            let mut steps = BTreeSet::new();
            for (g, group) in list(&template["steps"]).iter().enumerate() {
                for (i, step) in list(group).iter().enumerate() {
                    field_name(unit.doc, text(step, "name"), &format!("{path}.steps[{g}][{i}].name"), "step", &mut steps, out);
                }
            }
        }
    }
}

fn object_name(unit: &Unit, out: &mut Vec<Finding>) {
    let meta = &unit.object["metadata"];
    let name = text(meta, "name");
    let path = if unit.object_path.is_empty() { "metadata.name".to_owned() } else { format!("{}.metadata.name", unit.object_path) };
    let may_generate = matches!(unit.kind, UnitKind::Workflow | UnitKind::SensorWorkflow);
    if name.is_empty() {
        if !(may_generate && !text(meta, "generateName").is_empty()) {
            let what = if may_generate { "metadata.name or metadata.generateName" } else { "metadata.name" };
            out.push(Finding::new(Rule::Name, unit.doc, path, format!("{what} is required")));
        }
        return;
    }
    let max = match unit.kind {
        UnitKind::Workflow | UnitKind::SensorWorkflow => 63,
        // Argo appends an 11-character timestamp to the Workflows a CronWorkflow creates.
        UnitKind::CronWorkflow => 52,
        _ => 253,
    };
    if name.len() > max {
        let message = format!("name {name:?} is {} characters long: a {} name may have at most {max}", name.len(), unit.kind.schema_kind());
        out.push(Finding::new(Rule::Name, unit.doc, path, message));
    } else if !is_dns_subdomain(name) {
        let message = format!(
            "name {name:?} is not a valid Kubernetes name: lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit"
        );
        out.push(Finding::new(Rule::Name, unit.doc, path, message));
    }
}

fn is_dns_subdomain(s: &str) -> bool {
    s.split('.').all(|part| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !part.starts_with('-')
            && !part.ends_with('-')
    })
}

/// A template, task or step name: `[a-zA-Z0-9][-a-zA-Z0-9]*`, at most 128 characters, unique.
fn field_name(doc: usize, name: &str, path: &str, what: &str, seen: &mut BTreeSet<String>, out: &mut Vec<Finding>) {
    let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let message = if name.is_empty() {
        format!("a {what} needs a name")
    } else if !valid {
        format!("{what} name {name:?} is invalid: use letters, digits and `-`, starting with a letter or digit")
    } else if name.len() > MAX_FIELD_NAME {
        format!("{what} name {name:?} is longer than {MAX_FIELD_NAME} characters")
    } else if !seen.insert(name.to_owned()) {
        format!("{what} name {name:?} is used twice: each {what} needs its own")
    } else {
        return;
    };
    out.push(Finding::new(Rule::Name, doc, path, message));
}

/// Parameter and artifact names of `inputs`, `outputs` or `arguments`: `[-a-zA-Z0-9_]+`, unique.
fn parameters(doc: usize, holder: &Value, path: &str, out: &mut Vec<Finding>) {
    for kind in ["parameters", "artifacts"] {
        let mut seen = BTreeSet::new();
        for (i, p) in list(&holder[kind]).iter().enumerate() {
            let name = text(p, "name");
            let at = format!("{path}.{kind}[{i}].name");
            let what = &kind[..kind.len() - 1];
            let message = if name.is_empty() {
                continue; // `argo/required-field` says so.
            } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                format!("{what} name {name:?} is invalid: use letters, digits, `-` and `_`")
            } else if !seen.insert(name) {
                format!("{what} name {name:?} is used twice")
            } else {
                continue;
            };
            out.push(Finding::new(Rule::Name, doc, at, message));
        }
    }
}
