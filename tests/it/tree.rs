//! Commands that write files, tested as whole trees: `init`, `add` and `render` run in temp
//! dirs, and the resulting tree is snapshotted (missing and extra files both fail).

use super::support::{self, Run, pipewright, read_tree};
use std::path::Path;

/// The tree under `dir` as one text: each file's path, then its contents. The schemas that
/// `init` writes are checked against `pipewright schema KIND` and shown by reference, so the
/// schema itself is reviewed in one snapshot only (`schema.rs`).
pub fn tree_text(dir: &Path) -> String {
    let mut out = String::new();
    for (path, contents) in read_tree(dir) {
        out.push_str(&format!("=== {path}\n"));
        match path.strip_prefix("argo/.schemas/").and_then(|f| f.strip_suffix(".json")) {
            Some(kind) => {
                let printed = pipewright(&["schema", kind], dir);
                assert_eq!(printed.code, 0, "{}", printed.stderr);
                assert_eq!(contents, printed.stdout, "{path} differs from `pipewright schema {kind}`");
                out.push_str(&format!("(the output of `pipewright schema {kind}`)\n"));
            }
            None => out.push_str(&contents),
        }
    }
    out
}

fn ok(run: Run) -> Run {
    assert_eq!(run.code, 0, "exit {}:\n{}{}", run.code, run.stdout, run.stderr);
    run
}

/// A fresh repo with `init` run in it.
pub fn initialized() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(pipewright(&["init"], dir.path()));
    dir
}

/// `add pipeline` with the given name, namespace and toolchain.
pub fn add(dir: &Path, name: &str, namespace: &str, toolchain: &str) -> Run {
    let repo = format!("https://github.com/acme/{name}.git");
    let image = format!("registry.acme.io/{namespace}/{name}");
    pipewright(&["add", "pipeline", name, "--namespace", namespace, "--repo", &repo, "--toolchain", toolchain, "--image", &image], dir)
}

#[test]
fn init_scaffolds_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let run = ok(pipewright(&["init"], dir.path()));
    insta::assert_snapshot!("init_stdout", run.stdout);
    insta::assert_snapshot!("init_tree", tree_text(dir.path()));
    for (path, contents) in read_tree(dir.path()) {
        if contents.contains("apiVersion: pipewright.dev/") {
            assert!(contents.starts_with("# yaml-language-server: $schema="), "{path} does not start with the schema line");
        }
    }
}

#[test]
fn init_into_a_named_dir_from_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    ok(pipewright(&["init", "repo"], dir.path()));
    let run = ok(pipewright(&["init", "repo"], dir.path()));
    assert!(run.stdout.contains("unchanged repo/argo/workflows/platform.yaml"), "{}", run.stdout);
    assert!(dir.path().join("repo/argo/kustomization.yaml").is_file());
}

#[test]
fn init_twice_changes_nothing() {
    let dir = initialized();
    let before = read_tree(dir.path());
    let run = ok(pipewright(&["init"], dir.path()));
    assert_eq!(before, read_tree(dir.path()));
    assert!(run.stdout.lines().filter(|l| !l.starts_with("next:")).all(|l| l.starts_with("unchanged ")), "{}", run.stdout);
}

#[test]
fn init_overwrites_only_with_force() {
    let dir = initialized();
    let platform = dir.path().join("argo/workflows/platform.yaml");
    let edited = std::fs::read_to_string(&platform).unwrap().replace("failOn: HIGH", "failOn: CRITICAL");
    std::fs::write(&platform, &edited).unwrap();
    std::fs::remove_file(dir.path().join("argo/events/README.md")).unwrap();

    let run = ok(pipewright(&["init"], dir.path()));
    insta::assert_snapshot!("init_keeps_edits_stdout", run.stdout);
    assert_eq!(std::fs::read_to_string(&platform).unwrap(), edited, "init overwrote an edited file without --force");
    assert!(dir.path().join("argo/events/README.md").is_file(), "init did not restore a missing file");

    let run = ok(pipewright(&["init", "--force"], dir.path()));
    assert!(run.stdout.contains("replaced  argo/workflows/platform.yaml"), "{}", run.stdout);
    assert!(std::fs::read_to_string(&platform).unwrap().contains("failOn: HIGH"));
}

