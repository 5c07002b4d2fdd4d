//! `pipewright run` from the command line: a Pipeline found by name in a GitOps tree, cloned
//! from a local repository served on loopback, reported as JSON on stdout; bad input exits 2
//! with nothing run; a failed run exits 1 and names the task.

use crate::run_sc_support::git;
use crate::support::{bin, pipewright, skip};
use std::path::Path;
use std::process::Command;

/// A repository at `dir/api-src` with one commit on `main`; returns the commit.
fn source_repo(dir: &Path) -> String {
    let source = dir.join("api-src");
    std::fs::create_dir(&source).unwrap();
    git(&source, &["init", "-q", "-b", "main"]);
    std::fs::write(source.join("README"), "api\n").unwrap();
    git(&source, &["add", "README"]);
    git(&source, &["commit", "-qm", "one"]);
    git(&source, &["rev-parse", "HEAD"])
}

/// Runs each pipewright command in `root`, asserting that it succeeds.
fn setup(root: &Path, commands: &[&[&str]]) {
    for args in commands {
        let done = pipewright(args, root);
        assert_eq!(done.code, 0, "{args:?}: {}", done.stderr);
    }
}

/// `add pipeline api` in `namespace`, without an image.
fn add_api(namespace: &str) -> [&str; 10] {
    [
        "add",
        "pipeline",
        "api",
        "--namespace",
        namespace,
        "--repo",
        "https://example.com/a/api.git",
        "--toolchain",
        "node",
        "--no-build-image",
    ]
}

fn have_bwrap() -> bool {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).any(|d| d.join("bwrap").is_file());
    if !found {
        skip("pipewright run's host executor needs bubblewrap (apt-get install bubblewrap)");
    }
    found
}

const EVERYTHING_BUT_CLONE: [&str; 8] = ["deps", "lint", "test", "security-scan", "sonar", "build-image", "scan-image", "provenance"];

fn run(args: &[&str], dir: &Path, scale: &str) -> (i32, String, String) {
    let out = Command::new(bin()).args(args).current_dir(dir).env("PIPEWRIGHT_RUN_TIME_SCALE", scale).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_pipeline_named_in_the_tree_clones_a_tag_from_a_local_repository() {
    if !have_bwrap() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    setup(root, &[&["init"], &add_api("team-a")]);
    let sha = source_repo(root);
    git(&root.join("api-src"), &["tag", "v1.2.3"]);
    let mut args = vec!["run", "api", "--executor", "host", "--source", "api-src", "--event", "tag", "--revision", "refs/tags/v1.2.3"];
    args.extend(["--work-dir", "work", "--output", "json"]);
    for task in EVERYTHING_BUT_CLONE {
        args.extend(["--skip", task]);
    }
    let (code, stdout, stderr) = run(&args, root, "1");
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("stdout is not one JSON report ({e}): {stdout}"));
    assert_eq!(report["status"], "Succeeded");
    assert_eq!(report["workflowTemplate"], "team-a/api");
    let clone = report["tasks"].as_array().unwrap().iter().find(|t| t["name"] == "clone").unwrap();
    assert_eq!(clone["template"], "pipewright-v1-git/clone");
    assert_eq!(clone["outputs"]["commit"], sha.as_str());
    assert_eq!(clone["outputs"]["image_tag"], "1.2.3");
    assert_eq!(clone["outputs"]["push"], "true");
    let skipped = report["tasks"].as_array().unwrap().iter().filter(|t| t["status"] == "Skipped").count();
    assert!(skipped >= 3, "{stdout}");
    assert!(stderr.contains("--source served at http://127.0.0.1:"), "{stderr}");
    assert!(stderr.contains(&format!("clone | pipewright: checked out {sha}")), "{stderr}");
    assert_eq!(report["outputs"]["pipewright_commit"], sha.as_str(), "the clone's globalName output");
    // A manual run of a commit given by its SHA is tagged after it, not after the 40 characters.
    args[7] = "manual";
    args[9] = &sha;
    let (code, stdout, stderr) = run(&args, root, "1");
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let clone = report["tasks"].as_array().unwrap().iter().find(|t| t["name"] == "clone").unwrap();
    assert_eq!(clone["outputs"]["image_tag"], format!("sha-{}", &sha[..7]));
}

#[test]
fn bad_input_exits_2_names_the_object_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "apiVersion: pipewright.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: api, namespace: team-a}\nspec: {repo: https://example.com/a/api.git, toolchain: nodejs, image: registry.example.com/a/api}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["run", "p.yaml", "--executor", "host", "--work-dir", "work"], dir.path(), "1");
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("Pipeline/team-a/api") && stderr.contains("spec.toolchain"), "{stderr}");
    assert!(!dir.path().join("work").exists(), "nothing may be written for bad input");
    std::fs::write(
        dir.path().join("p.yaml"),
        "apiVersion: pipewright.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: api, namespace: team-a}\nspec: {repo: https://example.com/a/api.git, toolchain: node, image: registry.example.com/a/api}\n",
    )
    .unwrap();
    let (code, _, stderr) =
        run(&["run", "p.yaml", "--executor", "host", "--param", "nope=1", "--event", "deploy", "--work-dir", "work"], dir.path(), "1");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--param nope: WorkflowTemplate/team-a/api has no parameter nope (it has: repo_url, revision"), "{stderr}");
    assert!(stderr.contains("--event deploy: valid events are push, tag, pull-request, manual, schedule"), "{stderr}");
    assert!(!dir.path().join("work").exists());
}

#[test]
fn a_failed_run_exits_1_and_names_the_task() {
    if !have_bwrap() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "apiVersion: pipewright.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: api, namespace: team-a}\nspec: {repo: https://example.com/a/api.git, toolchain: node, image: registry.example.com/a/api}\n",
    )
    .unwrap();
    // Nothing listens on port 9 of loopback: the clone fails, and its retries come quickly.
    let (code, stdout, stderr) =
        run(&["run", "p.yaml", "--executor", "host", "--source", "http://127.0.0.1:9/none.git", "--work-dir", "work"], dir.path(), "0.001");
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("pipewright: error: the pipeline failed at task clone"), "{stderr}");
    assert!(stdout.contains("clone: attempt 1 ended"), "the clone was retried: {stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("deps ") && l.contains("Omitted")), "{stdout}");
}

#[test]
fn a_pipeline_named_in_a_teams_layout_finds_the_platforms_library() {
    if !have_bwrap() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    setup(
        root,
        &[
            &["init", "--layout", "teams"],
            &["add", "team", "payments", "--namespace", "team-payments", "--group", "devs"],
            &add_api("team-payments"),
        ],
    );
    source_repo(root);
    let mut args = vec!["run", "team-payments/api", "--executor", "host", "--source", "api-src", "--work-dir", "work", "--output", "json"];
    for task in EVERYTHING_BUT_CLONE {
        args.extend(["--skip", task]);
    }
    let (code, stdout, stderr) = run(&args, root, "1");
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let clone = report["tasks"].as_array().unwrap().iter().find(|t| t["name"] == "clone").unwrap();
    assert_eq!(clone["template"], "pipewright-v1-git/clone", "the library comes from the platform folder");
    assert_eq!(clone["status"], "Succeeded");
    assert_eq!(clone["outputs"]["image_tag"].as_str().unwrap().len(), "main-".len() + 7);
}
