//! Pod hardening, checked on the example tree's build: every container (`container`, `script`,
//! init containers, sidecars, `containerSet` containers) of every template of every
//! ClusterWorkflowTemplate and WorkflowTemplate runs non-root, cannot escalate privileges, drops every capability, uses the
//! RuntimeDefault seccomp profile and no unconfined AppArmor profile, has resource requests and limits, gets no ServiceAccount
//! token, and runs an image pinned by digest. Every WorkflowTemplate and ServiceAccount keeps
//! the token away from step pods. The only exceptions are listed in `EXCEPTIONS`, with reasons.

use super::support::{self, documents, id, kustomize_build};
use serde_json::Value;
use std::collections::BTreeSet;

/// A template (`<family>/<template>`, the family without its `pipewright-<version>-` prefix)
/// and the rules it may break, with the reason. A stale entry (one whose template no longer
/// breaks the rule) fails the test too, so this list stays exact.
struct Exception {
    template: &'static str,
    rules: &'static [&'static str],
    reason: &'static str,
}

/// THE allow-list: the one place an exception to the hardening rules is recorded.
const EXCEPTIONS: &[Exception] = &[Exception {
    template: "image/build",
    rules: &["allowPrivilegeEscalation", "capabilities", "seccompProfile", "appArmorProfile"],
    reason: "rootless BuildKit creates its user namespace with the setuid newuidmap/newgidmap helpers \
             (so privilege escalation and their capabilities must stay) and calls unshare and mount, \
             which RuntimeDefault seccomp blocks and the container runtime's default AppArmor profile \
             denies (mount), hence Unconfined for both; it still runs as uid 1000, never root",
}];

/// Every container a template runs, with where it sits: the main `container` or `script`, init
/// containers, sidecars and the containers of a `containerSet`.
fn containers(template: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for key in ["container", "script"] {
        if let Some(c) = template.get(key) {
            out.push((key.to_owned(), c));
        }
    }
    let lists = [("initContainers", &template["initContainers"]), ("sidecars", &template["sidecars"])];
    for (key, list) in lists.into_iter().chain([("containerSet", &template["containerSet"]["containers"])]) {
        for (i, c) in list.as_array().into_iter().flatten().enumerate() {
            out.push((format!("{key}[{i}]"), c));
        }
    }
    out
}

/// The rules a template's main container breaks, by name.
fn broken_rules(template: &Value) -> Vec<&'static str> {
    broken_rules_of(template, &template["container"])
}

/// The rules one container `c` of `template` breaks, by name.
fn broken_rules_of(template: &Value, c: &Value) -> Vec<&'static str> {
    let sc = &c["securityContext"];
    let pod = &template["securityContext"];
    let mut broken = Vec::new();
    if sc["allowPrivilegeEscalation"] != false {
        broken.push("allowPrivilegeEscalation");
    }
    let drops_all = sc["capabilities"]["drop"].as_array().is_some_and(|d| d.iter().any(|x| x == "ALL"));
    if !drops_all || sc["capabilities"].get("add").is_some() {
        broken.push("capabilities");
    }
    let non_root = sc["runAsNonRoot"] == true || (sc.get("runAsNonRoot").is_none() && pod["runAsNonRoot"] == true);
    let uid = sc.get("runAsUser").or_else(|| pod.get("runAsUser"));
    if !non_root || uid.is_some_and(|u| u == 0) {
        broken.push("runAsNonRoot");
    }
    let seccomp = sc["seccompProfile"]["type"].as_str().or_else(|| pod["seccompProfile"]["type"].as_str());
    if seccomp != Some("RuntimeDefault") {
        broken.push("seccompProfile");
    }
    let apparmor = sc["appArmorProfile"]["type"].as_str().or_else(|| pod["appArmorProfile"]["type"].as_str());
    if apparmor == Some("Unconfined") {
        broken.push("appArmorProfile");
    }
    let sized = ["requests", "limits"].iter().all(|k| ["cpu", "memory"].iter().all(|r| c["resources"][k][r].is_string()));
    if !sized {
        broken.push("resources");
    }
    if template["automountServiceAccountToken"] != false {
        broken.push("automountServiceAccountToken");
    }
    if !image_pinned(template, c) {
        broken.push("imageDigest");
    }
    broken
}

/// The image is pinned by digest, or is an input whose default is; an input without a default
/// is the Pipeline's own image (the generic toolchain), which the library cannot pin.
fn image_pinned(template: &Value, c: &Value) -> bool {
    let image = c["image"].as_str().unwrap_or("");
    let Some(input) = image.strip_prefix("{{inputs.parameters.").and_then(|s| s.strip_suffix("}}")) else {
        return image.contains("@sha256:");
    };
    let inputs = template["inputs"]["parameters"].as_array().cloned().unwrap_or_default();
    let param = inputs.iter().find(|p| p["name"] == input).expect("the image input is declared");
    param["default"].as_str().is_none_or(|d| d.contains("@sha256:"))
}