#[test]
fn add_writes_the_spec_and_keeps_the_kustomization_comments() {
    let dir = initialized();
    let kustomization = dir.path().join("argo/workflows/kustomization.yaml");
    let with_comment = std::fs::read_to_string(&kustomization).unwrap().replace("transformers:", "# a team's own note\ntransformers:");
    std::fs::write(&kustomization, with_comment).unwrap();
    let first = ok(add(dir.path(), "payments-api", "team-payments", "node"));
    insta::assert_snapshot!("add_stdout", first.stdout);
    // From inside the tree, too: add finds the repo root above the current directory.
    let inside = dir.path().join("argo/workflows");
    ok(pipewright(
        &[
            "add",
            "pipeline",
            "ledger",
            "--repo",
            "git@github.com:acme/ledger.git",
            "--toolchain",
            "go",
            "--image",
            "registry.acme.io/ledger",
        ],
        &inside,
    ));
    insta::assert_snapshot!("add_tree", tree_text(dir.path()));
}

#[test]
fn add_refuses_an_existing_name_and_leaves_the_tree_alone() {
    let dir = initialized();
    ok(add(dir.path(), "api", "team-a", "node"));
    let before = read_tree(dir.path());
    let again = add(dir.path(), "api", "team-a", "go");
    assert_eq!(again.code, 1);
    assert_eq!(
        again.stderr,
        "pipewright: error: Pipeline/team-a/api: metadata.name: Pipeline/team-a/api is declared twice (first in argo/workflows/pipelines/api.yaml): each namespace and name may appear only once\n"
    );
    assert_eq!(before, read_tree(dir.path()), "a refused add changed the tree");
    // A file that is not that spec, in the way of the new one.
    std::fs::write(dir.path().join("argo/workflows/pipelines/web.yaml"), "# notes\n").unwrap();
    let blocked = add(dir.path(), "web", "team-a", "go");
    assert_eq!(blocked.code, 1);
    assert_eq!(
        blocked.stderr,
        "pipewright: error: argo/workflows/pipelines/web.yaml: already exists: choose another name, or edit that file\n"
    );
}

#[test]
fn add_puts_a_name_taken_in_another_namespace_under_that_namespace() {
    let dir = initialized();
    ok(add(dir.path(), "api", "team-a", "node"));
    let other = ok(add(dir.path(), "api", "team-b", "go"));
    assert_eq!(
        other.stdout,
        "created   argo/workflows/pipelines/team-b/api.yaml\nupdated   argo/workflows/kustomization.yaml (resources: + pipelines/team-b/api.yaml)\n"
    );
    let spec = std::fs::read_to_string(dir.path().join("argo/workflows/pipelines/team-b/api.yaml")).unwrap();
    assert!(spec.starts_with("# yaml-language-server: $schema=../../../.schemas/pipeline.json\n"), "{spec}");
    assert!(spec.contains("  namespace: team-b\n"), "{spec}");
    // The same namespace again is a duplicate, whichever file holds it.
    let before = read_tree(dir.path());
    let again = add(dir.path(), "api", "team-b", "go");
    assert_eq!(
        again.stderr,
        "pipewright: error: Pipeline/team-b/api: metadata.name: Pipeline/team-b/api is declared twice (first in argo/workflows/pipelines/team-b/api.yaml): each namespace and name may appear only once\n"
    );
    assert_eq!(before, read_tree(dir.path()), "a refused add changed the tree");
    // Teams follow the same rule.
    ok(add_team(dir.path(), "payments", "team-payments", "payments-devs"));
    let run = ok(pipewright(&["add", "team", "payments", "--namespace", "team-other", "--group", "x"], dir.path()));
    assert!(run.stdout.starts_with("created   argo/events/teams/team-other/payments.yaml\n"), "{}", run.stdout);
}

