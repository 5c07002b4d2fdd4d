//! `pipewright add pipeline|team …`: writes a spec and lists it in its kustomization
//! (`argo/workflows` for a Pipeline, as a resource; `argo/events` for a Team, as a generator),
//! editing that file's text so its comments survive. The spec is checked by the function's own
//! validator, beside the specs already in the tree, so `add` refuses exactly what the function
//! would, with the same messages.

use super::{Failure, Outcome, say};
use crate::gitops::{EVENTS_KUSTOMIZATION, WORKFLOWS_KUSTOMIZATION, display, files, kustomization, scaffold, tree};
use crate::krm::{Object, to_yaml};
use crate::spec::{API_VERSION, Kind};
use crate::validate::{self, is_pipewright};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// A Pipeline to add, as given on the command line (not yet validated).
#[derive(Debug, Clone)]
pub struct PipelineRequest {
    /// The repo root (holds `argo/`).
    pub root: PathBuf,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, when given.
    pub namespace: Option<String>,
    /// `spec.repo`.
    pub repo: String,
    /// `spec.toolchain`.
    pub toolchain: String,
    /// `spec.image`, when given.
    pub image: Option<String>,
}

impl PipelineRequest {
    /// The spec object, exactly as it will be written.
    fn object(&self) -> Object {
        let mut metadata = Map::new();
        metadata.insert("name".into(), Value::String(self.name.clone()));
        if let Some(ns) = &self.namespace {
            metadata.insert("namespace".into(), Value::String(ns.clone()));
        }
        let mut spec = Map::new();
        spec.insert("repo".into(), Value::String(self.repo.clone()));
        spec.insert("toolchain".into(), Value::String(self.toolchain.clone()));
        if let Some(image) = &self.image {
            spec.insert("image".into(), Value::String(image.clone()));
        }
        Object::new(json!({"apiVersion": API_VERSION, "kind": Kind::Pipeline.as_str(), "metadata": metadata, "spec": spec}))
    }
}

