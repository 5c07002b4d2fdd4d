//! `pipewright explain`: what a Pipeline becomes, in plain words, stated from the rendered Argo
//! objects only (never the spec): its steps and images, what the team overrode, its triggers
//! and what each event publishes, the Secrets it reads, who sees its runs and logs, and the
//! objects it creates. [`markdown`] writes it as a page; `--output json` serializes [`Explanation`].

pub mod access;
pub mod markdown;
pub mod pages;
pub mod steps;

use crate::bundle::Selected;
use crate::graph::triggers::{self, Trigger};
use crate::graph::workflow;
use crate::krm::Object;
use crate::render::GENERATED_FROM;
use serde::Serialize;
use serde_json::Value;

pub use access::Access;
pub use steps::{SecretUse, Step};

/// Everything `explain` states about one pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// `namespace/name`.
    pub pipeline: String,
    /// The repository cloned (the WorkflowTemplate's `repo_url` argument).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The revision a manual run checks out (its `revision` argument).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The image repository it publishes (its `image` argument), when it builds one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The library version (its `pipewright.dev/library` annotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// The ServiceAccount its pods run as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// The DAG's steps, in order.
    pub steps: Vec<Step>,
    /// The exit handler's template, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_exit: Option<String>,
    /// The exit handler's steps.
    pub exit_steps: Vec<Step>,
    /// What starts a run.
    pub triggers: Vec<Trigger>,
    /// What each event that starts a run publishes.
    pub publishing: Vec<Publishing>,
    /// Every Secret a step reads, with the steps that read it.
    pub secrets: Vec<SecretRead>,
    /// Who can see the runs and logs.
    pub access: Vec<Access>,
    /// The objects generated from the Pipeline, as `Kind/namespace/name`, sorted.
    pub objects: Vec<String>,
}

/// What runs started by one event publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Publishing {
    /// The event.
    pub event: String,
    /// The image tag the clone step picks.
    pub tag: String,
    /// Whether the image is pushed (and so scanned, signed and attested where those steps exist).
    pub pushed: bool,
}

/// A Secret and the steps that read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretRead {
    /// The Secret's name.
    pub name: String,
    /// The keys read one by one (empty when it is only mounted whole).
    pub keys: Vec<String>,
    /// The steps that read it.
    pub steps: Vec<String>,
}

/// Explains the selected pipeline from its rendered objects.
pub fn explain(selected: &Selected) -> Result<Explanation, Vec<String>> {
    of(&selected.objects, &selected.namespace, &selected.name)
}

/// Explains the pipeline `namespace/name` from rendered objects.
pub fn of(objects: &[Object], namespace: &str, name: &str) -> Result<Explanation, Vec<String>> {
    let wt = workflow::find(objects, namespace, name)?;
    let tasks = workflow::entry_tasks(wt).map_err(|e| vec![e])?;
    let steps: Vec<Step> = tasks.iter().map(|t| steps::step(t, objects, namespace)).collect();
    let exit = workflow::exit_handler(wt);
    let exit_steps: Vec<Step> =
        exit.as_ref().map(|e| e.steps.iter().map(|t| steps::step(t, objects, namespace)).collect()).unwrap_or_default();
    let triggers = triggers::triggers(objects, wt);
    let builds_image = tasks.iter().any(|t| t.call.library.ends_with("-image") && t.call.template == "build");
    let mut events: Vec<&str> = Vec::new();
    for t in &triggers {
        if !events.contains(&t.event.as_str()) {
            events.push(&t.event);
        }
    }
    let publishing = if builds_image { events.iter().filter_map(|e| publishing(e)).collect() } else { Vec::new() };
    let origin = format!("Pipeline/{namespace}/{}", name);
    let mut created: Vec<String> =
        objects.iter().filter(|o| o.annotation(GENERATED_FROM) == Some(origin.as_str())).map(|o| o.reference().to_string()).collect();
    created.sort();
    let argument = |name: &str| workflow::workflow_argument(wt, name).filter(|v| !v.is_empty()).map(str::to_owned);
    Ok(Explanation {
        pipeline: format!("{namespace}/{}", name),
        repo: argument("repo_url"),
        revision: argument("revision"),
        image: if builds_image { argument("image") } else { None },
        library: wt.annotation("pipewright.dev/library").map(str::to_owned),
        service_account: wt.0.pointer("/spec/serviceAccountName").and_then(Value::as_str).map(str::to_owned),
        secrets: secrets(steps.iter().chain(&exit_steps)),
        steps,
        on_exit: exit.map(|e| e.template),
        exit_steps,
        triggers,
        publishing,
        access: access::access(objects, namespace),
        objects: created,
    })
}

/// The publishing rule of the library's clone template for one event: the tag it picks and
/// whether it pushes. These rules are the library version's (`pipewright-vN-git/clone`), the
/// same for every pipeline; the events come from the rendered Sensor and CronWorkflow.
fn publishing(event: &str) -> Option<Publishing> {
    let (tag, pushed) = match event {
        "manual" => ("<branch>-<short commit> (or the image_tag argument)", true),
        "push" => ("<branch>-<short commit>", true),
        "tag" => ("<version> (tag v1.2.3 gives 1.2.3)", true),
        "pull-request" => ("pr-<short commit>", false),
        "schedule" => ("<branch>-<short commit>", false),
        _ => return None,
    };
    Some(Publishing { event: event.to_owned(), tag: tag.to_owned(), pushed })
}

fn secrets<'a>(steps: impl Iterator<Item = &'a Step>) -> Vec<SecretRead> {
    let mut out: Vec<SecretRead> = Vec::new();
    for step in steps {
        for SecretUse { name, key } in &step.secrets {
            let i = out.iter().position(|s| s.name == *name).unwrap_or_else(|| {
                out.push(SecretRead { name: name.clone(), keys: Vec::new(), steps: Vec::new() });
                out.len() - 1
            });
            let read = &mut out[i];
            if let Some(key) = key
                && !read.keys.contains(key)
            {
                read.keys.push(key.clone());
            }
            if !read.steps.contains(&step.name) {
                read.steps.push(step.name.clone());
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