#[test]
fn add_does_not_list_a_file_twice() {
    let dir = initialized();
    let kustomization = dir.path().join("argo/workflows/kustomization.yaml");
    let text = std::fs::read_to_string(&kustomization).unwrap().replace("  - guard.yaml\n", "  - guard.yaml\n  - ./pipelines/api.yaml\n");
    std::fs::write(&kustomization, &text).unwrap();
    let run = ok(add(dir.path(), "api", "team-a", "node"));
    assert_eq!(
        run.stdout,
        "created   argo/workflows/pipelines/api.yaml\nunchanged argo/workflows/kustomization.yaml (resources already lists pipelines/api.yaml)\n"
    );
    assert_eq!(std::fs::read_to_string(&kustomization).unwrap(), text);
}

#[test]
fn add_refuses_while_a_tree_file_cannot_be_read() {
    // A file add cannot read may hold the name: the duplicate check must not be skipped.
    let dir = initialized();
    std::fs::write(dir.path().join("argo/events/broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n").unwrap();
    let events = dir.path().join("argo/events/kustomization.yaml");
    std::fs::write(&events, std::fs::read_to_string(&events).unwrap().replace("resources: []", "resources:\n  - broken.yaml")).unwrap();
    std::fs::write(
        dir.path().join("argo/workflows/hand.yaml"),
        "apiVersion: pipewright.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: web, namespace: team-a}\nspec: {repo: https://github.com/acme/web.git, toolchain: node, image: registry.acme.io/web}\n",
    )
    .unwrap();
    let workflows = dir.path().join("argo/workflows/kustomization.yaml");
    std::fs::write(&workflows, std::fs::read_to_string(&workflows).unwrap().replace("  - guard.yaml\n", "  - guard.yaml\n  - hand.yaml\n"))
        .unwrap();
    let before = read_tree(dir.path());
    let run = add(dir.path(), "web", "team-a", "node");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(lines[0].starts_with("pipewright: error: argo/events/broken.yaml: cannot be read: "), "{}", run.stderr);
    assert_eq!(
        lines[1],
        "pipewright: error: Pipeline/team-a/web: cannot tell whether the name is taken while the tree has files that cannot be read (above): fix them, then run add again"
    );
    assert_eq!(before, read_tree(dir.path()), "a refused add changed the tree");
    // Once the file reads, the duplicate is caught.
    std::fs::write(dir.path().join("argo/events/broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n").unwrap();
    let run = add(dir.path(), "web", "team-a", "node");
    assert!(run.stderr.contains("Pipeline/team-a/web is declared twice"), "{}", run.stderr);
}

#[test]
fn add_pipeline_without_an_image_switches_the_build_off() {
    let dir = initialized();
    let args = ["add", "pipeline", "lib", "--namespace", "team-a", "--repo", "https://github.com/acme/lib.git", "--toolchain", "go"];
    let without = pipewright(&args, dir.path());
    assert_eq!(without.code, 1);
    assert!(without.stderr.ends_with("(with `pipewright add pipeline`: pass --image REPO, or --no-build-image)\n"), "{}", without.stderr);
    let run = ok(pipewright(&[&args[..], &["--no-build-image"]].concat(), dir.path()));
    assert!(run.stdout.starts_with("created   argo/workflows/pipelines/lib.yaml\n"), "{}", run.stdout);
    let spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.path().join("argo/workflows/pipelines/lib.yaml")).unwrap()).unwrap();
    assert_eq!(spec["spec"]["steps"], serde_json::json!({"build-image": false}));
    assert!(spec["spec"].get("image").is_none());
    let both = pipewright(&[&args[..], &["--no-build-image", "--image", "registry.acme.io/lib"]].concat(), dir.path());
    assert_eq!(both.code, 2, "{}", both.stderr);
}

