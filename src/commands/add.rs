//! `pipewright add pipeline NAME …`: writes a Pipeline spec and lists it in
//! `argo/workflows/kustomization.yaml`, editing that file's text so its comments survive.
//! The spec is checked by the function's own validator, beside the specs already in the
//! tree, so `add` refuses exactly what the function would, with the same messages.

use super::{Failure, Outcome, say};
use crate::gitops::{WORKFLOWS_KUSTOMIZATION, display, files, kustomization, scaffold, tree};
use crate::krm::{Object, to_yaml};
use crate::spec::{API_VERSION, Kind};
use crate::validate::{self, is_pipewright};
use serde_json::{Map, Value, json};
use std::path::Path;

/// A Pipeline to add, as given on the command line (not yet validated).
#[derive(Debug, Clone)]
pub struct PipelineRequest {
    /// The repo root (holds `argo/`).
    pub root: std::path::PathBuf,
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

/// Validates the request beside the tree's specs, then writes the spec and the kustomization.
pub fn pipeline(request: &PipelineRequest, out: &mut dyn std::io::Write) -> Outcome {
    let root = &request.root;
    let kustomization_path = root.join(WORKFLOWS_KUSTOMIZATION);
    let kustomization_text = std::fs::read_to_string(&kustomization_path).map_err(|e| {
        Failure::one(format!("{}: cannot be read ({e}): run `pipewright init` first, or pass the repo root with --dir", display(&kustomization_path)))
    })?;
    let object = request.object();
    check(&object, root)?;

    let entry = format!("pipelines/{}.yaml", request.name);
    let relative = format!("argo/workflows/{entry}");
    let spec_path = root.join(&relative);
    if spec_path.exists() {
        return Err(Failure::one(format!("{}: already exists: choose another name, or edit that file", display(&spec_path))));
    }
    let edited = kustomization::add_resource(&kustomization_text, &entry)
        .map_err(|e| Failure::one(format!("{}: {e}", display(&kustomization_path))))?;
    let text = format!("{}{}", scaffold::schema_line(Kind::Pipeline, &relative), to_yaml(&object.0));
    files::write_atomic(&spec_path, text.as_bytes(), None).map_err(|e| Failure::one(format!("{}: cannot be written: {e}", display(&spec_path))))?;
    if let Err(e) = files::write_atomic(&kustomization_path, edited.as_bytes(), None) {
        let _ = std::fs::remove_file(&spec_path);
        return Err(Failure::one(format!("{}: cannot be written: {e}", display(&kustomization_path))));
    }
    say(out, format!("created   {}", display(&spec_path)))?;
    say(out, format!("updated   {} (resources: + {entry})", display(&kustomization_path)))
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
