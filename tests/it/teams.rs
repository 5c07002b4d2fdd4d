//! The teams layout, end to end with the real kustomize: `init --layout teams`, `add team` and
//! `add pipeline` in team folders; every Application root built on its own emits no object
//! another emits, the library only from the platform folder, and each library-reader
//! ClusterRoleBinding from the one team folder of its subject's namespace; `render` and
//! `render --check` walk every root; `argo/applicationset.yaml` and the Applications it makes
//! validate against Argo CD's CRDs; and the migration from the default layout says what it
//! would move, moves it, is a no-op when run again, and keeps every built object.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{self, id, pipewright};

fn ok(run: support::Run, what: &str) -> String {
    assert_eq!(run.code, 0, "{what}: {}\n{}", run.stdout, run.stderr);
    run.stdout
}

/// The identity kustomize and Argo CD refuse to see twice.
fn identity(object: &Value) -> String {
    format!("{}|{}", object["apiVersion"].as_str().unwrap_or("").split('/').next().unwrap_or(""), id(object))
}

/// `kustomize build` of every Application root of a teams-layout repo, by root.
fn build_roots(repo: &Path) -> BTreeMap<String, Vec<Value>> {
    let mut roots = vec!["argo/platform".to_owned()];
    let mut teams: Vec<String> = std::fs::read_dir(repo.join("argo/teams"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| format!("argo/teams/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    teams.sort();
    roots.extend(teams);
    roots
        .into_iter()
        .map(|root| {
            let run = support::kustomize_build(&repo.join(&root));
            assert_eq!(run.code, 0, "kustomize build {root}: {}", run.stderr);
            (root, support::documents(&run.stdout))
        })
        .collect()
}

/// A teams-layout repo: two teams (one operate, with GitHub webhooks), three pipelines, two
/// of them triggered (so their Sensors bind the library reader).
fn scaffolded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    ok(pipewright(&["init", "--layout", "teams"], repo), "init");
    let team = |name: &str, ns: &str, extra: &[&str]| {
        let group = format!("{name}-devs");
        let args = [&["add", "team", name, "--namespace", ns, "--group", &group][..], extra].concat();
        ok(pipewright(&args, repo), "add team");
    };
    team(
        "payments",
        "team-payments",
        &[
            "--access",
            "operate",
            "--events",
            "github",
            "--webhook-secret-name",
            "gh",
            "--webhook-secret-key",
            "secret",
            "--organization",
            "acme",
        ],
    );
    team("risk", "team-risk", &["--events", "webhook", "--auth-secret-name", "webhook-token", "--auth-secret-key", "token"]);
    for (name, ns, toolchain) in [("api", "team-payments", "node"), ("ledger", "team-payments", "go"), ("engine", "team-risk", "python")] {
        let repo_url = format!("https://github.com/acme/{name}.git");
        let image = format!("registry.acme.io/{ns}/{name}");
        let args = ["add", "pipeline", name, "--namespace", ns, "--repo", &repo_url, "--toolchain", toolchain, "--image", &image];
        ok(pipewright(&args, repo), "add pipeline");
    }
    for (ns, name) in [("team-payments", "api"), ("team-risk", "engine")] {
        let path = repo.join(format!("argo/teams/{ns}/pipelines/{name}.yaml"));
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("  triggers:\n    push: {branches: [main]}\n");
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn every_application_root_builds_alone_and_no_object_is_in_two() {
    let dir = scaffolded();
    let repo = dir.path();
    let tree = support::read_tree(repo);
    for file in ["kustomization.yaml", "team.yaml", "pipewright.yaml", "guard.yaml", "pipelines/api.yaml", "pipelines/ledger.yaml"] {
        assert!(
            tree.contains_key(&format!("argo/teams/team-payments/{file}")),
            "argo/teams/team-payments/{file} is missing: {:?}",
            tree.keys()
        );
    }
    assert!(!tree.contains_key("argo/kustomization.yaml"), "the teams layout has no kustomization over everything");
    let team_yaml = &tree["argo/teams/team-payments/team.yaml"];
    assert!(!team_yaml.contains("config.kubernetes.io/function"), "a team folder's Team is a resource, not a generator:\n{team_yaml}");

    let builds = build_roots(repo);
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for (root, objects) in &builds {
        assert!(!objects.is_empty(), "{root} built nothing");
        for object in objects {
            assert_ne!(object["kind"], "PipewrightDidNotRun", "{root} kept the guard");
            assert!(!object["apiVersion"].as_str().unwrap().starts_with("pipewright.dev/"), "{root} emitted a spec");
            if let Some(first) = owner.insert(identity(object), root.clone()) {
                duplicates.push(format!("{} is emitted by {first} and {root}", id(object)));
            }
            let is_library = object["kind"] == "ClusterWorkflowTemplate" || object["kind"] == "ClusterRole";
            assert_eq!(is_library, root == "argo/platform", "{} is built by {root}", id(object));
            if let Some(ns) = object["metadata"]["namespace"].as_str() {
                assert_eq!(format!("argo/teams/{ns}"), *root, "{} is built outside its namespace's folder", id(object));
            }
            if object["kind"] == "ClusterRoleBinding" {
                let subject = object["subjects"][0]["namespace"].as_str().unwrap();
                assert_eq!(
                    format!("argo/teams/{subject}"),
                    *root,
                    "{}: the library reader's binding belongs to its subject's team",
                    id(object)
                );
            }
        }
    }
    assert!(duplicates.is_empty(), "objects in two Applications:\n{}", duplicates.join("\n"));
    let crbs: Vec<&String> = owner.keys().filter(|k| k.contains("ClusterRoleBinding/")).collect();
    assert_eq!(crbs.len(), 3, "the operate team's and two Sensors' bindings: {crbs:?}");
    let union: Vec<Value> = builds.values().flatten().cloned().collect();
    let problems = crate::rbac_checks::check(&union);
    assert!(problems.is_empty(), "RBAC checks failed:\n{}", problems.join("\n"));
    if let Some(shared) = support::shared_argo() {
        let mut problems = crate::argo_checks::check(&shared, &union);
        problems.extend(crate::events_checks::check(&shared, &union));
        assert!(problems.is_empty(), "Argo checks failed:\n{}", problems.join("\n"));
    }

    // lint reads the same tree walk: every root's specs, rendered.
    let lint = pipewright(&["lint"], repo);
    assert_eq!(lint.code, 0, "{}\n{}", lint.stdout, lint.stderr);
    assert!(lint.stdout.contains("0 errors"), "{}", lint.stdout);
    assert!(lint.stdout.contains("ClusterWorkflowTemplate/pipewright-v1-"), "the library was not linted: {}", lint.stdout);

    // render walks every root; what it writes is what the builds make.
    let stdout = ok(pipewright(&["render"], repo), "render");
    assert!(stdout.contains("(3 Application roots)"), "{stdout}");
    let rendered = support::read_tree(&repo.join("rendered"));
    let top = &rendered["kustomization.yaml"];
    assert!(top.contains("  - platform\n  - teams/team-payments\n  - teams/team-risk\n"), "{top}");
    for (root, objects) in &builds {
        let label = root.trim_start_matches("argo/");
        let files: BTreeSet<&String> =
            rendered.keys().filter(|p| p.starts_with(&format!("{label}/")) && !p.ends_with("/kustomization.yaml")).collect();
        assert_eq!(files.len(), objects.len(), "{root}: {files:?}");
    }
    assert!(ok(pipewright(&["render", "--check"], repo), "render --check").contains("is up to date"));
    let engine = repo.join("argo/teams/team-risk/pipelines/engine.yaml");
    std::fs::write(&engine, std::fs::read_to_string(&engine).unwrap().replace("toolchain: python", "toolchain: go")).unwrap();
    let stale = pipewright(&["render", "--check"], repo);
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert!(stale.stdout.contains("b/rendered/teams/team-risk/team-risk/workflowtemplate_engine.yaml"), "{}", stale.stdout);
}

#[test]
fn add_refuses_what_the_teams_layout_cannot_hold() {
    let dir = scaffolded();
    let repo = dir.path();
    let before = support::read_tree(repo);
    let args = [
        "add",
        "pipeline",
        "web",
        "--namespace",
        "team-web",
        "--repo",
        "https://github.com/acme/web.git",
        "--toolchain",
        "node",
        "--no-build-image",
    ];
    let orphan = pipewright(&args, repo);
    assert_eq!(orphan.code, 1);
    assert!(orphan.stderr.contains("no team owns namespace \"team-web\""), "{}", orphan.stderr);
    assert!(orphan.stderr.contains("pipewright add team NAME --namespace team-web --group GROUP"), "{}", orphan.stderr);
    let second = pipewright(&["add", "team", "other", "--namespace", "team-risk", "--group", "x"], repo);
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert!(second.stderr.contains("team.yaml: already exists") || second.stderr.contains("one Team"), "{}", second.stderr);
    let taken = [
        "add",
        "pipeline",
        "api",
        "--namespace",
        "team-payments",
        "--repo",
        "https://github.com/acme/x.git",
        "--toolchain",
        "go",
        "--no-build-image",
    ];
    let run = pipewright(&taken, repo);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(support::read_tree(repo), before, "a refused add wrote something");
    // A spec moved into another namespace's folder is refused by render, naming the folder.
    let ledger = repo.join("argo/teams/team-payments/pipelines/ledger.yaml");
    std::fs::write(&ledger, std::fs::read_to_string(&ledger).unwrap().replace("namespace: team-payments", "namespace: team-risk")).unwrap();
    let render = pipewright(&["render"], repo);
    assert_eq!(render.code, 1);
    assert!(
        render.stderr.contains(
            "Pipeline/team-risk/ledger: metadata.namespace: is \"team-risk\", but the spec is in the team folder of \"team-payments\""
        ),
        "{}",
        render.stderr
    );
}

/// The served version's OpenAPI schema of a CRD in `tests/fixtures/argocd`.
fn crd_schema(file: &str) -> Value {
    let text = std::fs::read_to_string(support::root().join("tests/fixtures/argocd").join(file)).unwrap();
    let crd = support::documents(&text).remove(0);
    let versions = crd["spec"]["versions"].as_array().unwrap();
    let served = versions.iter().find(|v| v["served"] == true && v["storage"] == true).unwrap();
    served["schema"]["openAPIV3Schema"].clone()
}

fn validate(schema: &Value, object: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the CRD schema compiles");
    validator.iter_errors(object).map(|e| format!("{}: {} at {}", id(object), e, e.instance_path())).collect()
}

/// The ApplicationSet's template with a git directory generator's parameters filled in, as
/// Argo CD's Go templates would for `path`.
fn application_for(set: &Value, path: &str) -> Value {
    let basename = path.rsplit('/').next().unwrap();
    let text = serde_json::to_string(&set["spec"]["template"]).unwrap();
    let text = text.replace("{{.path.basename}}", basename).replace("{{.path.path}}", path);
    assert!(!text.contains("{{"), "a template parameter was left: {text}");
    let mut app: Value = serde_json::from_str(&text).unwrap();
    app["apiVersion"] = "argoproj.io/v1alpha1".into();
    app["kind"] = "Application".into();
    app
}

#[test]
fn the_applicationset_and_its_applications_fit_argo_cds_crds() {
    let dir = scaffolded();
    let repo = dir.path();
    let file = std::fs::read_to_string(repo.join("argo/applicationset.yaml")).unwrap();
    let objects = support::documents(&file);
    let (application, set) = (crd_schema("application-crd.yaml"), crd_schema("applicationset-crd.yaml"));
    let platform = objects.iter().find(|o| o["kind"] == "Application").expect("the platform Application");
    let appset = objects.iter().find(|o| o["kind"] == "ApplicationSet").expect("the ApplicationSet");
    let mut problems = validate(&application, platform);
    problems.extend(validate(&set, appset));
    // The schemas reject what they should (so the checks above can fail).
    let mut broken = appset.clone();
    broken["spec"]["generators"][0]["git"]["directories"] = Value::String("argo/teams/*".into());
    assert!(!validate(&set, &broken).is_empty(), "the ApplicationSet schema accepted directories as a string");

    assert_eq!(platform["spec"]["source"]["path"], "argo/platform");
    assert_eq!(platform["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"], "-1", "the library syncs first");
    assert_eq!(appset["spec"]["generators"][0]["git"]["directories"][0]["path"], "argo/teams/*");
    let single = support::documents(&std::fs::read_to_string(support::root().join("deploy/argocd/application.yaml")).unwrap()).remove(0);
    for team in ["team-payments", "team-risk"] {
        let app = application_for(appset, &format!("argo/teams/{team}"));
        problems.extend(validate(&application, &app));
        assert_eq!(app["metadata"]["name"], format!("pipewright-{team}"));
        assert_eq!(app["spec"]["destination"]["namespace"], team, "the destination is the team's namespace");
        let team_yaml = support::documents(&std::fs::read_to_string(repo.join(format!("argo/teams/{team}/team.yaml"))).unwrap()).remove(0);
        assert_eq!(team_yaml["metadata"]["namespace"], team);
        for built in [&app, platform] {
            assert_eq!(built["spec"]["syncPolicy"], single["spec"]["syncPolicy"], "{}: not the single Application's options", id(built));
            assert_eq!(built["spec"]["project"], single["spec"]["project"]);
        }
        let wave = |o: &Value| o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"].as_str().unwrap().parse::<i32>().unwrap();
        assert!(wave(&app) > wave(platform), "a team syncs before the library");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn sorted_json(objects: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = objects.iter().map(|o| serde_json::to_string(o).unwrap()).collect();
    out.sort();
    out
}

#[test]
fn migrating_the_example_tree_keeps_every_object() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    support::copy_tree(&support::root().join("argo"), &repo.join("argo"));
    let before = support::kustomize_build(&repo.join("argo"));
    assert_eq!(before.code, 0, "{}", before.stderr);
    let before = support::documents(&before.stdout);
    let default_tree = support::read_tree(repo);

    // Without --migrate: the plan, and nothing changed.
    let plan = ok(pipewright(&["init", "--layout", "teams"], repo), "init --layout teams");
    assert!(plan.contains("would move   argo/workflows/pipelines/ledger.yaml → argo/teams/team-payments/pipelines/ledger.yaml"), "{plan}");
    assert!(plan.contains("would move   argo/events/teams/risk.yaml → argo/teams/team-risk/team.yaml"), "{plan}");
    assert!(plan.contains("would move   argo/workflows/platform.yaml → argo/platform/platform.yaml"), "{plan}");
    assert!(plan.contains("would remove argo/workflows/kustomization.yaml"), "{plan}");
    assert!(plan.contains("nothing was changed"), "{plan}");
    assert_eq!(support::read_tree(repo), default_tree, "init without --migrate changed the repo");

    let moved = ok(pipewright(&["init", "--layout", "teams", "--migrate"], repo), "init --layout teams --migrate");
    assert!(moved.contains("moved     argo/workflows/pipelines/ledger.yaml → argo/teams/team-payments/pipelines/ledger.yaml"), "{moved}");
    let migrated = support::read_tree(repo);
    assert!(!migrated.keys().any(|k| k.starts_with("argo/workflows/") || k.starts_with("argo/events/")), "{:?}", migrated.keys());
    let ledger = &migrated["argo/teams/team-payments/pipelines/ledger.yaml"];
    assert!(ledger.starts_with("# yaml-language-server: $schema=../../../.schemas/pipeline.json\n"), "{ledger}");
    assert_eq!(ledger.split_once('\n').unwrap().1, default_tree["argo/workflows/pipelines/ledger.yaml"].split_once('\n').unwrap().1);

    // A rerun changes nothing.
    let again = ok(pipewright(&["init", "--layout", "teams", "--migrate"], repo), "rerun");
    assert!(!again.contains("moved") && !again.contains("created") && !again.contains("removed"), "{again}");
    assert_eq!(support::read_tree(repo), migrated, "the rerun changed the repo");

    // Every root built on its own: together exactly the objects of the single build.
    let after: Vec<Value> = build_roots(repo).into_values().flatten().collect();
    assert_eq!(sorted_json(&after), sorted_json(&before), "the migration changed the built objects");
    assert!(ok(pipewright(&["render"], repo), "render").contains(&format!("rendered {} objects", before.len())));
}
