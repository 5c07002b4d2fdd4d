//! Reads a rendered WorkflowTemplate's entry DAG and exit handler: each task's name, the template
//! it calls, its `depends`, its `when` and its arguments. Graph and explain both read tasks here.

use crate::krm::Object;
use serde_json::Value;

/// The template a task or step calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The (Cluster)WorkflowTemplate named by `templateRef`, or "" for a template of the same object.
    pub library: String,
    /// The template's name.
    pub template: String,
}

impl Call {
    /// `library/template`, or the template alone when it is local.
    pub fn label(&self) -> String {
        if self.library.is_empty() { self.template.clone() } else { format!("{}/{}", self.library, self.template) }
    }
}

/// One DAG task (or one step of the exit handler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The task's name.
    pub name: String,
    /// What it calls.
    pub call: Call,
    /// Its `depends` expression (or `dependencies`, joined with `&&`), when it has one.
    pub depends: Option<String>,
    /// Its `when` condition, when it has one.
    pub when: Option<String>,
    /// Its argument parameters, in order: name and value.
    pub arguments: Vec<(String, String)>,
}

impl Task {
    /// The tasks its `depends` names, in order of first mention.
    pub fn after(&self) -> Vec<String> {
        self.depends.as_deref().map(depends_names).unwrap_or_default()
    }

    /// One argument's value.
    pub fn argument(&self, name: &str) -> Option<&str> {
        self.arguments.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The exit handler: the template `onExit` names, and its steps in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitHandler {
    /// The template's name.
    pub template: String,
    /// Its steps (a DAG's tasks or a steps template's steps, group by group).
    pub steps: Vec<Task>,
}

/// The pipeline's WorkflowTemplate among rendered objects.
pub fn find<'a>(objects: &'a [Object], namespace: &str, name: &str) -> Result<&'a Object, Vec<String>> {
    objects
        .iter()
        .find(|o| o.kind() == "WorkflowTemplate" && o.group() == "argoproj.io" && o.name() == name && o.namespace() == Some(namespace))
        .ok_or_else(|| vec![format!("WorkflowTemplate/{namespace}/{name}: not among the rendered objects")])
}

/// The entry template's DAG tasks, in the WorkflowTemplate's order.
pub fn entry_tasks(wt: &Object) -> Result<Vec<Task>, String> {
    let at = wt.reference().to_string();
    let entry = wt.0.pointer("/spec/entrypoint").and_then(Value::as_str).ok_or_else(|| format!("{at}: spec.entrypoint is not set"))?;
    let template = local_template(wt, entry).ok_or_else(|| format!("{at}: spec.entrypoint names {entry}, which spec.templates lacks"))?;
    let tasks = template
        .pointer("/dag/tasks")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{at}: spec.templates[name={entry}] has no dag.tasks (pipewright draws DAG entry templates only)"))?;
    Ok(tasks.iter().map(task).collect())
}

/// The exit handler, when `spec.onExit` names a template of the WorkflowTemplate.
pub fn exit_handler(wt: &Object) -> Option<ExitHandler> {
    let name = wt.0.pointer("/spec/onExit").and_then(Value::as_str)?;
    let template = local_template(wt, name)?;
    let steps = if let Some(tasks) = template.pointer("/dag/tasks").and_then(Value::as_array) {
        tasks.iter().map(task).collect()
    } else if let Some(groups) = template.get("steps").and_then(Value::as_array) {
        groups.iter().filter_map(Value::as_array).flatten().map(task).collect()
    } else {
        vec![Task { name: name.to_owned(), call: call(template), depends: None, when: None, arguments: Vec::new() }]
    };
    Some(ExitHandler { template: name.to_owned(), steps })
}

/// A parameter of the WorkflowTemplate's `spec.arguments`.
pub fn workflow_argument<'a>(wt: &'a Object, name: &str) -> Option<&'a str> {
    parameters(wt.0.pointer("/spec/arguments/parameters")).find(|(n, _)| *n == name).map(|(_, v)| v)
}

/// `(name, value)` of each parameter in a `parameters` list (values that are not strings are skipped).
pub fn parameters(list: Option<&Value>) -> impl Iterator<Item = (&str, &str)> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("name")?.as_str()?, p.get("value").and_then(Value::as_str).unwrap_or(""))))
}

fn local_template<'a>(wt: &'a Object, name: &str) -> Option<&'a Value> {
    wt.0.pointer("/spec/templates")?.as_array()?.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(name))
}

fn call(node: &Value) -> Call {
    match node.get("templateRef") {
        Some(r) => Call {
            library: r.get("name").and_then(Value::as_str).unwrap_or("").to_owned(),
            template: r.get("template").and_then(Value::as_str).unwrap_or("").to_owned(),
        },
        None => Call {
            library: String::new(),
            template: node.get("template").or(node.get("name")).and_then(Value::as_str).unwrap_or("").to_owned(),
        },
    }
}

fn task(node: &Value) -> Task {
    let text = |key: &str| node.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(str::to_owned);
    let dependencies = node
        .get("dependencies")
        .and_then(Value::as_array)
        .map(|d| d.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" && "))
        .filter(|d| !d.is_empty());
    Task {
        name: text("name").unwrap_or_default(),
        call: call(node),
        depends: text("depends").or(dependencies),
        when: text("when"),
        arguments: parameters(node.pointer("/arguments/parameters")).map(|(n, v)| (n.to_owned(), v.to_owned())).collect(),
    }
}

/// The task names an Argo `depends` expression mentions (`a && (b.Succeeded || c.Failed)` gives
/// a, b, c), in order of first mention.
pub fn depends_names(expr: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for token in expr.split(|c: char| c.is_whitespace() || matches!(c, '&' | '|' | '!' | '(' | ')')) {
        let name = token.split('.').next().unwrap_or("");
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// A `when` condition in a few words: `{{tasks.clone.outputs.parameters.push}} == true` reads
/// "if image pushed" (the clone's publishing decision); others keep their shape with the
/// references shortened (`{{tasks.a.outputs.parameters.b}}` → `a.b`).
pub fn condition_words(when: &str) -> String {
    let short = shorten_references(when);
    if short == "clone.push == true" { "if image pushed".to_owned() } else { format!("if {short}") }
}

fn shorten_references(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = rest[start + 2..start + end].trim();
        let parts: Vec<&str> = inner.split('.').collect();
        match parts.as_slice() {
            ["tasks", task, "outputs", "parameters", param] => out.push_str(&format!("{task}.{param}")),
            ["tasks", task, field] => out.push_str(&format!("{task}.{field}")),
            ["workflow", "parameters", param] => out.push_str(param),
            _ => out.push_str(inner),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_expressions_name_their_tasks_once() {
        assert_eq!(depends_names("test && security-scan && sonar"), ["test", "security-scan", "sonar"]);
        assert_eq!(depends_names("(a.Succeeded || a.Skipped) && !b.Failed"), ["a", "b"]);
        assert!(depends_names("").is_empty());
    }

    #[test]
    fn conditions_read_as_words() {
        assert_eq!(condition_words("{{tasks.clone.outputs.parameters.push}} == true"), "if image pushed");
        assert_eq!(condition_words("{{workflow.parameters.event}} != pull-request"), "if event != pull-request");
        assert_eq!(condition_words("{{tasks.a.status}} == Succeeded"), "if a.status == Succeeded");
    }
}
