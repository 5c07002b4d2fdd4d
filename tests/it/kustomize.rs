//! End to end with the real kustomize: the example `argo/` tree, built with pipewright as a
//! transformer (as committed) and as generators (one process per spec), must emit exactly
//! the expected objects, each valid for Argo, with every reference resolved.

use super::argo_checks;
use super::support::{self, documents, id, kustomize_build};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const PIPELINES: [(&str, &str); 3] = [("team-payments", "payments-api"), ("team-payments", "ledger"), ("team-risk", "fraud-model")];
const LIBRARY: [&str; 7] = ["git", "node", "python", "go", "security", "image", "notify"];

fn expected_ids() -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = LIBRARY.iter().map(|f| format!("ClusterWorkflowTemplate/pipewright-v1-{f}")).collect();
    for (ns, name) in PIPELINES {
        for kind in ["WorkflowTemplate", "ServiceAccount", "Role", "RoleBinding"] {
            ids.insert(format!("{kind}/{ns}/{name}"));
        }
        ids.insert(format!("Secret/{ns}/{name}.service-account-token"));
    }
    ids
}

fn build(dir: &Path) -> (String, Vec<Value>) {
    let run = kustomize_build(dir);
    assert_eq!(run.code, 0, "kustomize build {} failed:\n{}", dir.display(), run.stderr);
    let docs = documents(&run.stdout);
    (run.stdout, docs)
}

fn assert_complete_and_valid(docs: &[Value]) {
    let ids: BTreeSet<String> = docs.iter().map(id).collect();
    let expected = expected_ids();
    let missing: Vec<_> = expected.difference(&ids).collect();
    assert!(missing.is_empty(), "missing from the build: {missing:?}");
    for doc in docs {
        assert!(!doc["apiVersion"].as_str().unwrap_or("").starts_with("pipewright.dev/"), "a spec object reached the output: {}", id(doc));
        let annotations = doc["metadata"]["annotations"].as_object();
        for key in ["internal.config.kubernetes.io/id", "config.k8s.io/id", "config.kubernetes.io/local-config"] {
            assert!(annotations.is_none_or(|a| !a.contains_key(key)), "{} carries {key}", id(doc));
        }
    }
    if let Some(shared) = support::shared_argo() {
        let problems = argo_checks::check(&shared, docs);
        assert!(problems.is_empty(), "Argo checks failed:\n{}", problems.join("\n"));
    }
}

#[test]
fn example_tree_builds_with_the_transformer() {
    let (_, docs) = build(&support::root().join("argo"));
    assert_complete_and_valid(&docs);
    let ids: BTreeSet<String> = docs.iter().map(id).collect();
    assert_eq!(ids.len(), docs.len(), "duplicate objects in the build");
    let wt = docs.iter().find(|d| id(d) == "WorkflowTemplate/team-payments/payments-api").unwrap();
    assert_eq!(wt["spec"]["serviceAccountName"], "payments-api");
    assert_eq!(wt["spec"]["onExit"], "notify");
    assert_eq!(wt["spec"]["volumeClaimTemplates"][0]["metadata"]["name"], "workspace");
    let tasks: Vec<&str> = wt["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tasks, ["clone", "deps", "test", "security-scan", "build-image"], "lint is switched off in payments-api");
}

/// Rewrites the example tree so that every spec is its own generator.
fn generator_tree(to: &Path) {
    let from = support::root().join("argo");
    support::copy_tree(&from, &to.join("argo"));
    let workflows = to.join("argo/workflows");
    let mut generators = Vec::new();
    for file in ["platform.yaml", "pipelines/payments-api.yaml", "pipelines/ledger.yaml", "pipelines/fraud-model.yaml"] {
        let path = workflows.join(file);
        let mut spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        spec["metadata"]["annotations"]["config.kubernetes.io/function"] = "exec:\n  path: pipewright\n".into();
        std::fs::write(&path, serde_yaml::to_string(&spec).unwrap()).unwrap();
        generators.push(format!("  - {file}"));
    }
    let kustomization = format!("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ngenerators:\n{}\n", generators.join("\n"));
    std::fs::write(workflows.join("kustomization.yaml"), kustomization).unwrap();
}

#[test]
fn generators_and_transformer_build_the_same_objects() {
    let dir = tempfile::tempdir().unwrap();
    generator_tree(dir.path());
    let (generated_text, docs) = build(&dir.path().join("argo"));
    assert_complete_and_valid(&docs);
    let (transformed_text, _) = build(&support::root().join("argo"));
    assert_eq!(generated_text, transformed_text, "generator and transformer builds differ");
}

#[test]
fn without_enable_exec_kustomize_renders_no_pipelines() {
    // kustomize skips exec functions silently and exits 0: the reason the scaffold needs a guard.
    let run = support::run_in(&support::kustomize(), &["build", "argo"], b"", &support::root());
    let generated = documents(&run.stdout).iter().filter(|d| d["kind"] == "WorkflowTemplate").count();
    assert_eq!(generated, 0, "kustomize ran the function without --enable-exec?");
}
