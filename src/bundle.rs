//! The rendered Argo objects that `run`, `graph` and `explain` read: one Pipeline picked from a
//! YAML file or from the GitOps tree by name, expanded in-process by the function exactly as
//! kustomize and kpt would (with the default library when no Platform is given). The commands
//! after this point see Argo objects only, never the spec.

use crate::function;
use crate::gitops::{self, display, tree};
use crate::krm::{Limits, Object, ResourceList, Severity, parse_objects};
use crate::validate::is_pipewright;
use serde_json::json;
use std::path::{Path, PathBuf};

/// One Pipeline's rendered objects, and the rest of its bundle.
#[derive(Debug, Clone)]
pub struct Selected {
    /// The Pipeline's namespace (its WorkflowTemplate's).
    pub namespace: String,
    /// The Pipeline's name (its WorkflowTemplate's).
    pub name: String,
    /// Every object the function emitted for the input: the Pipeline's, the library's, the
    /// Teams' and whatever else the input held.
    pub objects: Vec<Object>,
    /// Where the Pipeline came from, as messages show it.
    pub source: String,
    /// The function's warnings, one line each.
    pub warnings: Vec<String>,
}

impl Selected {
    /// The Pipeline's WorkflowTemplate.
    pub fn workflow_template(&self) -> Option<&Object> {
        self.objects.iter().find(|o| {
            o.kind() == "WorkflowTemplate"
                && o.group() == "argoproj.io"
                && o.name() == self.name
                && o.namespace() == Some(self.namespace.as_str())
        })
    }
}

/// Why nothing could be selected: one line per problem, each naming the file or object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<String>);

/// The name the default library's Platform gets when the input has none.
pub const DEFAULT_PLATFORM: &str = "default";

/// Picks one Pipeline: `arg` is a YAML file that holds it (and possibly a Platform, Teams and
/// anything else), or a Pipeline's name (`NAME` or `NAMESPACE/NAME`) in the GitOps tree around `cwd`.
pub fn select(arg: &str, cwd: &Path) -> Result<Selected, Problems> {
    let path = cwd.join(arg);
    let (objects, source, wanted) = if path.is_file() {
        (read_file(&path)?, display(&path), None)
    } else if looks_like_a_file(arg) {
        return Err(Problems(vec![format!("{arg}: no such file (give a YAML file that holds a Pipeline, or a Pipeline's name)")]));
    } else {
        let root = gitops::find_root(cwd).ok_or_else(|| {
            Problems(vec![format!(
                "{arg}: is neither a file nor a Pipeline's name in a GitOps tree (no {} here or above)",
                gitops::WORKFLOWS_KUSTOMIZATION
            )])
        })?;
        // Every Application root (one in the default layout; the platform and each team's
        // folder in the teams layout) joins one bundle, so the Pipeline finds its library.
        let dir = root.join(gitops::ARGO_DIR);
        let objects = gitops::roots::collect(&dir, tree::Strictness::Exact).map_err(Problems)?;
        (objects, display(&dir), Some(arg))
    };
    let (namespace, name) = pick(&objects, wanted, &source)?;
    let (objects, warnings) = expand(objects)?;
    Ok(Selected { namespace, name, objects, source, warnings })
}

fn looks_like_a_file(arg: &str) -> bool {
    arg.ends_with(".yaml") || arg.ends_with(".yml") || arg.matches('/').count() > 1
}

fn read_file(path: &PathBuf) -> Result<Vec<Object>, Problems> {
    let shown = display(path);
    let bytes = std::fs::read(path).map_err(|e| Problems(vec![format!("{shown}: cannot be read: {e}")]))?;
    parse_objects(&bytes, &Limits::default()).map_err(|e| Problems(vec![format!("{shown}: {e}")]))
}

fn is_pipeline(o: &Object) -> bool {
    is_pipewright(o) && o.kind() == "Pipeline"
}