/// A Team to add, as given on the command line (not yet validated).
#[derive(Debug, Clone)]
pub struct TeamRequest {
    /// The repo root (holds `argo/`).
    pub root: PathBuf,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.groups`.
    pub groups: Vec<String>,
    /// `spec.access`, when given (`view` or `operate`).
    pub access: Option<String>,
    /// `spec.events`, when given.
    pub events: Option<TeamEventsRequest>,
}

/// `spec.events` of a Team to add: the providers `add team` can express with flags.
#[derive(Debug, Clone)]
pub enum TeamEventsRequest {
    /// `spec.events.github`.
    Github {
        /// `webhookSecret.name`.
        secret_name: String,
        /// `webhookSecret.key`.
        secret_key: String,
        /// `repositories`.
        repositories: Vec<String>,
    },
    /// `spec.events.webhook`, with `authSecret` (name, key) when given.
    Webhook {
        /// `authSecret.name` and `authSecret.key`.
        auth_secret: Option<(String, String)>,
    },
}

/// The annotation that makes a Team file a kustomize generator running pipewright, as in the
/// example tree.
const GENERATOR_FUNCTION: &str = "exec:\n  path: pipewright\n";

impl TeamRequest {
    /// The spec object, exactly as it will be written.
    fn object(&self) -> Object {
        let mut spec = Map::new();
        spec.insert("groups".into(), json!(self.groups));
        if let Some(access) = &self.access {
            spec.insert("access".into(), Value::String(access.clone()));
        }
        match &self.events {
            None => {}
            Some(TeamEventsRequest::Webhook { auth_secret }) => {
                let webhook = match auth_secret {
                    Some((name, key)) => json!({"authSecret": {"name": name, "key": key}}),
                    None => json!({}),
                };
                spec.insert("events".into(), json!({ "webhook": webhook }));
            }
            Some(TeamEventsRequest::Github { secret_name, secret_key, repositories }) => {
                let github = json!({"webhookSecret": {"name": secret_name, "key": secret_key}, "repositories": repositories});
                spec.insert("events".into(), json!({ "github": github }));
            }
        }
        let metadata = json!({
            "name": self.name,
            "namespace": self.namespace,
            "annotations": {"config.kubernetes.io/function": GENERATOR_FUNCTION},
        });
        Object::new(json!({"apiVersion": API_VERSION, "kind": Kind::Team.as_str(), "metadata": metadata, "spec": spec}))
    }
}

/// Validates the request beside the tree's specs, then writes the spec and lists it as a resource.
pub fn pipeline(request: &PipelineRequest, out: &mut dyn std::io::Write) -> Outcome {
    let target = Target { kustomization: WORKFLOWS_KUSTOMIZATION, field: "resources", dir: "pipelines", kind: Kind::Pipeline };
    add(&request.root, &target, &request.name, &request.object(), out)
}

/// Validates the request beside the tree's specs, then writes the spec and lists it as a generator.
pub fn team(request: &TeamRequest, out: &mut dyn std::io::Write) -> Outcome {
    let target = Target { kustomization: EVENTS_KUSTOMIZATION, field: "generators", dir: "teams", kind: Kind::Team };
    add(&request.root, &target, &request.name, &request.object(), out)
}

/// Where a kind's specs go: the kustomization that lists them (relative to the repo root), the
/// list they go in, and their directory beside that kustomization.
struct Target {
    kustomization: &'static str,
    field: &'static str,
    dir: &'static str,
    kind: Kind,
}

/// Checks `object`, writes it to `<dir>/<name>.yaml` beside the target kustomization, and lists it there.
fn add(root: &Path, target: &Target, name: &str, object: &Object, out: &mut dyn std::io::Write) -> Outcome {
    let kustomization_path = root.join(target.kustomization);
    let kustomization_text = std::fs::read_to_string(&kustomization_path).map_err(|e| {
        Failure::one(format!(
            "{}: cannot be read ({e}): run `pipewright init` first, or pass the repo root with --dir",
            display(&kustomization_path)
        ))
    })?;
    check(object, root)?;

    let entry = format!("{}/{name}.yaml", target.dir);
    let base = target.kustomization.rsplit_once('/').map_or("", |(dir, _)| dir);
    let relative = format!("{base}/{entry}");
    let spec_path = root.join(&relative);
    if spec_path.exists() {
        return Err(Failure::one(format!("{}: already exists: choose another name, or edit that file", display(&spec_path))));
    }
    let edited = kustomization::add_entry(&kustomization_text, target.field, &entry)
        .map_err(|e| Failure::one(format!("{}: {e}", display(&kustomization_path))))?;
    let text = format!("{}{}", scaffold::schema_line(target.kind, &relative), to_yaml(&object.0));
    files::write_atomic(&spec_path, text.as_bytes(), None)
        .map_err(|e| Failure::one(format!("{}: cannot be written: {e}", display(&spec_path))))?;
    if let Err(e) = files::write_atomic(&kustomization_path, edited.as_bytes(), None) {
        let _ = std::fs::remove_file(&spec_path);
        return Err(Failure::one(format!("{}: cannot be written: {e}", display(&kustomization_path))));
    }
    say(out, format!("created   {}", display(&spec_path)))?;
    say(out, format!("updated   {} ({}: + {entry})", display(&kustomization_path), target.field))
}

/// Runs the function's validator on the new spec together with the specs already listed, and
/// keeps the problems of the new one: its own mistakes, and a name that is already taken.
fn check(object: &Object, root: &Path) -> Outcome {
    // The whole argo/ tree: a name is taken wherever in the build its spec is listed.
    let existing = tree::collect(&root.join(crate::gitops::ARGO_DIR), tree::Strictness::Lenient).unwrap_or_default();
    let mut specs: Vec<&Object> = existing.iter().filter(|o| is_pipewright(o)).collect();
    specs.push(object);
    let validated = validate::validate(&specs);
    let id = object.reference();
    let lines: Vec<String> = validated
        .results
        .iter()
        .filter(|r| r.resource_ref.as_ref() == Some(&id) && r.severity == crate::krm::Severity::Error)
        .map(|r| r.to_line())
        .collect();
    if lines.is_empty() { Ok(()) } else { Err(Failure { code: super::exit::INPUT, lines }) }
}
