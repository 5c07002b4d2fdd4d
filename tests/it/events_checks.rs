//! Checks on Argo Events objects and triggers: every Sensor and EventSource has the shape of
//! Argo Events' own examples (`../shared/argo/events-examples`): same apiVersion and kind, and
//! every field we write exists at the same place in some example (event names, which users
//! choose, are wildcards). The Workflow a Sensor submits is checked against Argo Workflows'
//! schema, and every reference resolves: Sensor → EventSource, ServiceAccount and
//! WorkflowTemplate (with declared parameters only), CronWorkflow → WorkflowTemplate. Every
//! EventBus pins its JetStream version.

use super::argo_checks;
use super::support::{documents, id};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Fields Argo Events defines that its examples in `../shared` do not show, each with the
/// upstream place that documents it.
const BEYOND_EXAMPLES: [&str; 2] = [
    // TriggerTemplate.conditions: argo-events examples/sensors/dependencies-conditions.yaml;
    // needed because one Sensor holds one trigger per dependency.
    "Sensor:spec.triggers[].template.conditions",
    // WebhookContext.authSecret (a SecretKeySelector): argo-events
    // docs/eventsources/webhook-authentication.md; the generic webhook's only authentication.
    "EventSource:spec.webhook.*.authSecret",
];

/// The field tree of the examples, per kind: `*` stands for a user-chosen map key.
#[derive(Debug, Default)]
struct Shape(BTreeMap<String, Shape>);

