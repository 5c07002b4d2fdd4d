//! The Application roots of a GitOps tree, and what each builds into: the walk `render` (and
//! any other reader of the rendered objects) runs over both layouts. The default layout has one
//! root, `argo/` itself; the teams layout has those `argo/applicationset.yaml` names: each
//! Application's `spec.source.path`, and each ApplicationSet git generator's directories.
//! Every root is expanded on its own, as Argo CD builds each Application.

use super::layout::{TEAMS_DIR, team_dir};
use super::{display, tree};
use crate::function::{self, Outcome};
use crate::krm::{Limits, Object, ResourceList, ResultItem, Severity, parse_objects};
use crate::validate::{self, DEFAULT_NAMESPACE, is_pipewright};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The file, in the `argo/` directory, that names the Application roots of the teams layout.
pub const APPLICATIONSET_FILE: &str = "applicationset.yaml";

/// One Application root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Root {
    /// Its path relative to the `argo/` directory (`platform`, `teams/team-payments`), or `.`
    /// for the default layout's single root.
    pub label: String,
    /// Its directory.
    pub dir: PathBuf,
}

/// One root, expanded.
#[derive(Debug)]
pub struct Expanded {
    /// The root.
    pub root: Root,
    /// The function's outcome over the root's files: its results, and its objects
    /// ([`Outcome::items`]).
    pub outcome: Outcome,
}

