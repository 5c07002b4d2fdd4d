//! `pipewright run`: runs one Pipeline's rendered WorkflowTemplate on this machine with Argo's
//! controller semantics: DAG `depends` and `when`, `steps`, `templateRef`, parameters and
//! outputs, `retryStrategy`, deadlines, the exit handler, volumes and Secrets. It reads the
//! Argo objects `render` and the function emit, never the spec, so a run exercises exactly what
//! Argo would get. Pods run on an [`executor`]: the host's tools in a sandbox, or a container
//! engine.

mod console;
pub mod executor;
pub mod expr;
mod fields;
pub mod git_server;
mod interpret;
pub mod node;
pub mod retry;
mod scope;
mod secrets;
mod templates;
mod volumes;

pub use console::{Console, Report};
pub use secrets::Secrets;
pub use volumes::Dirs;

use crate::krm::Object;
use executor::Executor;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to run, and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--source`: clone from here instead of the spec's repository (sets `repo_url`).
    pub source: Option<String>,
    /// `--revision`: a full ref, or a branch, tag or commit (sets `revision`).
    pub revision: Option<String>,
    /// `--event`: what started the run (sets `event`).
    pub event: Option<String>,
    /// `--param NAME=VALUE`, in order.
    pub params: Vec<(String, String)>,
    /// `--skip TASK`: tasks to mark Skipped without running.
    pub skip: Vec<String>,
    /// Secrets for `secretKeyRef` and Secret volumes.
    pub secrets: Secrets,
    /// Keep the run's volumes and pod directories.
    pub keep: bool,
    /// Multiplies every duration Argo waits for (back-off, deadlines, suspend); 1 on real runs.
    pub time_scale: f64,
}

/// The events a run's parameters accept, as the Sensors submit them.
pub const EVENTS: [&str; 5] = ["push", "tag", "pull-request", "manual", "schedule"];

/// The workflow parameters for a run: the WorkflowTemplate's, then the options'. Unknown
/// names are errors that list the valid ones.
pub fn parameters(template: &Object, options: &Options) -> Result<Vec<(String, String)>, Vec<String>> {
    let declared: Vec<(String, String)> = template
        .0
        .pointer("/spec/arguments/parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
            let value = p.get("value").and_then(Value::as_str).unwrap_or("").to_owned();
            (name, value)
        })
        .collect();
    let mut values = declared.clone();
    let mut errors = Vec::new();
    let valid = declared.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
    let mut set = |name: &str, value: &str, flag: &str| match values.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value.to_owned(),
        None => errors.push(format!("{flag}: {} has no parameter {name} (it has: {valid})", template.reference())),
    };
    if let Some(source) = &options.source {
        set("repo_url", source, "--source");
    }
    if let Some(revision) = &options.revision {
        set("revision", revision, "--revision");
    }
    let mut bad_event = None;
    if let Some(event) = &options.event {
        if EVENTS.contains(&event.as_str()) {
            set("event", event, "--event");
        } else {
            bad_event = Some(format!("--event {event}: valid events are {}", EVENTS.join(", ")));
        }
    }
    for (name, value) in &options.params {
        set(name, value, &format!("--param {name}"));
    }
    errors.extend(bad_event);
    if errors.is_empty() { Ok(values) } else { Err(errors) }
}

/// A run ready to start: the WorkflowTemplate checked, its parameters set, its directories made.
pub struct Plan<'a> {
    /// The run's WorkflowTemplate.
    pub template: &'a Object,
    /// Every object of the bundle.
    pub objects: &'a [Object],
    /// The workflow parameters.
    pub parameters: Vec<(String, String)>,
    /// The options.
    pub options: &'a Options,
    /// The directories.
    pub dirs: Dirs,
    /// The local workflow's name.
    pub workflow: String,
}

/// Checks that every template the run reaches exists and has only fields `run` honours.
pub fn check(template: &Object, objects: &[Object]) -> Vec<String> {
    let namespace = template.namespace().unwrap_or("argo");
    let templates = templates::Templates::new(template, objects, namespace);
    let spec = template.0.get("spec");
    let mut roots = Vec::new();
    if let Some(entry) = spec.and_then(|s| s.get("entrypoint")).and_then(Value::as_str) {
        roots.push(entry);
    } else {
        return vec![format!("{}: spec.entrypoint: is not set: name the template to run", template.reference())];
    }
    if let Some(exit) = spec.and_then(|s| s.get("onExit")).and_then(Value::as_str) {
        roots.push(exit);
    }
    templates.check(&roots)
}

/// Runs the plan on `executor`, reporting to `console`.
pub fn execute(plan: &Plan, executor: &dyn Executor, console: &Console) -> Report {
    interpret::run(plan, executor, console)
}

/// The default work directory of a pipeline: `$XDG_CACHE_HOME/pipewright/run/NS/NAME`
/// (`~/.cache/…` when unset).
pub fn default_work_dir(namespace: &str, name: &str) -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("pipewright").join("run").join(namespace).join(name)
}

/// Output parameters of a finished task, by name.
pub type Outputs = BTreeMap<String, String>;
