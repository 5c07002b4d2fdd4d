//! The rendered clone step, executed: an event goes through the Sensor's trigger into the
//! Workflow's arguments, the WorkflowTemplate's clone task and the library's clone template,
//! and the script runs with `sh` and exactly the environment that template sets, against a
//! local repository whose branch moved on after the event. Only the transport (a local
//! `file://` repository instead of https) and the workspace path differ from a cluster; the
//! script's fixed `/tmp/pipewright` is a private `/tmp` under bubblewrap.

use super::support::{function, has_bwrap, items, shellcheck_sh, substitute};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const INPUT: &str = r#"apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: pipewright.dev/v1alpha1
  kind: Platform
  metadata: {name: acme}
  spec: {}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: api, namespace: team}
  spec:
    repo: https://github.com/acme/api.git
    toolchain: go
    image: registry.acme.io/team/api
    triggers: {push: {branches: [main]}, tags: true}
"#;

/// What pipewright renders for [`INPUT`], by kind.
struct Rendered {
    sensor: Value,
    workflow_template: Value,
    git_library: Value,
}

fn rendered() -> Rendered {
    let run = function(INPUT.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = items(&run.stdout);
    let find = |kind: &str, name: &str| all.iter().find(|o| o["kind"] == kind && o["metadata"]["name"] == name).cloned().unwrap();
    Rendered {
        sensor: find("Sensor", "api"),
        workflow_template: find("WorkflowTemplate", "api"),
        git_library: find("ClusterWorkflowTemplate", "pipewright-v1-git"),
    }
}

/// The workflow parameters of a run a trigger submits for `payload` (Argo Events' `dataKey`
/// sources only: the templated ones, the concurrency key, do not reach the clone).
fn workflow_parameters(r: &Rendered, dependency: &str, payload: &Value) -> BTreeMap<String, String> {
    let mut params: BTreeMap<String, String> = r.workflow_template["spec"]["arguments"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["value"].as_str().unwrap_or("").to_owned()))
        .collect();
    let trigger = r.sensor["spec"]["triggers"].as_array().unwrap().iter().find(|t| t["template"]["name"] == dependency).unwrap();
    let workflow = &trigger["template"]["argoWorkflow"];
    let mut submitted: Vec<(String, String)> = workflow["source"]["resource"]["spec"]["arguments"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["value"].as_str().unwrap_or("").to_owned()))
        .collect();
    for p in workflow["parameters"].as_array().unwrap() {
        let Some(key) = p["src"]["dataKey"].as_str() else { continue };
        let index: usize = p["dest"]
            .as_str()
            .unwrap()
            .strip_prefix("spec.arguments.parameters.")
            .unwrap()
            .strip_suffix(".value")
            .unwrap()
            .parse()
            .unwrap();
        let value = key.split('.').try_fold(payload, |v, k| v.get(k)).and_then(Value::as_str).unwrap();
        submitted[index].1 = value.to_owned();
    }
    params.extend(submitted);
    params
}

/// The clone template's script and environment for a run with these workflow parameters.
fn clone_step(r: &Rendered, workflow: &BTreeMap<String, String>) -> (String, BTreeMap<String, String>) {
    let tasks = r.workflow_template["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap();
    let task = tasks.iter().find(|t| t["name"] == "clone").unwrap();
    let template_name = task["templateRef"]["template"].as_str().unwrap();
    let template = r.git_library["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == template_name).unwrap();
    let mut inputs: BTreeMap<String, String> = template["inputs"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p.get("default")?.as_str()?.to_owned())))
        .collect();
    for a in task["arguments"]["parameters"].as_array().unwrap() {
        inputs.insert(a["name"].as_str().unwrap().to_owned(), substitute(a["value"].as_str().unwrap(), "workflow.parameters", workflow));
    }
    let container = &template["container"];
    let command: Vec<&str> = container["command"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(command[..2], ["sh", "-c"]);
    let env = container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_owned(), substitute(e["value"].as_str().unwrap(), "inputs.parameters", &inputs)))
        .collect();
    (command[2].to_owned(), env)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", "-c", "tag.gpgSign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Commits `content` as `file` in the work tree `dir` and returns the commit.
