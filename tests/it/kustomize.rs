//! End to end with the real kustomize: the example `argo/` tree, built with pipewright as a
//! transformer (as committed) and as generators (one process per spec), must emit exactly
//! the expected objects, each valid for Argo, with every reference resolved.

use super::support::{self, documents, id, kustomize_build};
use super::{argo_checks, events_checks, rbac_checks};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// One Pipeline per toolchain, a private repository over SSH (fraud-model) and HTTPS
/// (risk-engine), and a monorepo subproject (checkout-web).
pub const PIPELINES: [(&str, &str); 9] = [
    ("team-payments", "payments-api"),
    ("team-payments", "ledger"),
    ("team-risk", "fraud-model"),
    ("team-web", "checkout-web"),
    ("team-payments", "billing"),
    ("team-payments", "accounts"),
    ("team-risk", "risk-engine"),
    ("team-payments", "invoicing"),
    ("team-web", "docs-site"),
];
/// Pipelines whose cache is off: they get no cache claim.
const WITHOUT_CACHE: [&str; 1] = ["docs-site"];
const LIBRARY: [&str; 14] = [
    "git",
    "node",
    "python",
    "go",
    "maven",
    "gradle",
    "rust",
    "dotnet",
    "generic",
    "security",
    "image",
    "notify",
    "analysis",
    "supply-chain",
];
/// The example Platform installs two library versions side by side.
const VERSIONS: [&str; 2] = ["v1", "v2"];
/// The pipelines with git triggers (and so a Sensor); ledger also has a schedule.
const TRIGGERED: [(&str, &str); 3] = [("team-payments", "payments-api"), ("team-payments", "ledger"), ("team-risk", "fraud-model")];
/// The pipelines that pull requests trigger: their runs get a cache claim of their own.
const WITH_PULL_REQUESTS: [(&str, &str); 2] = [("team-payments", "payments-api"), ("team-risk", "fraud-model")];
/// The example tree's Teams, one per namespace: namespace, name, whether it receives webhooks, whether it operates.
const TEAMS: [(&str, &str, bool, bool); 3] =
    [("team-payments", "payments", true, true), ("team-risk", "risk", true, false), ("team-web", "web", false, false)];

/// The objects a build emits for a Platform that installs the library `versions` and for these
/// pipelines (with a cache claim unless listed in `WITHOUT_CACHE`), as `Kind/namespace/name`.
pub fn expected_ids(versions: &[&str], pipelines: &[(&str, &str)]) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> =
        versions.iter().flat_map(|v| LIBRARY.iter().map(move |f| format!("ClusterWorkflowTemplate/pipewright-{v}-{f}"))).collect();
    ids.insert("ClusterRole/pipewright-library-reader".into());
    for (ns, name) in pipelines {
        for kind in ["WorkflowTemplate", "ServiceAccount", "Role", "RoleBinding"] {
            ids.insert(format!("{kind}/{ns}/{name}"));
        }
        ids.insert(format!("Secret/{ns}/{name}.service-account-token"));
        if !WITHOUT_CACHE.contains(name) {
            ids.insert(format!("PersistentVolumeClaim/{ns}/{name}-cache"));
        }
    }
    ids
}