#[test]
fn init_force_keeps_what_add_listed() {
    let dir = initialized();
    ok(add(dir.path(), "payments-api", "team-payments", "node"));
    ok(add_team(dir.path(), "payments", "team-payments", "payments-devs"));
    let before = read_tree(dir.path());
    let run = ok(pipewright(&["init", "--force"], dir.path()));
    assert!(
        run.stdout.contains("kept      argo/workflows/kustomization.yaml (lists every scaffold entry; your entries stay)\n"),
        "{}",
        run.stdout
    );
    assert_eq!(before, read_tree(dir.path()), "init --force changed a tree that has every scaffold file");
    // A kustomization that lost a scaffold entry gets it back, and keeps the rest.
    let workflows = dir.path().join("argo/workflows/kustomization.yaml");
    let text = std::fs::read_to_string(&workflows).unwrap();
    std::fs::write(&workflows, text.replace("  - guard.yaml\n", "")).unwrap();
    let run = ok(pipewright(&["init"], dir.path()));
    assert!(run.stdout.contains("kept      argo/workflows/kustomization.yaml (lacks the scaffold's entries resources: guard.yaml: --force adds them back, keeping yours)\n"), "{}", run.stdout);
    let run = ok(pipewright(&["init", "--force"], dir.path()));
    assert!(
        run.stdout.contains("updated   argo/workflows/kustomization.yaml (resources: + guard.yaml; your entries and comments stay)\n"),
        "{}",
        run.stdout
    );
    let text = std::fs::read_to_string(&workflows).unwrap();
    assert!(text.contains("  - pipelines/payments-api.yaml\n  - guard.yaml\n"), "{text}");
    // The build still holds the pipeline and the team.
    let build = support::run_in(&support::kustomize(), &["build", "--enable-alpha-plugins", "--enable-exec", "argo"], b"", dir.path());
    assert_eq!(build.code, 0, "{}", build.stderr);
    let ids: Vec<String> = support::documents(&build.stdout).iter().map(support::id).collect();
    for wanted in [
        "WorkflowTemplate/team-payments/payments-api",
        "ServiceAccount/team-payments/payments-api",
        "ServiceAccount/team-payments/payments.team",
        "EventSource/team-payments/pipewright-git",
    ] {
        assert!(ids.contains(&wanted.to_owned()), "{wanted} is missing after init --force: {ids:?}");
    }
    assert!(!ids.iter().any(|i| i.starts_with("PipewrightDidNotRun/")), "{ids:?}");
}

/// `add team` with GitHub webhooks for one repository.
pub fn add_team(dir: &Path, name: &str, namespace: &str, group: &str) -> Run {
    let repository = format!("acme/{name}-api");
    pipewright(
        &[
            "add",
            "team",
            name,
            "--namespace",
            namespace,
            "--group",
            group,
            "--access",
            "operate",
            "--events",
            "github",
            "--webhook-secret-name",
            "github-webhook",
            "--webhook-secret-key",
            "secret",
            "--repository",
            &repository,
        ],
        dir,
    )
}

/// The function's own stderr for a ResourceList holding one Pipeline.
fn function_errors(spec: serde_json::Value) -> String {
    function_errors_for(vec![spec])
}

/// The function's own stderr for a ResourceList holding `items`.
fn function_errors_for(items: Vec<serde_json::Value>) -> String {
    let list = serde_json::json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items});
    let run = support::function(serde_yaml::to_string(&list).unwrap().as_bytes());
    assert_eq!(run.code, 1, "the function accepted {list}");
    run.stderr
}

