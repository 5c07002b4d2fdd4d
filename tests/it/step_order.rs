//! The order of a pipeline's DAG tasks where it matters for correctness: Maven and Gradle
//! build into the checkout (`target/`, `build/`) and one local repository, so their lint and
//! test must not run at the same time; other toolchains keep them side by side.

use super::support::{function, items};

/// The WorkflowTemplate's DAG tasks, `name → depends`, for a pipeline of `toolchain`.
fn depends(toolchain: &str) -> Vec<(String, String)> {
    let input = format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Pipeline\n  metadata: {{name: api, namespace: team}}\n  spec:\n    repo: https://github.com/acme/api.git\n    toolchain: {toolchain}\n    image: registry.acme.io/team/api\n"
    );
    let run = function(input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let wt = items(&run.stdout).into_iter().find(|o| o["kind"] == "WorkflowTemplate").unwrap();
    wt["spec"]["templates"][0]["dag"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t["depends"].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// Whether `task` waits for `before`, directly or through other tasks.
fn waits_for(tasks: &[(String, String)], task: &str, before: &str) -> bool {
    let deps = |t: &str| -> Vec<String> {
        let d = tasks.iter().find(|(n, _)| n == t).map(|(_, d)| d.clone()).unwrap_or_default();
        d.split("&&").map(|s| s.trim().trim_end_matches(".Succeeded").to_owned()).filter(|s| !s.is_empty()).collect::<Vec<_>>()
    };
    let mut stack = deps(task);
    while let Some(t) = stack.pop() {
        if t == before {
            return true;
        }
        stack.extend(deps(&t));
    }
    false
}

#[test]
fn jvm_lint_and_test_never_run_at_once() {
    for toolchain in ["maven", "gradle"] {
        let tasks = depends(toolchain);
        assert!(waits_for(&tasks, "test", "lint"), "{toolchain}: test runs beside lint: {tasks:?}");
        assert!(!waits_for(&tasks, "lint", "test"), "{toolchain}: lint waits for test: {tasks:?}");
    }
    for toolchain in ["node", "python", "go", "rust"] {
        let tasks = depends(toolchain);
        assert!(!waits_for(&tasks, "test", "lint") && !waits_for(&tasks, "lint", "test"), "{toolchain}: {tasks:?}");
    }
}

#[test]
fn waits_for_follows_chains() {
    let t = |n: &str, d: &str| (n.to_owned(), d.to_owned());
    let tasks = [t("clone", ""), t("deps", "clone"), t("lint", "deps"), t("test", "lint && deps"), t("build", "test")];
    assert!(waits_for(&tasks, "build", "clone"));
    assert!(!waits_for(&tasks, "lint", "test"));
}