/// The objects the example tree emits: its library versions and pipelines, their triggers, and its Teams.
fn example_ids() -> BTreeSet<String> {
    let mut ids = expected_ids(&VERSIONS, &PIPELINES);
    for (ns, name) in TRIGGERED {
        ids.insert(format!("Sensor/{ns}/{name}"));
        for kind in ["ServiceAccount", "Role", "RoleBinding"] {
            ids.insert(format!("{kind}/{ns}/{name}.sensor"));
        }
        ids.insert(format!("ClusterRoleBinding/pipewright-library-reader.{ns}.{name}.sensor"));
    }
    ids.insert("CronWorkflow/team-payments/ledger".into());
    for (ns, name) in WITH_PULL_REQUESTS {
        ids.insert(format!("PersistentVolumeClaim/{ns}/{name}-cache-pr"));
    }
    for (ns, team, events, operate) in TEAMS {
        for kind in ["ServiceAccount", "Role", "RoleBinding"] {
            ids.insert(format!("{kind}/{ns}/{team}.team"));
        }
        ids.insert(format!("Secret/{ns}/{team}.team.service-account-token"));
        if operate {
            ids.insert(format!("ClusterRoleBinding/pipewright-library-reader.{ns}.{team}.team"));
        }
        if events {
            ids.insert(format!("EventSource/{ns}/pipewright-git"));
            ids.insert(format!("EventBus/{ns}/default"));
        }
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
    let expected = example_ids();
    let missing: Vec<_> = expected.difference(&ids).collect();
    assert!(missing.is_empty(), "missing from the build: {missing:?}");
    let unexpected: Vec<_> = ids.difference(&expected).collect();
    assert!(unexpected.is_empty(), "unexpected in the build: {unexpected:?}");
    // Every claim a WorkflowTemplate mounts (the dependency cache, named by its `cache_claim`
    // argument) is in the same build, both the default and what each Sensor passes; pull
    // requests never get the claim that trusted runs mount.
    for wt in docs.iter().filter(|d| d["kind"] == "WorkflowTemplate") {
        let ns = wt["metadata"]["namespace"].as_str().unwrap();
        let name = wt["metadata"]["name"].as_str().unwrap();
        let argument = |params: &Value| {
            params.as_array().into_iter().flatten().find(|p| p["name"] == "cache_claim").map(|p| p["value"].as_str().unwrap().to_owned())
        };
        for volume in wt["spec"]["volumes"].as_array().into_iter().flatten() {
            let Some(claim) = volume["persistentVolumeClaim"]["claimName"].as_str() else { continue };
            assert_eq!(claim, "{{workflow.parameters.cache_claim}}", "{}", id(wt));
            let default = argument(&wt["spec"]["arguments"]["parameters"]).expect("a cache_claim argument");
            assert_eq!(default, format!("{name}-cache"));
            let mut claims = vec![default.clone()];
            for sensor in docs.iter().filter(|d| d["kind"] == "Sensor" && d["metadata"]["namespace"] == ns && d["metadata"]["name"] == name)
            {
                for trigger in sensor["spec"]["triggers"].as_array().unwrap() {
                    let submitted = &trigger["template"]["argoWorkflow"]["source"]["resource"]["spec"]["arguments"]["parameters"];
                    let event = submitted.as_array().unwrap().iter().find(|p| p["name"] == "event").unwrap()["value"].clone();
                    match argument(submitted) {
                        Some(pr) => {
                            assert_eq!(event, "pull-request", "only pull requests change the claim");
                            assert_ne!(pr, default, "a pull request mounts the trusted claim");
                            claims.push(pr);
                        }
                        None => assert_ne!(event, "pull-request", "a pull request's run falls back to the trusted claim"),
                    }
                }
            }
            for claim in claims {
                assert!(
                    ids.contains(&format!("PersistentVolumeClaim/{ns}/{claim}")),
                    "{} mounts claim {claim}, which the build lacks",
                    id(wt)
                );
            }
        }
    }
    assert_eq!(ids.len(), docs.len(), "duplicate ids in the build");
    for doc in docs {
        assert!(!doc["apiVersion"].as_str().unwrap_or("").starts_with("pipewright.dev/"), "a spec object reached the output: {}", id(doc));
        assert_ne!(doc["kind"], "PipewrightDidNotRun", "the guard's tripwire reached the output");
        let annotations = doc["metadata"]["annotations"].as_object();
        for key in ["internal.config.kubernetes.io/id", "config.k8s.io/id", "config.kubernetes.io/local-config"] {
            assert!(annotations.is_none_or(|a| !a.contains_key(key)), "{} carries {key}", id(doc));
        }
    }
    if let Some(shared) = support::shared_argo() {
        let mut problems = argo_checks::check(&shared, docs);
        problems.extend(events_checks::check(&shared, docs));
        assert!(problems.is_empty(), "Argo checks failed:\n{}", problems.join("\n"));
    }
    let problems = rbac_checks::check(docs);
    assert!(problems.is_empty(), "RBAC checks failed:\n{}", problems.join("\n"));
    super::lint::assert_docs_lint_clean("the kustomize build", docs);
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
    let tasks: Vec<&str> =
        wt["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        tasks,
        ["clone", "commit-status", "deps", "test", "security-scan", "sonar", "build-image", "scan-image", "provenance"],
        "lint is switched off in payments-api"
    );
    supply_chain_flows(&docs, wt);
}

fn task<'a>(docs: &'a [Value], pipeline: &str, name: &str) -> &'a Value {
    let wt = docs.iter().find(|d| d["kind"] == "WorkflowTemplate" && d["metadata"]["name"] == pipeline).unwrap();
    wt["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()
}

fn arg<'a>(task: &'a Value, name: &str) -> &'a str {
    task["arguments"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["value"].as_str().unwrap()
}

