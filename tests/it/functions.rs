//! The function's catalog entry (`functions/pipewright`): its example packages build with the
//! real kustomize (transformer and generators alike) and kpt, and its metadata names them.

use super::kustomize::expected_ids;
use super::support::{self, documents, id, kustomize_build, run_in};
use std::collections::BTreeSet;

fn examples() -> std::path::PathBuf {
    support::root().join("functions/pipewright/examples")
}

#[test]
fn kustomize_examples_build() {
    for (example, pipelines) in
        [("kustomize-transformer", [("team-payments", "payments-api")]), ("kustomize-generator", [("team-payments", "ledger")])]
    {
        let run = kustomize_build(&examples().join(example));
        assert_eq!(run.code, 0, "{example}: {}", run.stderr);
        let docs = documents(&run.stdout);
        let ids: BTreeSet<String> = docs.iter().map(id).collect();
        assert_eq!(ids, expected_ids(&["v1"], &pipelines), "{example}");
        assert_eq!(ids.len(), docs.len(), "{example}: duplicates");
    }
}

#[test]
fn kpt_example_renders_and_is_idempotent() {
    let Some(kpt) = support::kpt() else { return };
    let dir = tempfile::tempdir().unwrap();
    support::copy_tree(&examples().join("kpt-render"), dir.path());
    let args = ["fn", "render", "--allow-exec", dir.path().to_str().unwrap()];
    let first = run_in(&kpt, &args, b"", dir.path());
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let after = support::read_tree(dir.path());
    let generated: BTreeSet<String> = after.keys().filter_map(|k| k.strip_prefix("generated/")).map(str::to_owned).collect();
    let wanted: BTreeSet<String> = expected_ids(&["v1"], &[("team-risk", "fraud-model")])
        .iter()
        .map(|i| {
            let parts: Vec<&str> = i.split('/').collect();
            let (kind, ns, name) = if parts.len() == 3 { (parts[0], parts[1], parts[2]) } else { (parts[0], "_cluster", parts[1]) };
            format!("{ns}/{}_{name}.yaml", kind.to_lowercase())
        })
        .collect();
    assert_eq!(generated, wanted);
    assert!(after["fraud-model.yaml"].contains("config.kubernetes.io/local-config: \"true\""), "{}", after["fraud-model.yaml"]);
    let second = run_in(&kpt, &args, b"", dir.path());
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(after, support::read_tree(dir.path()), "a second render changed the package");
}

#[test]
fn metadata_names_every_example() {
    let root = support::root().join("functions/pipewright");
    let metadata: serde_json::Value = serde_yaml::from_str(&std::fs::read_to_string(root.join("metadata.yaml")).unwrap()).unwrap();
    let urls: Vec<&str> = metadata["examplePackageURLs"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    let mut names: Vec<String> =
        std::fs::read_dir(examples()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names.len(), urls.len(), "{names:?} vs {urls:?}");
    for name in &names {
        assert!(urls.iter().any(|u| u.ends_with(&format!("/examples/{name}"))), "metadata.yaml does not list {name}");
    }
    assert!(metadata["image"].as_str().unwrap().contains("pipewright"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for name in &names {
        assert!(readme.contains(&format!("examples/{name}")), "the README does not show {name}");
    }
}
