//! What each step of the rendered WorkflowTemplate runs: the library template it calls, read
//! from the rendered ClusterWorkflowTemplates, with the task's arguments filled in: its image
//! (with digest), its command or what the template does, what the team overrode, and the
//! Secrets it reads.

use crate::graph::workflow::{self, Task};
use crate::krm::Object;
use serde::Serialize;
use serde_json::Value;

/// One step, as it will run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The task's name.
    pub name: String,
    /// The template called (`pipewright-v1-node/test`).
    pub template: String,
    /// The tasks it waits for (its `depends`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depends: Option<String>,
    /// Its `when` condition, as Argo reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The condition in words ("if image pushed").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The images it runs (a template made of several steps runs several).
    pub images: Vec<String>,
    /// The command it runs (one argument per line in Argo, joined with spaces here), when the template takes one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// What the library says the template does, when it takes no command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub does: Option<String>,
    /// Arguments that differ from the library template's defaults.
    pub overrides: Vec<Override>,
    /// The Secrets it reads.
    pub secrets: Vec<SecretUse>,
}

/// An argument that replaces the library's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Override {
    /// The parameter.
    pub parameter: String,
    /// The task's value (a command's lines joined with spaces).
    pub value: String,
    /// The library template's default.
    pub default: String,
}

/// A Secret a step reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretUse {
    /// The Secret's name.
    pub name: String,
    /// The key read, when a single key is read (an env variable); none when it is mounted whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The step a task becomes, looked up in `objects` (the library) for a pipeline in `namespace`.
pub fn step(task: &Task, objects: &[Object], namespace: &str) -> Step {
    let library = library_object(objects, &task.call.library, namespace);
    let template = library.and_then(|l| template_named(l, &task.call.template));
    let (images, (command, does), overrides, secrets) = match (library, template) {
        (Some(library), Some(template)) => {
            let values = Values { task, template };
            let mut images = Vec::new();
            let mut secrets = Vec::new();
            walk(library, template, &values, &mut images, &mut secrets, 0);
            secrets.sort();
            secrets.dedup();
            (images, runs(library, template, &values), overrides(task, template), secrets)
        }
        _ => (Vec::new(), (None, Some(format!("{} is not among the rendered objects", task.call.label()))), Vec::new(), Vec::new()),
    };
    Step {
        name: task.name.clone(),
        template: task.call.label(),
        depends: task.depends.clone(),
        when: task.when.clone(),
        condition: task.when.as_deref().map(workflow::condition_words),
        images,
        command,
        does,
        overrides,
        secrets,
    }
}

fn library_object<'a>(objects: &'a [Object], name: &str, namespace: &str) -> Option<&'a Object> {
    objects.iter().find(|o| {
        o.group() == "argoproj.io"
            && o.name() == name
            && (o.kind() == "ClusterWorkflowTemplate" || (o.kind() == "WorkflowTemplate" && o.namespace() == Some(namespace)))
    })
}

fn template_named<'a>(library: &'a Object, name: &str) -> Option<&'a Value> {
    library.0.pointer("/spec/templates")?.as_array()?.iter().find(|t| t["name"].as_str() == Some(name))
}

/// The task's argument values and the template's input defaults, for filling in `{{inputs.parameters.X}}`.
struct Values<'a> {
    task: &'a Task,
    template: &'a Value,
}

impl Values<'_> {
    fn input(&self, name: &str) -> Option<String> {
        self.task.argument(name).map(str::to_owned).or_else(|| default(self.template, name))
    }

    /// `text` with `{{inputs.parameters.X}}` replaced by the step's value of X.
    fn fill(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{inputs.parameters.") {
            let Some(end) = rest[start..].find("}}") else { break };
            out.push_str(&rest[..start]);
            let name = &rest[start + "{{inputs.parameters.".len()..start + end];
            out.push_str(&self.input(name).unwrap_or_else(|| rest[start..start + end + 2].to_owned()));
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out
    }
}

fn default(template: &Value, name: &str) -> Option<String> {
    template
        .pointer("/inputs/parameters")?
        .as_array()?
        .iter()
        .find(|p| p["name"].as_str() == Some(name))?
        .get("default")?
        .as_str()
        .map(str::to_owned)
}

/// Collects images and Secrets of a template, and of the templates a DAG or steps template calls
/// inside the same library object (their inputs are the outer step's, as the library passes them through).
fn walk(library: &Object, template: &Value, values: &Values, images: &mut Vec<String>, secrets: &mut Vec<SecretUse>, depth: usize) {
    for body in ["container", "script"] {
        if let Some(image) = template.pointer(&format!("/{body}/image")).and_then(Value::as_str) {
            let image = values.fill(image);
            if !images.contains(&image) {
                images.push(image);
            }
        }
        for env in template.pointer(&format!("/{body}/env")).and_then(Value::as_array).into_iter().flatten() {
            if let Some(r) = env.pointer("/valueFrom/secretKeyRef") {
                secrets.push(SecretUse {
                    name: values.fill(r["name"].as_str().unwrap_or("")),
                    key: r["key"].as_str().map(|k| values.fill(k)),
                });
            }
        }
        for from in template.pointer(&format!("/{body}/envFrom")).and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = from.pointer("/secretRef/name").and_then(Value::as_str) {
                secrets.push(SecretUse { name: values.fill(name), key: None });
            }
        }
    }
    for volume in template.get("volumes").and_then(Value::as_array).into_iter().flatten() {
        if let Some(name) = volume.pointer("/secret/secretName").and_then(Value::as_str) {
            secrets.push(SecretUse { name: values.fill(name), key: None });
        }
        for source in volume.pointer("/projected/sources").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = source.pointer("/secret/name").and_then(Value::as_str) {
                secrets.push(SecretUse { name: values.fill(name), key: None });
            }
        }
    }
    if depth > 3 {
        return;
    }
    let inner = template.pointer("/dag/tasks").and_then(Value::as_array).into_iter().flatten();
    let steps = template.get("steps").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_array).flatten();
    for node in inner.chain(steps) {
        if let Some(sub) = node["template"].as_str().and_then(|name| template_named(library, name)) {
            walk(library, sub, values, images, secrets, depth + 1);
        }
    }
}

/// The command, or what the template does.
fn runs(library: &Object, template: &Value, values: &Values) -> (Option<String>, Option<String>) {
    let has_command =
        template.pointer("/inputs/parameters").and_then(Value::as_array).is_some_and(|ps| ps.iter().any(|p| p["name"] == "command"));
    if has_command && let Some(command) = values.input("command") {
        return (Some(one_line(&command)), None);
    }
    let about = library.annotation("workflows.argoproj.io/description").unwrap_or("");
    let about = about.split_once(": ").map_or(about, |(_, rest)| rest);
    if let Some(tasks) = template.pointer("/dag/tasks").and_then(Value::as_array) {
        let names: Vec<&str> = tasks.iter().filter_map(|t| t["name"].as_str()).collect();
        return (None, Some(format!("{about} ({})", names.join(", "))));
    }
    (None, Some(about.to_owned()))
}

fn overrides(task: &Task, template: &Value) -> Vec<Override> {
    task.arguments
        .iter()
        // Values wired to the workflow's parameters or other tasks' outputs are plumbing, not choices.
        .filter(|(_, value)| !value.contains("{{"))
        .filter_map(|(name, value)| {
            let default = default(template, name)?;
            (default != *value).then(|| Override { parameter: name.clone(), value: one_line(value), default: one_line(&default) })
        })
        .collect()
}

/// A command given one argument per line, as one line.
fn one_line(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join(" ")
}
