//! Required inputs supplied: every call passes each input parameter and artifact its template
//! requires (no default, value or source of its own), and a Workflow's arguments supply its
//! entrypoint's.

use super::super::finding::Finding;
use super::super::index::{Index, UnitKind, calls, list, names, spec_hooks, text};
use super::super::rules::Rule;
use serde_json::Value;

/// The fields that give an input artifact a source of its own.
const ARTIFACT_SOURCES: [&str; 13] =
    ["from", "fromExpression", "raw", "git", "http", "s3", "gcs", "hdfs", "oss", "azure", "artifactory", "plugin", "optional"];

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for (u, unit) in index.units.iter().enumerate() {
        let mut all_calls = spec_hooks(unit);
        for (path, template) in unit.templates() {
            all_calls.extend(calls(template, &path));
        }
        for call in &all_calls {
            let Ok(target) = index.resolve(u, call.value, &call.path) else { continue };
            let what = format!("{:?}", text(target.template, "name"));
            missing(unit.doc, &call.value["arguments"], target.template, &format!("{}.arguments", call.path), &what, out);
        }
        // A Workflow's arguments feed its entrypoint (a WorkflowTemplate's come at submission).
        if matches!(unit.kind, UnitKind::Workflow | UnitKind::CronWorkflow | UnitKind::SensorWorkflow)
            && unit.spec.get("workflowTemplateRef").is_none()
            && let Some((_, entry)) = unit.template(text(unit.spec, "entrypoint"))
        {
            let what = format!("the entrypoint {:?}", text(entry, "name"));
            missing(unit.doc, &unit.spec["arguments"], entry, &format!("{}.arguments", unit.spec_path), &what, out);
        }
    }
}

fn missing(doc: usize, arguments: &Value, template: &Value, path: &str, what: &str, out: &mut Vec<Finding>) {
    let given = names(&arguments["parameters"]);
    for input in list(&template["inputs"]["parameters"]) {
        let name = text(input, "name");
        let own = ["value", "default", "valueFrom"].iter().any(|k| input.get(*k).is_some_and(|v| !v.is_null()));
        if !own && !name.is_empty() && !given.contains(&name) {
            let message =
                format!("{what} requires input parameter {name:?}, which this call does not pass: add it under arguments.parameters");
            out.push(Finding::new(Rule::MissingInput, doc, path, message));
        }
    }
    let given = names(&arguments["artifacts"]);
    for input in list(&template["inputs"]["artifacts"]) {
        let name = text(input, "name");
        let own = ARTIFACT_SOURCES.iter().any(|k| input.get(*k).is_some_and(|v| !v.is_null() && v != &Value::Bool(false)));
        if !own && !name.is_empty() && !given.contains(&name) {
            let message =
                format!("{what} requires input artifact {name:?}, which this call does not pass: add it under arguments.artifacts");
            out.push(Finding::new(Rule::MissingInput, doc, path, message));
        }
    }
}