/// Every root of the tree in `argo`, expanded, and the problems that only show across roots
/// (two Teams of one namespace in two folders, a Pipeline looser than the Platform, a spec
/// outside its namespace's team folder). Files that cannot be read are errors.
pub fn expand(argo: &Path) -> Result<(Vec<Expanded>, Vec<ResultItem>), Vec<String>> {
    let roots = roots(argo)?;
    let (mut expanded, mut errors, mut specs) = (Vec::new(), Vec::new(), Vec::new());
    for root in roots {
        match tree::collect(&root.dir, tree::Strictness::Exact) {
            Err(e) => errors.extend(e),
            Ok(objects) => {
                if roots_are_teams(&root) {
                    specs.extend(objects.iter().filter(|o| is_pipewright(o)).cloned().map(|o| (root.clone(), o)));
                }
                let outcome = function::process(ResourceList { items: objects, function_config: None, results: Vec::new() });
                expanded.push(Expanded { root, outcome });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((expanded, across(argo, &specs)))
}

/// Whether a root is one of several (the teams layout), whose specs are also checked together.
fn roots_are_teams(root: &Root) -> bool {
    root.label != "."
}

/// The problems across the roots of the teams layout: every spec validated together (only the
/// errors no single root shows), and each namespaced spec in its namespace's team folder.
fn across(argo: &Path, specs: &[(Root, Object)]) -> Vec<ResultItem> {
    let mut out = Vec::new();
    let repo = argo.parent().unwrap_or(Path::new("."));
    for (root, object) in specs {
        let Some(folder) = root.dir.strip_prefix(repo.join(TEAMS_DIR)).ok().and_then(|p| p.to_str()).filter(|p| !p.contains('/')) else {
            continue;
        };
        if object.kind() == "Platform" {
            out.push(error(object, "kind", format!("is in the team folder {}: the Platform belongs in argo/platform", display(&root.dir))));
            continue;
        }
        let namespace = object.namespace().unwrap_or(DEFAULT_NAMESPACE);
        if namespace != folder {
            let message = format!(
                "is {namespace:?}, but the spec is in the team folder of {folder:?}: each team folder is one Application, whose destination namespace is the folder's name; move the spec to {}/",
                team_dir(namespace)
            );
            out.push(error(object, "metadata.namespace", message));
        }
    }
    let all: Vec<&Object> = specs.iter().map(|(_, o)| o).collect();
    let together = validate::validate(&all).results;
    let alone: Vec<ResultItem> = specs
        .iter()
        .map(|(root, _)| root)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .flat_map(|root| {
            let mine: Vec<&Object> = specs.iter().filter(|(r, _)| r == root).map(|(_, o)| o).collect();
            validate::validate(&mine).results
        })
        .collect();
    out.extend(together.into_iter().filter(|r| r.severity == Severity::Error && !alone.contains(r)));
    out.sort();
    out
}

fn error(object: &Object, field: &str, message: String) -> ResultItem {
    ResultItem {
        resource_ref: Some(object.reference()),
        field: Some(crate::krm::FieldRef { path: field.to_owned() }),
        file: None,
        severity: Severity::Error,
        message,
    }
}

/// Every object the files of every Application root hold (the specs unexpanded), roots in
/// label order: the tree as one input, for readers that expand it themselves (`lint`, `run`).
pub fn collect(argo: &Path, strictness: tree::Strictness) -> Result<Vec<Object>, Vec<String>> {
    let (mut objects, mut errors) = (Vec::new(), Vec::new());
    for root in roots(argo)? {
        match tree::collect(&root.dir, strictness) {
            Ok(found) => objects.extend(found),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() { Ok(objects) } else { Err(errors) }
}

/// The Application roots of the tree in `argo`, sorted by label.
pub fn roots(argo: &Path) -> Result<Vec<Root>, Vec<String>> {
    if tree::kustomization_file(argo).is_some() {
        return Ok(vec![Root { label: ".".into(), dir: argo.to_path_buf() }]);
    }
    let file = argo.join(APPLICATIONSET_FILE);
    let bytes = std::fs::read(&file).map_err(|e| {
        vec![format!(
            "{}: has neither a kustomization.yaml (the default layout) nor an {APPLICATIONSET_FILE} (the teams layout): {e}",
            display(argo)
        )]
    })?;
    let objects = parse_objects(&bytes, &Limits::default()).map_err(|e| vec![format!("{}: cannot be read: {e}", display(&file))])?;
    let repo = argo.parent().unwrap_or(Path::new("."));
    let (mut roots, mut errors) = (Vec::new(), Vec::new());
    for object in &objects {
        let at = |what: &str| format!("{}: {}: {what}", display(&file), object.reference());
        match object.kind() {
            "Application" => match object.0.pointer("/spec/source/path").and_then(Value::as_str) {
                Some(path) => roots.push(repo.join(path)),
                None => errors.push(at("has no spec.source.path: `pipewright render` follows local paths only")),
            },
            "ApplicationSet" => {
                let generators = object.0.pointer("/spec/generators").and_then(Value::as_array).cloned().unwrap_or_default();
                for (i, generator) in generators.iter().enumerate() {
                    let Some(directories) = generator.pointer("/git/directories").and_then(Value::as_array) else {
                        errors.push(at(&format!(
                            "spec.generators[{i}] is not a git directory generator: `pipewright render` follows those only"
                        )));
                        continue;
                    };
                    let excluded: Vec<&str> = directories
                        .iter()
                        .filter(|d| d.get("exclude").and_then(Value::as_bool) == Some(true))
                        .filter_map(|d| d.get("path").and_then(Value::as_str))
                        .collect();
                    for path in directories.iter().filter(|d| d.get("exclude").and_then(Value::as_bool) != Some(true)) {
                        match path.get("path").and_then(Value::as_str).map(|p| directory_glob(repo, p)) {
                            Some(Ok(dirs)) => {
                                roots.extend(dirs.into_iter().filter(|d| !excluded.iter().any(|x| repo.join(x) == *d)));
                            }
                            Some(Err(e)) => errors.push(at(&e)),
                            None => errors.push(at(&format!("spec.generators[{i}].git.directories has an entry without a path"))),
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if roots.is_empty() && errors.is_empty() {
        errors.push(format!("{}: names no Application root (no Application, no ApplicationSet git directories)", display(&file)));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out: Vec<Root> = roots
        .into_iter()
        .map(|dir| {
            let label = dir.strip_prefix(argo).unwrap_or(&dir).to_string_lossy().replace('\\', "/");
            Root { label, dir }
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out.dedup();
    Ok(out)
}

/// The directories a git directory generator's path names: the path itself, or, for
/// `dir/*`, every directory in `dir` that holds a kustomization (sorted).
fn directory_glob(repo: &Path, path: &str) -> Result<Vec<PathBuf>, String> {
    let Some(parent) = path.strip_suffix("/*") else {
        if path.contains('*') || path.contains('?') || path.contains('[') {
            return Err(format!("directory path {path:?} is a pattern `pipewright render` cannot follow (only `dir/*`)"));
        }
        return Ok(vec![repo.join(path)]);
    };
    if parent.contains('*') || parent.contains('?') || parent.contains('[') {
        return Err(format!("directory path {path:?} is a pattern `pipewright render` cannot follow (only `dir/*`)"));
    }
    let dir = repo.join(parent);
    let mut found: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("{} cannot be read: {e}", display(&dir))),
    };
    // Argo CD's directory generator skips hidden directories; a folder without a kustomization
    // builds nothing pipewright's.
    found.retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| !n.starts_with('.')) && tree::kustomization_file(p).is_some());
    found.sort();
    Ok(found)
}
