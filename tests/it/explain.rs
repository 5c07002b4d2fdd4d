//! `pipewright explain`: every fact comes from the rendered objects, so changing an image, a
//! trigger and the Team's access in the specs changes the text; `--output json` holds the same.

use super::support::pipewright;
use serde_json::Value;

const TEAM: &str = "apiVersion: pipewright.dev/v1alpha1
kind: Team
metadata: {name: payments, namespace: team-payments}
spec:
  groups: [payments-devs]
  access: view
  events:
    github:
      webhookSecret: {name: github-webhook, key: secret}
      repositories: [acme/payments-api]
";

const PIPELINE: &str = "apiVersion: pipewright.dev/v1alpha1
kind: Pipeline
metadata: {name: payments-api, namespace: team-payments}
spec:
  repo: https://github.com/acme/payments-api.git
  toolchain: node
  image: registry.acme.io/payments/payments-api
  steps:
    test: {command: [npm, test, --, --ci], image: 'node:22-bookworm-slim'}
  notify: {webhook: {secretName: ci-webhook, key: url}}
  triggers:
    push: {branches: [main]}
";

fn explain(specs: &str, output: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("specs.yaml"), specs).unwrap();
    let run = pipewright(&["explain", "specs.yaml", "--output", output], dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn a_changed_image_trigger_and_access_show_in_the_text() {
    let before = explain(&format!("{TEAM}---\n{PIPELINE}"), "markdown");
    for fact in [
        "# Pipeline team-payments/payments-api",
        "- **test** calls `pipewright-v1-node/test`",
        "  - runs `npm test -- --ci`",
        "  - image `node:22-bookworm-slim`",
        "| `push` | push to main | github | `Sensor/team-payments/payments-api` |",
        "| `push` | `<branch>-<short commit>` | yes |",
        "| `ci-webhook` | `url` | webhook |",
        "- Team `payments` (`view` access): SSO users matching `'payments-devs' in groups` act as ServiceAccount `team-payments/payments.team`, which reads run logs and may not act on runs (view only).",
        "- `Sensor/team-payments/payments-api`",
        "- `WorkflowTemplate/team-payments/payments-api`",
    ] {
        assert!(before.contains(fact), "missing {fact:?} in:\n{before}");
    }
    assert!(!before.contains("`tag`"), "no tag trigger was asked for:\n{before}");

    let changed_pipeline = PIPELINE
        .replace("image: 'node:22-bookworm-slim'", "image: 'node:20-alpine'")
        .replace("push: {branches: [main]}", "push: {branches: [develop, release/*]}\n    tags: true");
    let after = explain(&format!("{}---\n{changed_pipeline}", TEAM.replace("access: view", "access: operate")), "markdown");
    for fact in [
        "  - image `node:20-alpine`",
        "| `push` | push to develop, release/* | github | `Sensor/team-payments/payments-api` |",
        "| `tag` | semver tag (v1.2.3) | github | `Sensor/team-payments/payments-api` |",
        "| `tag` | `<version> (tag v1.2.3 gives 1.2.3)` | yes |",
        "(`operate` access)",
        "reads run logs and may act on runs (resubmit, retry, stop)",
        "  - allows create, update, patch: workflows",
    ] {
        assert!(after.contains(fact), "missing {fact:?} after the change in:\n{after}");
    }
    for gone in ["`node:22-bookworm-slim`", "push to main", "(`view` access)"] {
        assert!(!after.contains(gone), "{gone:?} is still there after the change:\n{after}");
    }
}

#[test]
fn json_holds_the_same_facts() {
    let json: Value = serde_json::from_str(&explain(&format!("{TEAM}---\n{PIPELINE}"), "json")).unwrap();
    assert_eq!(json["pipeline"], "team-payments/payments-api");
    let steps: Vec<&str> = json["steps"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(steps, ["clone", "deps", "lint", "test", "security-scan", "sonar", "build-image", "scan-image", "provenance"]);
    let test = &json["steps"][3];
    assert_eq!(test["images"], serde_json::json!(["node:22-bookworm-slim"]));
    assert_eq!(test["command"], "npm test -- --ci");
    assert_eq!(json["access"][0]["level"], "view");
    assert_eq!(json["access"][0]["readsLogs"], true);
    assert_eq!(json["onExit"], "notify");
    assert_eq!(json["exitSteps"][0]["secrets"][0], serde_json::json!({"name": "ci-webhook", "key": "url"}));
    // Images the library pins carry digests.
    assert!(json["steps"][0]["images"][0].as_str().unwrap().contains("@sha256:"), "{}", json["steps"][0]);
}