#[test]
fn every_library_container_is_hardened_except_the_listed_ones() {
    let run = kustomize_build(&support::root().join("argo"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = documents(&run.stdout);
    let mut problems = Vec::new();
    let mut used: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut containers_checked = 0;
    let mut workflow_templates = 0;
    for doc in docs.iter().filter(|d| d["kind"] == "ClusterWorkflowTemplate" || d["kind"] == "WorkflowTemplate") {
        let name = doc["metadata"]["name"].as_str().unwrap();
        // A library template is `<family>/<template>`; a pipeline's own is `pipeline/<template>`.
        let family = if doc["kind"] == "ClusterWorkflowTemplate" {
            name.splitn(3, '-').nth(2).unwrap()
        } else {
            workflow_templates += 1;
            "pipeline"
        };
        for template in doc["spec"]["templates"].as_array().unwrap() {
            let key = format!("{family}/{}", template["name"].as_str().unwrap());
            let allowed = EXCEPTIONS.iter().find(|e| e.template == key);
            for (place, c) in containers(template) {
                containers_checked += 1;
                for rule in broken_rules_of(template, c) {
                    match allowed.and_then(|e| e.rules.iter().find(|r| **r == rule)) {
                        Some(r) => {
                            used.insert((allowed.unwrap().template, r));
                        }
                        None => {
                            problems.push(format!("{} {name}/{} {place}: breaks {rule}", doc["kind"].as_str().unwrap(), template["name"]))
                        }
                    }
                }
            }
        }
    }
    for e in EXCEPTIONS {
        assert!(!e.reason.is_empty());
        for rule in e.rules {
            if !used.contains(&(e.template, *rule)) {
                problems.push(format!("allow-list entry {}: {rule} is stale (no template breaks it any more)", e.template));
            }
        }
    }
    assert!(containers_checked >= 30, "only {containers_checked} containers checked");
    assert_eq!(workflow_templates, super::kustomize::PIPELINES.len(), "every WorkflowTemplate is walked");
    assert!(problems.is_empty(), "hardening rules broken:\n{}", problems.join("\n"));
}

#[test]
fn step_pods_never_get_a_service_account_token() {
    let run = kustomize_build(&support::root().join("argo"));
    let docs = documents(&run.stdout);
    // A Sensor's pod (not a step pod) calls the API to submit Workflows: its account keeps the
    // projected token, and gets no long-lived token Secret.
    let sensor_accounts: Vec<String> = docs
        .iter()
        .filter(|d| d["kind"] == "Sensor")
        .map(|d| {
            format!(
                "ServiceAccount/{}/{}",
                d["metadata"]["namespace"].as_str().unwrap(),
                d["spec"]["template"]["serviceAccountName"].as_str().unwrap()
            )
        })
        .collect();
    assert!(!sensor_accounts.is_empty());
    let mut checked = 0;
    for doc in &docs {
        match doc["kind"].as_str() {
            Some("WorkflowTemplate") => {
                checked += 1;
                assert_eq!(doc["spec"]["automountServiceAccountToken"], false, "{}", id(doc));
                assert!(doc["spec"]["executor"]["serviceAccountName"].is_string(), "{}: the executor needs its own account", id(doc));
            }
            Some("ServiceAccount") if sensor_accounts.contains(&id(doc)) => {
                assert!(
                    !docs.iter().any(|d| d["metadata"]["annotations"]["kubernetes.io/service-account.name"] == doc["metadata"]["name"]),
                    "{}",
                    id(doc)
                );
            }
            Some("ServiceAccount") => assert_eq!(doc["automountServiceAccountToken"], false, "{}", id(doc)),
            _ => {}
        }
    }
    assert_eq!(checked, super::kustomize::PIPELINES.len());
}

#[test]
fn every_container_place_is_walked() {
    let t: Value = serde_json::json!({
        "name": "x",
        "script": {"image": "a"},
        "initContainers": [{"image": "b"}],
        "sidecars": [{"image": "c"}, {"image": "d"}],
        "containerSet": {"containers": [{"image": "e"}]},
        "securityContext": {"appArmorProfile": {"type": "Unconfined"}}
    });
    let places: Vec<String> = containers(&t).into_iter().map(|(p, _)| p).collect();
    assert_eq!(places, ["script", "initContainers[0]", "sidecars[0]", "sidecars[1]", "containerSet[0]"]);
    for (_, c) in containers(&t) {
        assert!(broken_rules_of(&t, c).contains(&"appArmorProfile"));
    }
}

#[test]
fn the_rules_catch_a_soft_container() {
    let soft: Value = serde_json::json!({
        "name": "x",
        "container": {"image": "alpine:3", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_ADMIN"]}}},
        "securityContext": {"runAsUser": 0, "runAsNonRoot": true}
    });
    assert_eq!(
        broken_rules(&soft),
        [
            "allowPrivilegeEscalation",
            "capabilities",
            "runAsNonRoot",
            "seccompProfile",
            "resources",
            "automountServiceAccountToken",
            "imageDigest"
        ]
    );
}
