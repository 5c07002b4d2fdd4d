//! Static analysis, scans, the signed artifact and notifications: the supply-chain snapshot
//! cases, run through the real binary, must pass every Argo check with each Platform switch
//! on and off, and the settings must reach the containers as args, env or Secret references.

use super::argo_checks;
use super::support::{self, function, items};
use serde_json::Value;

fn render_case(name: &str) -> Vec<Value> {
    let input = std::fs::read(support::root().join(format!("tests/cases/valid/{name}/input.yaml"))).unwrap();
    let run = function(&input);
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    let docs = items(&run.stdout);
    if let Some(shared) = support::shared_argo() {
        let problems = argo_checks::check(&shared, &docs);
        assert!(problems.is_empty(), "{name}: Argo checks failed:\n{}", problems.join("\n"));
    }
    docs
}

fn template<'a>(docs: &'a [Value], family: &str, name: &str) -> &'a Value {
    let cwt = docs.iter().find(|d| d["metadata"]["name"] == format!("pipewright-v1-{family}")).unwrap();
    cwt["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{family}/{name}"))
}

fn env<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["container"]["env"].as_array().unwrap().iter().find(|e| e["name"] == name).unwrap_or_else(|| panic!("env {name}"))
}

#[test]
fn every_switch_on_renders_valid_steps() {
    let docs = render_case("supply-chain-everything-on");
    let sign = template(&docs, "supply-chain", "sign");
    assert_eq!(env(sign, "COSIGN_PRIVATE_KEY")["valueFrom"]["secretKeyRef"]["name"], "cosign-key", "key-based signing reads the key from a Secret");
    assert!(sign["volumes"].as_array().unwrap().iter().all(|v| v.get("projected").is_none()), "no OIDC token in key mode");
    let attest = template(&docs, "supply-chain", "attest");
    let args: Vec<&str> = attest["container"]["args"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(&args[..6], ["attest", "--yes", "--type", "spdxjson", "--predicate", "/workspace/sbom.spdx.json"]);
    let sonar = template(&docs, "analysis", "sonar");
    assert_eq!(env(sonar, "SONAR_TOKEN")["valueFrom"]["secretKeyRef"]["name"], "sonar-token");
    assert_eq!(env(sonar, "SONAR_HOST_URL")["value"], "http://sonarqube.sonar.svc:9000");
    assert!(sonar["container"]["args"].as_array().unwrap().contains(&"-Dsonar.qualitygate.wait=false".into()));
    let test = template(&docs, "python", "test");
    assert_eq!(test["outputs"]["artifacts"][0], serde_json::json!({"name": "test-reports", "path": "/workspace/reports/junit", "optional": true}));
    assert_eq!(env(template(&docs, "image", "build"), "CACHE_TAG")["value"], "layer-cache");
    assert_eq!(env(template(&docs, "notify", "slack"), "ARGO_SERVER_URL")["value"], "https://argo.acme.io/argo");
    let scan = template(&docs, "security", "scan-image");
    assert_eq!(env(scan, "PLATFORM_FAIL_ON")["value"], "HIGH");
    assert_eq!(env(scan, "DOCKER_CONFIG")["value"], "/etc/pipewright/docker");
}

#[test]
fn switched_off_steps_are_pod_less_and_still_resolve() {
    let docs = render_case("supply-chain-switched-off");
    for (family, name) in [("security", "scan-image"), ("supply-chain", "provenance"), ("analysis", "sonar")] {
        let t = template(&docs, family, name);
        assert_eq!(t["suspend"]["duration"], "0", "{family}/{name} is a no-op");
        assert!(t.get("container").is_none());
    }
    assert_eq!(env(template(&docs, "image", "build"), "CACHE_TAG")["value"], "", "the layer cache is off");
    assert!(template(&docs, "go", "test").get("outputs").is_none(), "no artifacts without `reports.junit`");
    let wt = docs.iter().find(|d| d["kind"] == "WorkflowTemplate").unwrap();
    let tasks: Vec<&str> = wt["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(tasks, ["clone", "commit-status", "deps", "lint", "security-scan", "build-image", "scan-image", "provenance"]);
    let pending = &wt["spec"]["templates"][0]["dag"]["tasks"][1]["arguments"]["parameters"];
    let arg = |name: &str| pending.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["value"].clone();
    assert_eq!(arg("api_url"), "https://github.example.com/api/v3", "GitHub Enterprise API from the repo host");
    assert_eq!(arg("repo_path"), "tools/tool");
    assert_eq!(arg("commit"), "{{tasks.clone.outputs.parameters.commit}}");
    assert_eq!(arg("status"), "Running");
}

/// User values and Argo expressions never become script text: every `sh -c` / `python3 -c`
/// script in the library is one of the static scripts, free of `{{`.
#[test]
fn scripts_stay_static() {
    for case in ["supply-chain-everything-on", "supply-chain-switched-off"] {
        for doc in render_case(case).iter().filter(|d| d["kind"] == "ClusterWorkflowTemplate") {
            for t in doc["spec"]["templates"].as_array().unwrap() {
                let command: Vec<&str> = t["container"]["command"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                if let Some(i) = command.iter().position(|c| *c == "-c") {
                    assert!(!command[i + 1].contains("{{"), "{case}: {} splices an expression into its script", t["name"]);
                }
            }
        }
    }
}