#[test]
fn add_refuses_what_the_function_refuses_with_the_same_messages() {
    let dir = initialized();
    let before = read_tree(dir.path());
    let cases = [
        ("Payments_API", "team-a", "https://github.com/acme/a.git", "node", Some("registry.acme.io/a")),
        ("api", "team-a", "https://user:token@github.com/acme/a.git", "node", Some("registry.acme.io/a")),
        ("api", "team-a", "https://github.com/acme/a.git", "cobol", Some("registry.acme.io/a")),
        ("api", "Team A", "https://github.com/acme/a.git", "go", Some("registry.acme.io/a:1.0")),
        ("api", "team-a", "https://github.com/acme/a.git", "go", None),
    ];
    for (name, namespace, repo, toolchain, image) in cases {
        let mut args = vec!["add", "pipeline", name, "--namespace", namespace, "--repo", repo, "--toolchain", toolchain];
        let mut spec = serde_json::json!({"apiVersion": "pipewright.dev/v1alpha1", "kind": "Pipeline",
            "metadata": {"name": name, "namespace": namespace}, "spec": {"repo": repo, "toolchain": toolchain}});
        if let Some(image) = image {
            args.extend(["--image", image]);
            spec["spec"]["image"] = image.into();
        }
        let run = pipewright(&args, dir.path());
        assert_eq!(run.code, 1, "add accepted {args:?}");
        assert!(!run.stderr.is_empty());
        let mut expected = function_errors(spec);
        if image.is_none() {
            // add names the flags that set the field.
            expected = expected.replace("\n", " (with `pipewright add pipeline`: pass --image REPO, or --no-build-image)\n");
        }
        assert_eq!(run.stderr, expected, "add and the function disagree on {args:?}");
    }
    assert_eq!(before, read_tree(dir.path()), "a refused add changed the tree");
}

#[test]
fn add_team_writes_the_spec_and_lists_it_as_a_generator_keeping_comments() {
    let dir = initialized();
    let kustomization = dir.path().join("argo/events/kustomization.yaml");
    let with_comment = std::fs::read_to_string(&kustomization).unwrap() + "# hand-written Argo Events objects go above\n";
    std::fs::write(&kustomization, with_comment).unwrap();
    let first = ok(add_team(dir.path(), "payments", "team-payments", "payments-devs"));
    insta::assert_snapshot!("add_team_stdout", first.stdout);
    // From inside the tree, with two groups, default access and an authenticated generic webhook.
    let inside = dir.path().join("argo/events");
    ok(pipewright(
        &[
            "add",
            "team",
            "risk",
            "--namespace",
            "team-risk",
            "--group",
            "risk-engineers",
            "--group",
            "risk-oncall",
            "--events",
            "webhook",
            "--auth-secret-name",
            "webhook-token",
            "--auth-secret-key",
            "token",
        ],
        &inside,
    ));
    ok(pipewright(&["add", "team", "web", "--namespace", "team-web", "--group", "web-devs"], dir.path()));
    insta::assert_snapshot!("add_team_tree", tree_text(dir.path()));
    let text = std::fs::read_to_string(&kustomization).unwrap();
    assert!(text.starts_with("# What starts pipelines") && text.contains("# hand-written Argo Events objects go above\n"), "{text}");
}

#[test]
fn add_team_refuses_what_the_function_refuses_with_the_same_messages() {
    let dir = initialized();
    ok(add_team(dir.path(), "payments", "team-payments", "payments-devs"));
    let existing: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.path().join("argo/events/teams/payments.yaml")).unwrap()).unwrap();
    let before = read_tree(dir.path());
    let team = |name: &str, namespace: &str, group: &str| {
        serde_json::json!({"apiVersion": "pipewright.dev/v1alpha1", "kind": "Team",
            "metadata": {"name": name, "namespace": namespace, "annotations": {"config.kubernetes.io/function": "exec:\n  path: pipewright\n"}},
            "spec": {"groups": [group]}})
    };
    let cases = [
        ("risk", "team-risk", "a' || true", vec![]),
        ("Risk_Team", "Team Risk", "risk", vec![]),
        ("other", "team-payments", "other-devs", vec![existing.clone()]),
        ("payments", "team-payments", "payments-devs", vec![existing]),
    ];
    for (name, namespace, group, mut items) in cases {
        let run = pipewright(&["add", "team", name, "--namespace", namespace, "--group", group], dir.path());
        assert_eq!(run.code, 1, "add team accepted {name} {namespace} {group}");
        assert!(!run.stderr.is_empty());
        items.push(team(name, namespace, group));
        assert_eq!(run.stderr, function_errors_for(items), "add team and the function disagree on {name} {namespace} {group}");
    }
    assert_eq!(before, read_tree(dir.path()), "a refused add changed the tree");
}

