//! Finds templates as the controller does: a task's `template` in the object that holds the
//! calling template, a `templateRef` in the named WorkflowTemplate (same namespace) or, with
//! `clusterScope`, ClusterWorkflowTemplate. Before a run, every template reachable from the
//! entrypoint and the exit handler is resolved and its fields checked, so a run that cannot
//! be carried out fails before anything starts.

use super::fields;
use crate::krm::Object;
use serde_json::Value;
use std::collections::BTreeSet;

/// The objects a run may take templates from.
#[derive(Debug)]
pub struct Templates<'a> {
    objects: Vec<&'a Object>,
    namespace: String,
}

/// A template and the object that holds it (an index into [`Templates`]).
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// The holder's index.
    pub owner: usize,
    /// The template.
    pub template: &'a Value,
}

impl<'a> Templates<'a> {
    /// The WorkflowTemplates of `namespace` and every ClusterWorkflowTemplate among `objects`;
    /// `main` (the run's WorkflowTemplate) is index 0.
    pub fn new(main: &'a Object, objects: &'a [Object], namespace: &str) -> Self {
        let mut list = vec![main];
        list.extend(objects.iter().filter(|o| {
            o.group() == "argoproj.io"
                && !std::ptr::eq(*o, main)
                && (o.kind() == "ClusterWorkflowTemplate" || (o.kind() == "WorkflowTemplate" && o.namespace() == Some(namespace)))
        }));
        Templates { objects: list, namespace: namespace.into() }
    }

    /// A name for messages: `ClusterWorkflowTemplate/pipewright-v1-git`.
    pub fn describe(&self, owner: usize) -> String {
        self.objects[owner].reference().to_string()
    }

    /// A local template of the object `owner` by name.
    pub fn local(&self, owner: usize, name: &str) -> Option<Found<'a>> {
        let templates = self.objects[owner].0.get("spec")?.get("templates")?.as_array()?;
        templates.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(name)).map(|template| Found { owner, template })
    }

    /// The template a task or step calls, from the object `owner` that holds the caller; the
    /// error says what is missing and what exists.
    pub fn called(&self, owner: usize, task: &Value) -> Result<Found<'a>, String> {
        if let Some(reference) = task.get("templateRef") {
            let name = reference.get("name").and_then(Value::as_str).unwrap_or("");
            let template = reference.get("template").and_then(Value::as_str).unwrap_or("");
            let cluster = reference.get("clusterScope").and_then(Value::as_bool).unwrap_or(false);
            let kind = if cluster { "ClusterWorkflowTemplate" } else { "WorkflowTemplate" };
            let holder = self
                .objects
                .iter()
                .position(|o| o.kind() == kind && o.name() == name && (cluster || o.namespace() == Some(self.namespace.as_str())));
            let Some(holder) = holder else {
                let existing: Vec<&str> = self.objects.iter().filter(|o| o.kind() == kind).map(|o| o.name()).collect();
                return Err(format!(
                    "templateRef names {kind} {name}, which is not in the bundle (there: {})",
                    if existing.is_empty() { "none".into() } else { existing.join(", ") }
                ));
            };
            return self.local(holder, template).ok_or_else(|| {
                format!("templateRef: {kind}/{name} has no template {template} (it has: {})", self.names(holder).join(", "))
            });
        }
        let name = task.get("template").and_then(Value::as_str).unwrap_or("");
        self.local(owner, name)
            .ok_or_else(|| format!("template {name} is not in {} (it has: {})", self.describe(owner), self.names(owner).join(", ")))
    }

    fn names(&self, owner: usize) -> Vec<&str> {
        let templates = self.objects[owner].0.get("spec").and_then(|s| s.get("templates")).and_then(Value::as_array);
        templates.into_iter().flatten().filter_map(|t| t.get("name").and_then(Value::as_str)).collect()
    }

    /// Resolves every template reachable from `roots` (template names in the run's
    /// WorkflowTemplate) and checks the fields of each object that holds one.
    pub fn check(&self, roots: &[&str]) -> Vec<String> {
        let mut errors = Vec::new();
        let mut owners = BTreeSet::from([0]);
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Found> = Vec::new();
        for root in roots {
            match self.local(0, root) {
                Some(found) => stack.push(found),
                None => errors.push(format!("{}: spec: template {root} is not defined", self.describe(0))),
            }
        }
        while let Some(found) = stack.pop() {
            let name = found.template.get("name").and_then(Value::as_str).unwrap_or("");
            if !seen.insert((found.owner, name.to_owned())) {
                continue;
            }
            owners.insert(found.owner);
            for (path, task) in calls(found.template) {
                match self.called(found.owner, task) {
                    Ok(next) => stack.push(next),
                    Err(e) => errors.push(format!("{}: template {name}: {path}: {e}", self.describe(found.owner))),
                }
            }
        }
        for owner in owners {
            if let Some(spec) = self.objects[owner].0.get("spec") {
                fields::check_spec(spec, &self.describe(owner), &mut errors);
            }
        }
        errors
    }
}

/// The tasks and steps a template calls, with their field paths.
pub fn calls(template: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    if let Some(tasks) = template.get("dag").and_then(|d| d.get("tasks")).and_then(Value::as_array) {
        for (i, task) in tasks.iter().enumerate() {
            out.push((format!("dag.tasks[{i}]"), task));
        }
    }
    if let Some(groups) = template.get("steps").and_then(Value::as_array) {
        for (i, group) in groups.iter().enumerate() {
            for (j, step) in group.as_array().into_iter().flatten().enumerate() {
                out.push((format!("steps[{i}][{j}]"), step));
            }
        }
    }
    out
}
