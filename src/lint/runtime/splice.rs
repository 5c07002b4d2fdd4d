//! Injection: a `{{…}}` spliced into a script's source, or into the program of `sh -c`, becomes
//! shell code once Argo substitutes it. A warning; an error when the value comes from workflow
//! parameters or a task's or step's outputs (whoever submits or produced them writes the code).
//! Pass values as environment variables or arguments instead.

use super::super::expr::variables;
use super::super::finding::Finding;
use super::super::index::{Index, text};
use super::super::rules::Rule;
use super::containers;
use serde_json::Value;

/// Values Argo makes itself, which no user sets: splicing them is not an injection.
const ARGO_MADE: [&str; 11] = [
    "workflow.name",
    "workflow.namespace",
    "workflow.uid",
    "workflow.status",
    "workflow.duration",
    "workflow.serviceAccountName",
    "workflow.mainEntrypoint",
    "workflow.creationTimestamp",
    "pod.name",
    "retries",
    "node.name",
];

/// Shells whose `-c` takes a program.
const SHELLS: [&str; 7] = ["sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"];

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for unit in &index.units {
        for (path, template) in unit.templates() {
            for (cpath, container) in containers(template, &path) {
                if let Some(source) = container.get("source").and_then(Value::as_str) {
                    report(unit.doc, source, &format!("{cpath}.source"), "the script's source", template, out);
                }
                if let Some((at, program)) = shell_program(container, &cpath) {
                    report(unit.doc, program, &at, "the program of `sh -c`", template, out);
                }
            }
        }
    }
}

/// The program a container hands to `sh -c` (or another shell), with its path.
fn shell_program<'a>(container: &'a Value, path: &str) -> Option<(String, &'a str)> {
    let mut argv: Vec<(String, &str)> = Vec::new();
    for key in ["command", "args"] {
        for (i, a) in container[key].as_array().into_iter().flatten().enumerate() {
            argv.push((format!("{path}.{key}[{i}]"), a.as_str().unwrap_or("")));
        }
    }
    let shell = argv.iter().position(|(_, a)| SHELLS.contains(&a.rsplit('/').next().unwrap_or(a)))?;
    let flag = argv[shell + 1..].iter().position(|(_, a)| a.starts_with('-') && !a.starts_with("--") && a.contains('c'))? + shell + 1;
    argv.get(flag + 1).map(|(p, a)| (p.clone(), *a))
}

fn report(doc: usize, text_: &str, path: &str, what: &str, template: &Value, out: &mut Vec<Finding>) {
    let made_by_argo = |v: &str| ARGO_MADE.iter().any(|m| v == *m || v.starts_with(&format!("{m}.")));
    let mut spliced: Vec<&str> = variables(text_).into_iter().map(|v| v.name).filter(|v| !made_by_argo(v)).collect();
    spliced.dedup();
    if spliced.is_empty() {
        return;
    }
    let untrusted = spliced
        .iter()
        .any(|v| v.contains("workflow.parameters") || (v.starts_with("tasks.") || v.starts_with("steps.")) && v.contains(".outputs."));
    let shown: Vec<String> = spliced.iter().map(|v| format!("{{{{{v}}}}}")).collect();
    let message = format!(
        "{} spliced into {what} of template {:?} becomes shell code when Argo substitutes it{}: pass it as an environment variable (env: value: \"{{{{…}}}}\") or an argument, and quote \"$VAR\" in the script",
        shown.join(", "),
        text(template, "name"),
        if untrusted { ", and whoever sets it writes that code" } else { "" }
    );
    let finding = Finding::new(Rule::ScriptSplice, doc, path, message);
    out.push(if untrusted { Finding { severity: crate::krm::Severity::Error, ..finding } } else { finding });
}