#[test]
fn render_writes_one_file_per_object_and_a_kustomization() {
    let dir = initialized();
    ok(add(dir.path(), "payments-api", "team-payments", "node"));
    let run = ok(pipewright(&["render"], dir.path()));
    let count = super::kustomize::expected_ids(&["v1"], &[("team-payments", "payments-api")]).len();
    assert_eq!(run.stdout, format!("rendered {count} objects from argo into rendered\n"));
    let rendered = read_tree(&dir.path().join("rendered"));
    let listing: Vec<&str> = rendered.keys().map(String::as_str).collect();
    insta::assert_snapshot!("render_tree", format!("{}\n=== kustomization.yaml\n{}", listing.join("\n"), rendered["kustomization.yaml"]));
    // Self-check: the rendered files, and the tree rendered in memory, lint without error.
    let (run, report) = super::lint::lint_json(&["rendered"], b"", dir.path());
    assert_eq!((run.code, super::lint::errors(&report)), (0, Vec::new()), "{}", run.stderr);
    let (run, report) = super::lint::lint_json(&[], b"", dir.path());
    assert_eq!((run.code, super::lint::errors(&report)), (0, Vec::new()), "{}", run.stderr);
    assert_eq!(report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "WorkflowTemplate").count(), 0);
    for (path, text) in &rendered {
        let doc: serde_json::Value = serde_yaml::from_str(text).unwrap();
        if path != "kustomization.yaml" {
            let (ns, file) = path.split_once('/').unwrap();
            assert_eq!(doc["metadata"]["namespace"].as_str().unwrap_or("_cluster"), ns, "{path}");
            assert_eq!(
                format!("{}_{}.yaml", doc["kind"].as_str().unwrap().to_lowercase(), doc["metadata"]["name"].as_str().unwrap()),
                file,
                "{path}"
            );
        }
    }
}

#[test]
fn render_writes_nothing_when_the_input_is_wrong() {
    let dir = initialized();
    ok(add(dir.path(), "api", "team-a", "node"));
    ok(pipewright(&["render"], dir.path()));
    let good = read_tree(&dir.path().join("rendered"));
    let spec = dir.path().join("argo/workflows/pipelines/api.yaml");
    std::fs::write(&spec, std::fs::read_to_string(&spec).unwrap().replace("toolchain: node", "toolchain: nodejs")).unwrap();
    let run = pipewright(&["render"], dir.path());
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "pipewright: error: argo/workflows/pipelines/api.yaml: Pipeline/team-a/api: spec.toolchain: unknown value \"nodejs\", did you mean \"node\"? (valid: \"node\", "
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_eq!(good, read_tree(&dir.path().join("rendered")), "a failed render changed the rendered tree");
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().starts_with('.')).collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

#[test]
fn render_refuses_a_directory_it_did_not_write() {
    let dir = initialized();
    std::fs::create_dir_all(dir.path().join("manifests")).unwrap();
    std::fs::write(dir.path().join("manifests/keep.yaml"), "precious: true\n").unwrap();
    let run = pipewright(&["render", "--out", "manifests"], dir.path());
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("manifests exists and was not written by `pipewright render`"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("manifests/keep.yaml")).unwrap(), "precious: true\n");
}

#[test]
fn render_reports_what_it_cannot_reproduce() {
    let dir = initialized();
    let kustomization = dir.path().join("argo/kustomization.yaml");
    let text = std::fs::read_to_string(&kustomization).unwrap() + "namePrefix: prod-\nresources2: []\n";
    std::fs::write(&kustomization, text).unwrap();
    let run = pipewright(&["render"], dir.path());
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("render_unsupported_stderr", run.stderr);
    assert!(!dir.path().join("rendered").exists());
}

