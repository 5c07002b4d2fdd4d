//! kpt: `kpt fn eval --exec` writes generated objects into the package, keeps the specs as
//! local-config files, and a second run changes nothing. Skipped when kpt is absent.

use super::support::{self, read_tree, run_in};

fn package() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let workflows = support::root().join("argo/workflows");
    support::copy_tree(&workflows, dir.path());
    support::copy_tree(&support::root().join("argo/events/teams"), &dir.path().join("teams"));
    std::fs::remove_file(dir.path().join("kustomization.yaml")).unwrap();
    std::fs::remove_file(dir.path().join("README.md")).unwrap();
    std::fs::write(dir.path().join("Kptfile"), "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: workflows\n").unwrap();
    dir
}

#[test]
fn kpt_fn_eval_generates_into_the_package_and_is_idempotent() {
    let Some(kpt) = support::kpt() else { return };
    let pkg = package();
    let bin = support::bin();
    let args = ["fn", "eval", pkg.path().to_str().unwrap(), "--exec", bin.to_str().unwrap()];
    let first = run_in(&kpt, &args, b"", &support::root());
    assert_eq!(first.code, 0, "kpt fn eval failed:\n{}{}", first.stdout, first.stderr);
    let after_first = read_tree(pkg.path());
    let wt = after_first.get("generated/team-payments/workflowtemplate_payments-api.yaml").expect("generated WorkflowTemplate file");
    assert!(wt.contains("kind: WorkflowTemplate") && wt.contains("templateRef:"), "{wt}");
    assert!(after_first.contains_key("generated/_cluster/clusterworkflowtemplate_pipewright-v1-git.yaml"));
    for team_file in ["eventsource_pipewright-git.yaml", "eventbus_default.yaml", "serviceaccount_payments.team.yaml", "sensor_ledger.yaml"]
    {
        assert!(after_first.contains_key(&format!("generated/team-payments/{team_file}")), "no {team_file}: {:?}", after_first.keys());
    }
    let spec = &after_first["pipelines/ledger.yaml"];
    assert!(spec.contains("# yaml-language-server: $schema="), "kpt lost the spec file's comments:\n{spec}");
    assert!(
        spec.contains("config.kubernetes.io/local-config: \"true\"") || spec.contains("config.kubernetes.io/local-config: 'true'"),
        "{spec}"
    );
    let second = run_in(&kpt, &args, b"", &support::root());
    assert_eq!(second.code, 0, "second kpt fn eval failed:\n{}", second.stderr);
    assert_eq!(after_first, read_tree(pkg.path()), "a second run changed the package");

    // Deleting a spec prunes its generated objects.
    std::fs::remove_file(pkg.path().join("pipelines/ledger.yaml")).unwrap();
    let third = run_in(&kpt, &args, b"", &support::root());
    assert_eq!(third.code, 0, "{}", third.stderr);
    let after_delete = read_tree(pkg.path());
    assert!(!after_delete.keys().any(|k| k.contains("ledger")), "ledger's objects survived: {:?}", after_delete.keys());
    assert!(after_delete.contains_key("generated/team-payments/workflowtemplate_payments-api.yaml"));
}

#[test]
fn kpt_fn_render_runs_the_kptfile_pipeline_and_is_idempotent() {
    let Some(kpt) = support::kpt() else { return };
    let pkg = package();
    let kptfile = format!(
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: workflows\npipeline:\n  mutators:\n    - exec: {}\n",
        support::bin().display()
    );
    std::fs::write(pkg.path().join("Kptfile"), kptfile).unwrap();
    let args = ["fn", "render", pkg.path().to_str().unwrap(), "--allow-exec"];
    let first = run_in(&kpt, &args, b"", &support::root());
    assert_eq!(first.code, 0, "kpt fn render failed:\n{}{}", first.stdout, first.stderr);
    let after_first = read_tree(pkg.path());
    let role = after_first.get("generated/team-risk/role_fraud-model.yaml").expect("generated Role file");
    assert!(role.contains("workflowtaskresults") && role.contains("- patch"), "{role}");
    let second = run_in(&kpt, &args, b"", &support::root());
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(after_first, read_tree(pkg.path()), "a second render changed the package");
}