impl Shape {
    fn learn(&mut self, value: &Value, path: &str) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if wildcard(path) { "*" } else { canonical(k) };
                    self.0.entry(key.to_owned()).or_default().learn(v, &format!("{path}.{key}"));
                }
            }
            Value::Array(items) => {
                let child = self.0.entry("[]".to_owned()).or_default();
                for v in items {
                    child.learn(v, &format!("{path}[]"));
                }
            }
            _ => {}
        }
    }

    fn check(&self, kind: &str, value: &Value, path: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if wildcard(path) { "*" } else { k.as_str() };
                    let at = format!("{path}.{key}");
                    if checked_elsewhere(&at) {
                        continue;
                    }
                    match self.0.get(key) {
                        Some(child) => child.check(kind, v, &at, out),
                        None if BEYOND_EXAMPLES.contains(&format!("{kind}:{}", at.trim_start_matches('.')).as_str()) => {}
                        None => out.push(format!("field {} is in no Argo Events example", at.trim_start_matches('.'))),
                    }
                }
            }
            Value::Array(items) => {
                if let Some(child) = self.0.get("[]") {
                    for v in items {
                        child.check(kind, v, &format!("{path}[]"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Map keys that users choose: event names under an EventSource's provider maps.
fn wildcard(path: &str) -> bool {
    ["github", "gitlab", "webhook"].iter().any(|p| path == format!(".spec.{p}"))
}

/// Parts checked elsewhere: object metadata is plain Kubernetes ObjectMeta, the Workflow a
/// trigger submits is validated against Argo Workflows' schema, and GitHub's `organizations`
/// (organization webhooks), which no example shows, against Argo Events' schema
/// (`sensor_filters::organization_webhooks_keep_the_repository_filters`).
fn checked_elsewhere(path: &str) -> bool {
    path == ".metadata" || path.ends_with(".source.resource") || path == ".spec.github.*.organizations"
}

/// The `k8s` and `argoWorkflow` triggers share their `operation`, `source` and `parameters`
/// types (Argo Events' StandardK8STrigger and ArgoWorkflowTrigger), so the examples of one
/// teach the shape of the other.
fn canonical(key: &str) -> &str {
    if key == "k8s" { "argoWorkflow" } else { key }
}

fn shapes(shared: &Path) -> BTreeMap<(String, String), Shape> {
    let mut shapes: BTreeMap<(String, String), Shape> = BTreeMap::new();
    for dir in ["event-sources", "sensors"] {
        let mut files: Vec<_> = std::fs::read_dir(shared.join("events-examples").join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            for doc in documents(&std::fs::read_to_string(&file).unwrap()) {
                let key = (doc["apiVersion"].as_str().unwrap_or("").to_owned(), doc["kind"].as_str().unwrap_or("").to_owned());
                if key.1 == "EventSource" || key.1 == "Sensor" {
                    shapes.entry(key).or_default().learn(&doc, "");
                }
            }
        }
    }
    shapes
}

/// Every problem with the Argo Events objects and triggers in `objects`.
pub fn check(shared: &Path, objects: &[Value]) -> Vec<String> {
    let shapes = shapes(shared);
    let mut problems = Vec::new();
    let find = |kind: &str, ns: &str, name: &str| {
        objects.iter().find(|o| o["kind"] == kind && o["metadata"]["namespace"] == ns && o["metadata"]["name"] == name)
    };
    for object in objects.iter().filter(|o| o["kind"] == "Sensor" || o["kind"] == "EventSource") {
        let at = id(object);
        let kind = object["kind"].as_str().unwrap_or("");
        let key = (object["apiVersion"].as_str().unwrap_or("").to_owned(), kind.to_owned());
        let Some(shape) = shapes.get(&key) else {
            problems.push(format!("{at}: no Argo Events example has apiVersion {} and kind {kind}", key.0));
            continue;
        };
        let mut found = Vec::new();
        shape.check(kind, object, "", &mut found);
        problems.extend(found.into_iter().map(|p| format!("{at}: {p}")));
    }
    for sensor in objects.iter().filter(|o| o["kind"] == "Sensor") {
        let at = id(sensor);
        let ns = sensor["metadata"]["namespace"].as_str().unwrap_or("");
        let sa = sensor["spec"]["template"]["serviceAccountName"].as_str().unwrap_or("");
        if find("ServiceAccount", ns, sa).is_none() {
            problems.push(format!("{at}: runs as ServiceAccount {sa:?}, which the build does not emit"));
        }
        let dependencies: BTreeSet<&str> = list(&sensor["spec"]["dependencies"]).filter_map(|d| d["name"].as_str()).collect();
        for dep in list(&sensor["spec"]["dependencies"]) {
            let source = dep["eventSourceName"].as_str().unwrap_or("");
            let event = dep["eventName"].as_str().unwrap_or("");
            match find("EventSource", ns, source) {
                None => problems.push(format!("{at}: listens to EventSource {source:?}, which no Team in {ns} emits")),
                Some(es) => {
                    let spec = es["spec"].as_object().cloned().unwrap_or_default();
                    if !["github", "gitlab", "webhook"].iter().any(|p| spec.get(*p).is_some_and(|m| m.get(event).is_some())) {
                        problems.push(format!("{at}: EventSource {source:?} has no event {event:?}"));
                    }
                }
            }
            for filter in list(&dep["filters"]["data"]) {
                for regex in list(&filter["value"]).filter_map(Value::as_str).filter(|_| filter["type"] == "string") {
                    if !regex.trim_start_matches("(?i)").starts_with('^') || !regex.ends_with('$') {
                        problems.push(format!("{at}: filter on {} is not anchored: {regex}", filter["path"]));
                    }
                }
            }
        }
        for trigger in list(&sensor["spec"]["triggers"]) {
            let template = &trigger["template"];
            let name = template["name"].as_str().unwrap_or("");
            if !dependencies.contains(template["conditions"].as_str().unwrap_or("")) {
                problems.push(format!("{at}: trigger {name} waits for an unknown dependency"));
            }
            let workflow = &template["argoWorkflow"]["source"]["resource"];
            let wf_id = format!("{at} trigger {name}");
            problems.extend(submitted(shared, workflow, ns, &wf_id, &find));
            let count = list(&workflow["spec"]["arguments"]["parameters"]).count();
            for p in list(&template["argoWorkflow"]["parameters"]) {
                let dest = p["dest"].as_str().unwrap_or("");
                let index = dest
                    .strip_prefix("spec.arguments.parameters.")
                    .and_then(|d| d.strip_suffix(".value"))
                    .and_then(|i| i.parse::<usize>().ok());
                if index.is_none_or(|i| i >= count) || !dependencies.contains(p["src"]["dependencyName"].as_str().unwrap_or("")) {
                    problems.push(format!("{wf_id}: parameter goes to {dest:?} or reads a dependency that does not exist"));
                }
            }
        }
    }
    for bus in objects.iter().filter(|o| o["kind"] == "EventBus") {
        let version = bus["spec"]["jetstream"]["version"].as_str().unwrap_or("");
        if version.is_empty() || version == "latest" {
            problems.push(format!("{}: JetStream version {version:?} is not pinned", id(bus)));
        }
    }
    for cron in objects.iter().filter(|o| o["kind"] == "CronWorkflow") {
        let ns = cron["metadata"]["namespace"].as_str().unwrap_or("");
        let workflow = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"generateName": "x-", "namespace": ns}, "spec": cron["spec"]["workflowSpec"]});
        problems.extend(submitted(shared, &workflow, ns, &id(cron), &find));
    }
    problems
}

fn list(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// A Workflow that references a WorkflowTemplate: valid for Argo, and passing only parameters
/// that the WorkflowTemplate declares.
fn submitted<'a>(shared: &Path, workflow: &Value, ns: &str, at: &str, find: &dyn Fn(&str, &str, &str) -> Option<&'a Value>) -> Vec<String> {
    let mut problems: Vec<String> =
        argo_checks::check(shared, std::slice::from_ref(workflow)).into_iter().map(|p| format!("{at}: {p}")).collect();
    let name = workflow["spec"]["workflowTemplateRef"]["name"].as_str().unwrap_or("");
    match find("WorkflowTemplate", ns, name) {
        None => problems.push(format!("{at}: references WorkflowTemplate {name:?}, which the build does not emit in {ns}")),
        Some(wt) => {
            let declared: BTreeSet<&str> = list(&wt["spec"]["arguments"]["parameters"]).filter_map(|p| p["name"].as_str()).collect();
            for p in list(&workflow["spec"]["arguments"]["parameters"]).filter_map(|p| p["name"].as_str()) {
                if !declared.contains(p) {
                    problems.push(format!("{at}: passes parameter {p:?}, which WorkflowTemplate {name} does not declare"));
                }
            }
        }
    }
    if workflow["spec"].as_object().is_some_and(|s: &Map<String, Value>| s.contains_key("templates")) {
        problems.push(format!("{at}: carries its own templates instead of a reference only"));
    }
    problems
}

#[test]
fn the_checks_catch_broken_objects() {
    let Some(shared) = super::support::shared_argo() else { return };
    let broken = json!([
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "EventBus", "metadata": {"name": "default", "namespace": "n"},
         "spec": {"jetstream": {"version": "latest"}}},
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "EventSource", "metadata": {"name": "pipewright-git", "namespace": "n"},
         "spec": {"github": {"git": {"webhook": {"endpoint": "/x", "port": "1", "method": "POST"}, "secretz": {}}}}},
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "Sensor", "metadata": {"name": "s", "namespace": "n"},
         "spec": {"template": {"serviceAccountName": "ghost"}, "dependencies": [
            {"name": "push", "eventSourceName": "pipewright-git", "eventName": "other",
             "filters": {"data": [{"path": "body.ref", "type": "string", "value": ["refs/heads/main"]}]}}],
          "triggers": [{"template": {"name": "t", "conditions": "push", "argoWorkflow": {"operation": "submit", "source": {"resource":
            {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"generateName": "x-"},
             "spec": {"workflowTemplateRef": {"name": "missing"}, "arguments": {"parameters": [{"name": "revision", "value": ""}]}, "bogus": 1}}},
            "parameters": [{"src": {"dependencyName": "push", "dataKey": "body.ref"}, "dest": "spec.arguments.parameters.3.value"}]}}}]}}
    ]);
    let text = check(&shared, broken.as_array().unwrap()).join("\n");
    for expected in [
        "secretz is in no Argo Events example",
        "ServiceAccount \"ghost\"",
        "has no event \"other\"",
        "not anchored",
        "unknown field .spec.bogus",
        "WorkflowTemplate \"missing\"",
        "parameters.3.value",
        "JetStream version \"latest\" is not pinned",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
}