#[test]
fn install_copies_the_running_binary() {
    let dir = tempfile::tempdir().unwrap();
    let run = ok(pipewright(&["install", "tools/bin"], dir.path()));
    assert_eq!(run.stdout, "installed tools/bin/pipewright\n");
    let installed = dir.path().join("tools/bin/pipewright");
    assert_eq!(std::fs::read(&installed).unwrap(), std::fs::read(support::bin()).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&installed).unwrap().permissions().mode() & 0o777, 0o755);
    }
    let version = support::run_in(&installed, &["--version"], b"", dir.path());
    assert_eq!(version.code, 0);
    assert!(version.stdout.starts_with("pipewright "), "{}", version.stdout);
}

/// `add pipeline` writes what its flags say: context dir, revision, push branches, tags, pull
/// requests, schedule and the clone's Secret, as the spec's own fields, and the tree renders.
#[test]
fn add_pipeline_flags_write_the_spec() {
    let repo = initialized();
    let dir = repo.path();
    let args = [
        "add",
        "pipeline",
        "api",
        "--namespace",
        "team",
        "--repo",
        "https://gitlab.acme.io/team/api.git",
        "--toolchain",
        "go",
        "--image",
        "registry.acme.io/team/api",
        "--context-dir",
        "services/api",
        "--revision",
        "develop",
        "--push",
        "main",
        "--push",
        "release/*",
        "--tags",
        "--pull-requests",
        "--schedule",
        "0 3 * * *",
        "--git-token-secret",
        "gitlab-token.token",
    ];
    ok(pipewright(&args, dir));
    let text = std::fs::read_to_string(dir.join("argo/workflows/pipelines/api.yaml")).unwrap();
    let spec: serde_json::Value = serde_yaml::from_str::<serde_json::Value>(&text).unwrap()["spec"].clone();
    assert_eq!(
        spec,
        serde_json::json!({
            "repo": "https://gitlab.acme.io/team/api.git", "toolchain": "go", "image": "registry.acme.io/team/api",
            "contextDir": "services/api", "revision": "develop",
            "git": {"https": {"name": "gitlab-token", "key": "token"}},
            "triggers": {"push": {"branches": ["main", "release/*"]}, "tags": true, "pullRequests": true, "schedule": "0 3 * * *"}
        })
    );
    ok(pipewright(&["render"], dir));
    let ssh = [
        "add",
        "pipeline",
        "web",
        "--namespace",
        "team",
        "--repo",
        "git@github.com:acme/web.git",
        "--toolchain",
        "node",
        "--no-build-image",
        "--git-ssh-secret",
        "web-deploy-key",
    ];
    ok(pipewright(&ssh, dir));
    let text = std::fs::read_to_string(dir.join("argo/workflows/pipelines/web.yaml")).unwrap();
    let spec: serde_json::Value = serde_yaml::from_str::<serde_json::Value>(&text).unwrap()["spec"].clone();
    assert_eq!(spec["git"], serde_json::json!({"ssh": {"name": "web-deploy-key"}}));
    let both = pipewright(
        &[
            "add",
            "pipeline",
            "x",
            "--repo",
            "https://a.io/x.git",
            "--toolchain",
            "go",
            "--no-build-image",
            "--git-token-secret",
            "a",
            "--git-ssh-secret",
            "b",
        ],
        dir,
    );
    assert_eq!(both.code, 2, "{}", both.stderr);
    let bad = pipewright(
        &["add", "pipeline", "y", "--repo", "https://a.io/y.git", "--toolchain", "go", "--no-build-image", "--schedule", "61 * * * *"],
        dir,
    );
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("spec.triggers.schedule: \"61 * * * *\": minute field"), "{}", bad.stderr);
}
