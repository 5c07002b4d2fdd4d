//! End to end, as a platform team works: `init`, `add` two pipelines in two namespaces, build
//! with the real kustomize, `render` and `render --check`, catch a hand edit, and see the guard
//! fire when kustomize runs without `--enable-exec`.

use super::argo_checks;
use super::kustomize::expected_ids;
use super::support::{self, documents, id, pipewright, run_in};
use super::tree::{add, add_team, initialized};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const TRIPWIRE: &str = "PipewrightDidNotRun/build-with-enable-alpha-plugins-and-enable-exec";

fn kustomize(args: &[&str], dir: &Path) -> support::Run {
    run_in(&support::kustomize(), args, b"", dir)
}

fn sorted(mut docs: Vec<Value>) -> Vec<Value> {
    docs.sort_by_key(|d| format!("{}|{}", id(d), d["apiVersion"]));
    docs
}

#[test]
fn init_add_build_render_check_and_guard() {
    // 1. init, then add two pipelines in two namespaces.
    let repo = initialized();
    let dir = repo.path();
    assert_eq!(add(dir, "payments-api", "team-payments", "node").code, 0);
    assert_eq!(add(dir, "fraud-model", "team-risk", "python").code, 0);

    // 2. kustomize build contains the expected objects, valid for Argo, and no tripwire.
    let build = kustomize(&["build", "--enable-alpha-plugins", "--enable-exec", "argo"], dir);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let docs = documents(&build.stdout);
    let ids: BTreeSet<String> = docs.iter().map(id).collect();
    let expected = expected_ids(&["v1"], &[("team-payments", "payments-api"), ("team-risk", "fraud-model")]);
    assert_eq!(ids, expected, "the build's objects");
    assert_eq!(ids.len(), docs.len(), "duplicate objects");
    if let Some(shared) = support::shared_argo() {
        let problems = argo_checks::check(&shared, &docs);
        assert!(problems.is_empty(), "Argo checks failed:\n{}", problems.join("\n"));
    }
    super::lint::assert_docs_lint_clean("the build", &docs);

    // 3. render, then render --check: exit 0. The rendered objects are the build's objects.
    let render = pipewright(&["render"], dir);
    assert_eq!(render.code, 0, "{}", render.stderr);
    let check = pipewright(&["render", "--check"], dir);
    let up_to_date = format!("rendered is up to date ({} objects)\n", expected.len());
    assert_eq!((check.code, check.stdout.as_str(), check.stderr.as_str()), (0, up_to_date.as_str(), ""));
    let rendered = kustomize(&["build", "rendered"], dir);
    assert_eq!(rendered.code, 0, "{}", rendered.stderr);
    assert_eq!(sorted(documents(&rendered.stdout)), sorted(docs), "render and kustomize build disagree");

    // 4. A hand edit makes --check exit 1 with a unified diff; so do an extra and a missing file.
    let wt = dir.join("rendered/team-risk/workflowtemplate_fraud-model.yaml");
    let text = std::fs::read_to_string(&wt).unwrap();
    std::fs::write(&wt, text.replacen("serviceAccountName: fraud-model", "serviceAccountName: admin", 1)).unwrap();
    std::fs::write(dir.join("rendered/team-risk/extra.yaml"), "kind: ConfigMap\n").unwrap();
    std::fs::remove_file(dir.join("rendered/team-payments/role_payments-api.yaml")).unwrap();
    let drift = pipewright(&["render", "--check"], dir);
    assert_eq!(drift.code, 1, "{}", drift.stdout);
    assert_eq!(
        drift.stderr,
        "pipewright: error: rendered differs from a fresh render of argo: run `pipewright render` and commit the result\n"
    );
    let diff = &drift.stdout;
    assert!(
        diff.contains(
            "--- a/rendered/team-risk/workflowtemplate_fraud-model.yaml\n+++ b/rendered/team-risk/workflowtemplate_fraud-model.yaml\n"
        ),
        "{diff}"
    );
    assert!(diff.contains("\n-  serviceAccountName: admin\n+  serviceAccountName: fraud-model\n"), "{diff}");
    assert!(diff.contains("--- a/rendered/team-risk/extra.yaml\n+++ /dev/null\n@@ -1 +0,0 @@\n-kind: ConfigMap\n"), "{diff}");
    assert!(diff.contains("--- /dev/null\n+++ b/rendered/team-payments/role_payments-api.yaml\n"), "{diff}");
    assert!(diff.lines().all(|l| !l.starts_with("@@") || l.ends_with("@@")), "{diff}");
    // render repairs the tree, and --check agrees again.
    assert_eq!(pipewright(&["render"], dir).code, 0);
    assert_eq!(pipewright(&["render", "--check"], dir).code, 0);
    assert!(!dir.join("rendered/team-risk/extra.yaml").exists());

    // 5. The guard fires when --enable-exec is left out.
    let silent = kustomize(&["build", "--enable-alpha-plugins", "argo"], dir);
    assert_eq!(silent.code, 0, "kustomize is expected to skip exec functions silently: {}", silent.stderr);
    let leaked = documents(&silent.stdout);
    let leaked_ids: Vec<String> = leaked.iter().map(id).collect();
    assert!(leaked_ids.contains(&TRIPWIRE.to_owned()), "the tripwire is missing: {leaked_ids:?}");
    assert!(!leaked_ids.iter().any(|i| i.starts_with("WorkflowTemplate/")), "pipewright ran? {leaked_ids:?}");
    let tripwire = leaked.iter().find(|d| id(d) == TRIPWIRE).unwrap();
    assert_eq!(tripwire["apiVersion"], "v1", "the tripwire must be in the core group, which no CRD can extend");
    assert!(tripwire["metadata"]["annotations"]["pipewright.dev/guard"].as_str().unwrap().contains("--enable-exec"));
    // Without any plugin flag, kustomize refuses the tree outright.
    let refused = kustomize(&["build", "argo"], dir);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    assert!(refused.stderr.contains("external plugins disabled"), "{}", refused.stderr);
}