/// The namespace and name of the Pipeline to use: the only one in a file, or the one named.
fn pick(objects: &[Object], wanted: Option<&str>, source: &str) -> Result<(String, String), Problems> {
    let pipelines: Vec<(String, String)> =
        objects.iter().filter(|o| is_pipeline(o)).map(|o| (o.namespace().unwrap_or("argo").to_owned(), o.name().to_owned())).collect();
    let listed = || pipelines.iter().map(|(ns, n)| format!("{ns}/{n}")).collect::<Vec<_>>().join(", ");
    let matching: Vec<&(String, String)> = match wanted {
        None => pipelines.iter().collect(),
        Some(w) => pipelines.iter().filter(|(ns, n)| *n == w || format!("{ns}/{n}") == w).collect(),
    };
    match (matching.as_slice(), wanted) {
        ([one], _) => Ok((*one).clone()),
        ([], None) => Err(Problems(vec![format!("{source}: holds no Pipeline (kind: Pipeline, apiVersion: pipewright.dev/v1alpha1)")])),
        ([], Some(w)) if pipelines.is_empty() => Err(Problems(vec![format!("{source}: holds no Pipeline, so none is named {w}")])),
        ([], Some(w)) => Err(Problems(vec![format!("{source}: no Pipeline is named {w} (valid: {})", listed())])),
        (_, None) => Err(Problems(vec![format!(
            "{source}: holds {} Pipelines ({}): name one instead of the file, from inside its GitOps repo",
            pipelines.len(),
            listed()
        )])),
        (_, Some(w)) => Err(Problems(vec![format!(
            "{source}: {w} names Pipelines in several namespaces: write NAMESPACE/NAME (one of {})",
            matching.iter().map(|(ns, n)| format!("{ns}/{n}")).collect::<Vec<_>>().join(", ")
        )])),
    }
}

/// Runs the function over the objects, adding the default library when no Platform is there.
fn expand(mut objects: Vec<Object>) -> Result<(Vec<Object>, Vec<String>), Problems> {
    let has_platform = objects.iter().any(|o| is_pipewright(o) && o.kind() == "Platform");
    let has_library = objects.iter().any(|o| o.kind() == "ClusterWorkflowTemplate" && o.name().starts_with("pipewright-v"));
    if !has_platform && !has_library {
        objects.push(Object::new(json!({
            "apiVersion": "pipewright.dev/v1alpha1",
            "kind": "Platform",
            "metadata": {"name": DEFAULT_PLATFORM},
            "spec": {}
        })));
    }
    let outcome = function::process(ResourceList { items: objects, function_config: None, results: Vec::new() });
    if outcome.failed {
        return Err(Problems(outcome.results.iter().filter(|r| r.severity == Severity::Error).map(|r| r.to_line()).collect()));
    }
    let warnings = outcome.results.iter().filter(|r| r.severity != Severity::Error).map(|r| r.to_line()).collect();
    Ok((outcome.items().filter(|o| o.annotation(function::LOCAL_CONFIG) != Some("true")).collect(), warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    const PIPELINE: &str = "apiVersion: pipewright.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: api, namespace: team-a}\nspec:\n  repo: https://example.com/a/api.git\n  toolchain: node\n  image: registry.example.com/a/api\n";

    #[test]
    fn a_file_with_one_pipeline_gets_the_default_library() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "p.yaml", PIPELINE);
        let selected = select("p.yaml", dir.path()).unwrap();
        assert_eq!((selected.namespace.as_str(), selected.name.as_str()), ("team-a", "api"));
        assert!(selected.workflow_template().is_some());
        assert!(selected.objects.iter().any(|o| o.kind() == "ClusterWorkflowTemplate" && o.name() == "pipewright-v1-git"));
    }

    #[test]
    fn two_pipelines_in_a_file_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "p.yaml", &format!("{PIPELINE}---\n{}", PIPELINE.replace("name: api", "name: web")));
        let problems = select("p.yaml", dir.path()).unwrap_err();
        assert!(problems.0[0].contains("holds 2 Pipelines (team-a/api, team-a/web)"), "{problems:?}");
    }

    #[test]
    fn a_missing_file_and_an_unknown_name_say_so() {
        let dir = tempfile::tempdir().unwrap();
        assert!(select("nope.yaml", dir.path()).unwrap_err().0[0].contains("no such file"));
        assert!(select("nope", dir.path()).unwrap_err().0[0].contains("neither a file nor a Pipeline's name"));
    }

    #[test]
    fn invalid_specs_give_the_function_errors() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "p.yaml", &PIPELINE.replace("toolchain: node", "toolchain: nodejs"));
        let problems = select("p.yaml", dir.path()).unwrap_err();
        assert!(problems.0.iter().any(|p| p.contains("Pipeline/team-a/api") && p.contains("toolchain")), "{problems:?}");
    }
}