#[test]
fn private_repos_monorepos_and_pinned_versions_reach_the_right_templates() {
    let (_, docs) = build(&support::root().join("argo"));
    let ssh = task(&docs, "fraud-model", "clone");
    assert_eq!(ssh["templateRef"]["template"], "clone-ssh");
    assert_eq!(arg(ssh, "git_secret"), "fraud-model-deploy-key");
    let https = task(&docs, "risk-engine", "clone");
    assert_eq!(https["templateRef"]["template"], "clone-https");
    assert_eq!(arg(https, "submodules"), "true");
    let mono = task(&docs, "checkout-web", "deps");
    assert_eq!(mono["templateRef"]["name"], "pipewright-v2-node", "checkout-web pins library v2");
    let wt = docs.iter().find(|d| id(d) == "WorkflowTemplate/team-web/checkout-web").unwrap();
    let context = wt["spec"]["arguments"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "context_dir").unwrap();
    assert_eq!(context["value"], "apps/checkout");
    assert_eq!(task(&docs, "billing", "deps")["templateRef"]["name"], "pipewright-v1-maven");
    // v2 runs its own node image; v1 keeps the default.
    let node_image = |v: &str| {
        let cwt = docs.iter().find(|d| id(d) == format!("ClusterWorkflowTemplate/pipewright-{v}-node")).unwrap();
        let inputs = cwt["spec"]["templates"][0]["inputs"]["parameters"].as_array().unwrap();
        inputs.iter().find(|p| p["name"] == "step_image").unwrap()["default"].as_str().unwrap().to_owned()
    };
    assert_ne!(node_image("v1"), node_image("v2"));
    assert!(node_image("v2").contains("@sha256:f32b8106"));
}

/// Rewrites the example tree so that every spec is its own generator.
fn generator_tree(to: &Path) {
    let from = support::root().join("argo");
    support::copy_tree(&from, &to.join("argo"));
    let workflows = to.join("argo/workflows");
    let mut generators = Vec::new();
    let files = std::iter::once("platform.yaml".to_owned()).chain(PIPELINES.iter().map(|(_, name)| format!("pipelines/{name}.yaml")));
    for file in files {
        let path = workflows.join(&file);
        let mut spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        spec["metadata"]["annotations"]["config.kubernetes.io/function"] = "exec:\n  path: pipewright\n".into();
        std::fs::write(&path, serde_yaml::to_string(&spec).unwrap()).unwrap();
        generators.push(format!("  - {file}"));
    }
    let kustomization =
        format!("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ngenerators:\n{}\n", generators.join("\n"));
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

/// One build that mixes the two modes, as an overlay over a base of generators does: some
/// Pipelines are generators, the rest are expanded by the Platform transformer, which also
/// sees the generators' output. A library version frozen as plain resources passes through,
/// and a stale copy of an object this run regenerates is replaced, never emitted twice.
#[test]
fn generators_a_transformer_and_frozen_objects_mix_in_one_build() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("argo");
    support::copy_tree(&support::root().join("argo"), &tree);
    let workflows = tree.join("workflows");
    let (generated, listed): (Vec<_>, Vec<_>) = PIPELINES
        .iter()
        .map(|(_, name)| format!("pipelines/{name}.yaml"))
        .partition(|f| f.contains("ledger") || f.contains("billing") || f.contains("docs-site"));
    for file in &generated {
        let path = workflows.join(file);
        let mut spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        spec["metadata"]["annotations"]["config.kubernetes.io/function"] = "exec:\n  path: pipewright\n".into();
        std::fs::write(&path, serde_yaml::to_string(&spec).unwrap()).unwrap();
    }
    // A frozen library version, and a stale, hand-edited copy of an object the Platform renders.
    let (_, built) = build(&support::root().join("argo"));
    let cwt = |name: &str| built.iter().find(|d| id(d) == format!("ClusterWorkflowTemplate/{name}")).unwrap().clone();
    let mut frozen = cwt("pipewright-v2-node");
    frozen["metadata"]["name"] = "pipewright-v0-node".into();
    let mut stale = cwt("pipewright-v1-git");
    stale["metadata"]["labels"]["stale"] = "true".into();
    let frozen_text = [frozen, stale].iter().map(|o| format!("---\n{}", serde_yaml::to_string(o).unwrap())).collect::<String>();
    std::fs::write(workflows.join("frozen.yaml"), frozen_text).unwrap();
    let list = |files: &[String]| files.iter().map(|f| format!("  - {f}\n")).collect::<String>();
    let kustomization = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - guard.yaml\n  - frozen.yaml\n{}generators:\n{}transformers:\n  - platform.yaml\n",
        list(&listed),
        list(&generated)
    );
    std::fs::write(workflows.join("kustomization.yaml"), kustomization).unwrap();

    let (_, docs) = build(&tree);
    let ids: Vec<String> = docs.iter().map(id).collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "an object was emitted twice");
    let mut expected = example_ids();
    expected.insert("ClusterWorkflowTemplate/pipewright-v0-node".into());
    assert_eq!(unique, expected, "the mixed build lost or added objects");
    let git = docs.iter().find(|d| id(d) == "ClusterWorkflowTemplate/pipewright-v1-git").unwrap();
    assert!(git["metadata"]["labels"].get("stale").is_none(), "the stale copy was kept instead of the regenerated object");
    for pipeline in ["ledger", "billing", "docs-site"] {
        assert!(ids.contains(&format!("Role/team-{}/{pipeline}", if pipeline == "docs-site" { "web" } else { "payments" })));
    }
}