#[test]
fn add_team_builds_its_sso_access_and_event_source() {
    let repo = initialized();
    let dir = repo.path();
    assert_eq!(add_team(dir, "payments", "team-payments", "payments-devs").code, 0);
    let build = kustomize(&["build", "--enable-alpha-plugins", "--enable-exec", "argo"], dir);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let docs = documents(&build.stdout);
    let ids: BTreeSet<String> = docs.iter().map(id).collect();
    for team_object in [
        "ServiceAccount/team-payments/payments.team",
        "Secret/team-payments/payments.team.service-account-token",
        "Role/team-payments/payments.team",
        "RoleBinding/team-payments/payments.team",
        "EventSource/team-payments/pipewright-git",
        "EventBus/team-payments/default",
    ] {
        assert!(ids.contains(team_object), "{team_object} is missing from the build: {ids:?}");
    }
    let sa = docs.iter().find(|d| id(d) == "ServiceAccount/team-payments/payments.team").unwrap();
    let rule = sa["metadata"]["annotations"]["workflows.argoproj.io/rbac-rule"].as_str().unwrap();
    assert!(rule.contains("'payments-devs' in groups"), "{rule}");
    if let Some(shared) = support::shared_argo() {
        let problems = argo_checks::check(&shared, &docs);
        assert!(problems.is_empty(), "Argo checks failed:\n{}", problems.join("\n"));
    }
    super::lint::assert_docs_lint_clean("the build", &docs);
    // render reads the generator the same way kustomize runs it.
    assert_eq!(pipewright(&["render"], dir).code, 0);
    let rendered = kustomize(&["build", "rendered"], dir);
    assert_eq!(rendered.code, 0, "{}", rendered.stderr);
    assert_eq!(sorted(documents(&rendered.stdout)), sorted(docs), "render and kustomize build disagree");
}

#[test]
fn check_fails_when_nothing_was_rendered() {
    let repo = initialized();
    let run = pipewright(&["render", "--check", "argo", "--out", "out"], repo.path());
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("--- /dev/null\n+++ b/out/kustomization.yaml\n"), "{}", run.stdout);
}