fn commit(dir: &Path, content: &str) -> String {
    std::fs::write(dir.join("file"), content).unwrap();
    git(dir, &["add", "file"]);
    git(dir, &["commit", "-q", "-m", content]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A bare repository `tmp/origin.git` (the script sees it as `/tmp/origin.git`) and a work
/// tree `work` that pushes to it.
fn repository(root: &Path) -> std::path::PathBuf {
    let work = root.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    git(&root.join("tmp"), &["init", "-q", "--bare", "origin.git"]);
    git(&work, &["init", "-q"]);
    git(&work, &["remote", "add", "origin", root.join("tmp/origin.git").to_str().unwrap()]);
    work
}

/// What a clone run left: its exit code, stderr, the checked-out file and its outputs.
struct Clone {
    code: i32,
    stderr: String,
    file: String,
    commit: String,
    image_tag: String,
}

/// Runs the clone script with `sh -c` and its template's environment, `/tmp` private (bubblewrap).
fn run_clone(root: &Path, script: &str, mut env: BTreeMap<String, String>) -> Option<Clone> {
    if !has_bwrap() {
        return None;
    }
    let tmp = root.join("tmp");
    env.insert("REPO_URL".into(), "file:///tmp/origin.git".into());
    // The transport under test is local; every other variable is the template's own.
    env.insert("GIT_ALLOW_PROTOCOL".into(), "file".into());
    env.insert("PW_SOURCE".into(), "/tmp/workspace/src".into());
    let out = Command::new("bwrap")
        .args(["--dev-bind", "/", "/", "--bind", tmp.to_str().unwrap(), "/tmp", "--die-with-parent", "sh", "-c", script])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .envs(env)
        .output()
        .unwrap();
    let read = |p: &str| std::fs::read_to_string(tmp.join(p)).unwrap_or_default();
    Some(Clone {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        file: read("workspace/src/file"),
        commit: read("pipewright/commit"),
        image_tag: read("pipewright/image_tag"),
    })
}

fn push_event(reference: &str, after: &str) -> Value {
    json!({"body": {"ref": reference, "after": after, "repository": {"full_name": "acme/api"}}})
}

/// A push's run builds the pushed commit even when the branch moved on before the run cloned
/// (depth 1 holds only the new tip: the clone fetches deeper), tags the image
/// `<branch>-<short sha>` of that commit and reports that commit.
#[test]
fn a_push_run_builds_the_pushed_commit_after_the_branch_moved() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let work = repository(root);
    commit(&work, "first");
    let pushed = commit(&work, "pushed");
    git(&work, &["push", "-q", "origin", "HEAD:refs/heads/main"]);
    for later in ["later 1", "later 2", "later 3"] {
        commit(&work, later);
    }
    git(&work, &["push", "-q", "origin", "HEAD:refs/heads/main"]);

    let r = rendered();
    let params = workflow_parameters(&r, "push", &push_event("refs/heads/main", &pushed));
    assert_eq!(params["commit"], pushed);
    let (script, env) = clone_step(&r, &params);
    assert_eq!(env["COMMIT"], pushed, "the clone template is given the event's commit");
    let Some(run) = run_clone(root, &script, env) else { return };
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.file, "pushed");
    assert_eq!(run.commit, pushed);
    assert_eq!(run.image_tag, format!("main-{}", &pushed[..7]));
}

/// A manual run (no commit) builds the branch's tip, as before.
#[test]
fn a_manual_run_builds_the_tip() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let work = repository(root);
    commit(&work, "first");
    let tip = commit(&work, "tip");
    git(&work, &["push", "-q", "origin", "HEAD:refs/heads/main"]);
    let r = rendered();
    let params = workflow_parameters(&r, "push", &push_event("refs/heads/main", &tip));
    let mut manual: BTreeMap<String, String> = params.clone();
    manual.insert("commit".into(), String::new());
    manual.insert("event".into(), "manual".into());
    let (script, env) = clone_step(&r, &manual);
    let Some(run) = run_clone(root, &script, env) else { return };
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!((run.file.as_str(), run.commit.as_str()), ("tip", tip.as_str()));
}

/// A branch force-pushed after the event no longer reaches the pushed commit: the clone
/// refuses (exit 2, never retried) and says why, instead of building another commit.
#[test]
fn a_commit_the_branch_no_longer_reaches_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let work = repository(root);
    let base = commit(&work, "base");
    let pushed = commit(&work, "pushed");
    git(&work, &["push", "-q", "origin", "HEAD:refs/heads/main"]);
    git(&work, &["reset", "-q", "--hard", &base]);
    commit(&work, "rewritten");
    git(&work, &["push", "-q", "-f", "origin", "HEAD:refs/heads/main"]);
    // The pushed commit is still in the repository (the remote keeps it), just not on main.
    git(&root.join("tmp/origin.git"), &["cat-file", "-e", &pushed]);
    let r = rendered();
    let (script, env) = clone_step(&r, &workflow_parameters(&r, "push", &push_event("refs/heads/main", &pushed)));
    let Some(run) = run_clone(root, &script, env) else { return };
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("commit {pushed} is not reachable from refs/heads/main")), "{}", run.stderr);
    assert_eq!(run.commit, "", "no commit was reported");
}

/// GitHub's tag push names an annotated tag's object in `after`: the clone peels it to the
/// tagged commit and publishes the tag's version.
#[test]
fn an_annotated_tag_event_builds_the_tagged_commit() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let work = repository(root);
    commit(&work, "first");
    let tagged = commit(&work, "tagged");
    git(&work, &["tag", "-a", "-m", "release", "v1.2.3"]);
    git(&work, &["push", "-q", "origin", "HEAD:refs/heads/main", "refs/tags/v1.2.3"]);
    let tag_object = git(&work, &["rev-parse", "v1.2.3"]);
    assert_ne!(tag_object, tagged);
    let r = rendered();
    let (script, env) = clone_step(&r, &workflow_parameters(&r, "tag", &push_event("refs/tags/v1.2.3", &tag_object)));
    let Some(run) = run_clone(root, &script, env) else { return };
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!((run.file.as_str(), run.commit.as_str(), run.image_tag.as_str()), ("tagged", tagged.as_str(), "1.2.3"));
}

/// The clone script stays plain POSIX `sh` (busybox-compatible): shellcheck finds nothing.
#[test]
fn the_clone_script_passes_shellcheck_as_posix_sh() {
    let r = rendered();
    for t in r.git_library["spec"]["templates"].as_array().unwrap() {
        if let Some(findings) = shellcheck_sh(t["container"]["command"][2].as_str().unwrap()) {
            assert_eq!(findings, "", "{}", t["name"]);
        }
    }
}