#[test]
fn without_enable_exec_the_guard_fires() {
    // kustomize skips exec functions silently and exits 0; the tree's tripwire stays in the
    // output, where every API server rejects it, instead of an apply with no pipelines.
    let run = support::run_in(&support::kustomize(), &["build", "--enable-alpha-plugins", "argo"], b"", &support::root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = documents(&run.stdout);
    assert_eq!(docs.iter().filter(|d| d["kind"] == "WorkflowTemplate").count(), 0, "kustomize ran the function without --enable-exec?");
    let tripwires: Vec<&Value> = docs.iter().filter(|d| d["kind"] == "PipewrightDidNotRun").collect();
    assert_eq!(tripwires.len(), 1, "the guard did not fire: {:?}", docs.iter().map(id).collect::<Vec<_>>());
    assert_eq!(tripwires[0]["apiVersion"], "v1");
}

/// The digest the build records reaches the image scan and the provenance steps; the library
/// signs keylessly with the pipeline's projected token; the exit handler reports on every channel.
fn supply_chain_flows(docs: &[Value], wt: &Value) {
    let tasks = wt["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap();
    let task = |name: &str| tasks.iter().find(|t| t["name"] == name).unwrap();
    let arg = |t: &Value, name: &str| {
        t["arguments"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).map(|p| p["value"].as_str().unwrap().to_owned())
    };
    for name in ["scan-image", "provenance"] {
        assert_eq!(arg(task(name), "digest").as_deref(), Some("{{tasks.build-image.outputs.parameters.digest}}"), "{name}");
    }
    assert_eq!(task("provenance")["depends"], "scan-image", "only a scanned image is signed");
    assert_eq!(arg(task("security-scan"), "fail_on").as_deref(), Some("MEDIUM"), "payments-api is stricter than the platform");
    assert_eq!(task("build-image")["depends"], "test && security-scan && sonar");
    let exit = wt["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == "notify").unwrap();
    let channels: Vec<&str> = exit["steps"][0].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(channels, ["slack", "commit-status"]);
    let cwt = |name: &str| docs.iter().find(|d| d["kind"] == "ClusterWorkflowTemplate" && d["metadata"]["name"] == name).unwrap();
    let templates = |name: &str| -> Vec<String> {
        cwt(name)["spec"]["templates"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(templates("pipewright-v1-supply-chain"), ["provenance", "sbom", "sign", "attest"]);
    let sign = &cwt("pipewright-v1-supply-chain")["spec"]["templates"][2];
    let args: Vec<&str> = sign["container"]["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(args.contains(&"--identity-token=/var/run/sigstore/cosign/oidc-token"), "{args:?}");
    assert_eq!(args.last(), Some(&"{{inputs.parameters.image}}@{{inputs.parameters.digest}}"));
    assert_eq!(sign["volumes"][1]["projected"]["sources"][0]["serviceAccountToken"]["audience"], "sigstore");
    let sonar = &cwt("pipewright-v1-analysis")["spec"]["templates"][0];
    assert!(sonar["container"]["args"].as_array().unwrap().iter().any(|a| a == "-Dsonar.qualitygate.wait=true"));
    let build = &cwt("pipewright-v1-image")["spec"]["templates"][0];
    let env = build["container"]["env"].as_array().unwrap();
    assert!(env.iter().any(|e| e["name"] == "CACHE_TAG" && e["value"] == "buildcache"), "the registry layer cache is on");
}

/// kustomize strips its own id annotations from the final output, so a build cannot show
/// whether pipewright echoed them: the function's own output, as kustomize receives it, must
/// carry none (echoing them costs kustomize a schema load, about 80 ms a build).
#[test]
fn the_function_does_not_echo_kustomizes_ids() {
    let input = r#"apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    annotations: {internal.config.kubernetes.io/id: "1", config.k8s.io/id: "1", team: payments}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata:
    name: api
    annotations: {internal.config.kubernetes.io/id: "2", config.k8s.io/id: "2"}
  spec: {repo: "https://github.com/acme/api.git", toolchain: go, image: registry.acme.io/api}
"#;
    let run = support::function(input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let items = support::items(&run.stdout);
    let settings = items.iter().find(|i| id(i) == "ConfigMap/settings").expect("the ConfigMap passes through");
    assert_eq!(settings["metadata"]["annotations"], serde_json::json!({"team": "payments"}));
    assert!(items.iter().any(|i| id(i) == "WorkflowTemplate/argo/api"));
    assert!(!run.stdout.contains("config.k8s.io/id") && !run.stdout.contains("internal.config.kubernetes.io/id"), "{}", run.stdout);
}
