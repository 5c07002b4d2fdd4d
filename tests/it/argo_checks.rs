//! Checks on a build's output that Argo itself would make: each Argo object validates
//! against Argo's JSON Schema (`../shared/argo/schema/schema.json`) with no unknown fields,
//! every `templateRef` resolves to a template the same build emits, every required input is
//! supplied and no undeclared one is passed, every DAG dependency exists without cycles, and
//! every volume a referenced template mounts is declared by the calling WorkflowTemplate.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

const ARGO_KINDS: [&str; 4] = ["WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow", "Workflow"];

struct ArgoSchema {
    root: Value,
    validators: BTreeMap<&'static str, jsonschema::Validator>,
}

fn schema(shared: &Path) -> &'static ArgoSchema {
    static SCHEMA: OnceLock<ArgoSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(shared.join("schema/schema.json")).unwrap();
        let root: Value = serde_json::from_str(&text).unwrap();
        let validators = ARGO_KINDS
            .into_iter()
            .map(|kind| {
                let schema = json!({
                    "$schema": root["$schema"],
                    "definitions": root["definitions"],
                    "$ref": format!("#/definitions/io.argoproj.workflow.v1alpha1.{kind}"),
                });
                (kind, jsonschema::validator_for(&schema).expect("Argo's schema compiles"))
            })
            .collect();
        ArgoSchema { root, validators }
    })
}

/// Every problem with the Argo objects in `objects`; empty when all is well.
pub fn check(shared: &Path, objects: &[Value]) -> Vec<String> {
    let schema = schema(shared);
    let mut problems = Vec::new();
    for object in objects {
        let kind = object["kind"].as_str().unwrap_or("");
        let Some(validator) = schema.validators.get(kind) else { continue };
        let id = super::support::id(object);
        for error in validator.iter_errors(object) {
            problems.push(format!("{id}: schema: {} at {}", error, error.instance_path()));
        }
        let definition = json!({"$ref": format!("#/definitions/io.argoproj.workflow.v1alpha1.{kind}")});
        unknown_fields(&schema.root, &definition, object, &id, "", &mut problems);
    }
    problems.extend(references(objects));
    problems
}

/// Fields the schema does not declare: the API server rejects them under strict field validation.
fn unknown_fields(root: &Value, schema: &Value, value: &Value, id: &str, path: &str, out: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => root.pointer(pointer).unwrap_or(schema),
        None => schema,
    };
    match value {
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in map {
                    match props.get(k) {
                        Some(p) => unknown_fields(root, p, v, id, &format!("{path}.{k}"), out),
                        None if schema.get("additionalProperties").is_none() => {
                            out.push(format!("{id}: unknown field {path}.{k}"));
                        }
                        None => {}
                    }
                }
            } else if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for (k, v) in map {
                    unknown_fields(root, extra, v, id, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    unknown_fields(root, item, v, id, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

fn params(list: &Value) -> Vec<&Value> {
    list.as_array().map(|a| a.iter().collect()).unwrap_or_default()
}

fn names(list: &Value) -> BTreeSet<String> {
    params(list).iter().filter_map(|p| p["name"].as_str().map(str::to_owned)).collect()
}

/// Cross-object checks: references, inputs, DAGs, volumes.
fn references(objects: &[Value]) -> Vec<String> {
    let mut problems = Vec::new();
    let cluster: BTreeMap<&str, &Value> = objects
        .iter()
        .filter(|o| o["kind"] == "ClusterWorkflowTemplate")
        .filter_map(|o| Some((o["metadata"]["name"].as_str()?, o)))
        .collect();
    for wt in objects.iter().filter(|o| o["kind"] == "WorkflowTemplate") {
        let id = super::support::id(wt);
        let spec = &wt["spec"];
        let local: BTreeMap<&str, &Value> = params(&spec["templates"]).into_iter().filter_map(|t| Some((t["name"].as_str()?, t))).collect();
        for name in [spec["entrypoint"].as_str(), spec["onExit"].as_str()].into_iter().flatten() {
            if !local.contains_key(name) {
                problems.push(format!("{id}: entrypoint or onExit {name:?} is not a template here"));
            }
        }
        let workflow_params = names(&spec["arguments"]["parameters"]);
        let mut volumes: BTreeSet<String> = names(&spec["volumes"]);
        for claim in params(&spec["volumeClaimTemplates"]) {
            volumes.extend(claim["metadata"]["name"].as_str().map(str::to_owned));
        }
        for template in local.values() {
            let tasks: Vec<&Value> = params(&template["dag"]["tasks"])
                .into_iter()
                .chain(params(&template["steps"]).into_iter().flat_map(|group| params(group)))
                .collect();
            let task_names: BTreeSet<&str> = tasks.iter().filter_map(|t| t["name"].as_str()).collect();
            let mut edges: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for task in &tasks {
                let task_name = task["name"].as_str().unwrap_or("");
                let at = format!("{id}: task {task_name}");
                let target = resolve(&cluster, &local, task, &at, &mut problems);
                if let Some(target) = target {
                    check_arguments(task, target, &at, &mut problems);
                    for (holder, container_template) in containers_of(&cluster, task, target) {
                        for mount in params(&container_template["container"]["volumeMounts"]) {
                            let name = mount["name"].as_str().unwrap_or("");
                            if !volumes.contains(name) && !names(&container_template["volumes"]).contains(name) {
                                problems.push(format!(
                                    "{at}: {holder} mounts volume {name:?}, which neither the template nor the WorkflowTemplate declares"
                                ));
                            }
                        }
                    }
                }
                for arg in params(&task["arguments"]["parameters"]) {
                    check_expressions(arg["value"].as_str().unwrap_or(""), &workflow_params, &tasks, &cluster, &local, &at, &mut problems);
                }
                if let Some(depends) = task["depends"].as_str() {
                    let deps = dependency_names(depends);
                    for d in &deps {
                        if !task_names.contains(d.as_str()) {
                            problems.push(format!("{at}: depends on {d:?}, which is not a task"));
                        }
                    }
                    edges.insert(task_name, deps);
                }
            }
            if let Some(cycle) = find_cycle(&edges) {
                problems.push(format!("{id}: the DAG has a cycle through {cycle}"));
            }
        }
    }
    problems.extend(library_dags(&cluster));
    problems
}

/// The container templates a task runs: the target itself, or, for a DAG or steps template
/// inside a ClusterWorkflowTemplate, the local templates its tasks call.
fn containers_of<'a>(cluster: &BTreeMap<&str, &'a Value>, task: &Value, target: &'a Value) -> Vec<(String, &'a Value)> {
    let holder = task["templateRef"]["name"].as_str().and_then(|n| cluster.get(n));
    let nested: Vec<&Value> =
        params(&target["dag"]["tasks"]).into_iter().chain(params(&target["steps"]).into_iter().flat_map(|g| params(g))).collect();
    if nested.is_empty() {
        return vec![(format!("template {:?}", target["name"].as_str().unwrap_or("")), target)];
    }
    let Some(holder) = holder else { return Vec::new() };
    nested
        .iter()
        .filter_map(|t| t["template"].as_str())
        .filter_map(|name| params(&holder["spec"]["templates"]).into_iter().find(|t| t["name"] == name))
        .map(|t| (format!("template {:?}", t["name"].as_str().unwrap_or("")), t))
        .collect()
}

/// DAG and steps templates inside the library: every task calls a template of the same
/// ClusterWorkflowTemplate with the inputs it requires, and passes only inputs its caller has.
fn library_dags(cluster: &BTreeMap<&str, &Value>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, cwt) in cluster {
        let local: BTreeMap<&str, &Value> =
            params(&cwt["spec"]["templates"]).into_iter().filter_map(|t| Some((t["name"].as_str()?, t))).collect();
        for template in local.values() {
            let inputs = names(&template["inputs"]["parameters"]);
            let tasks: Vec<&Value> = params(&template["dag"]["tasks"])
                .into_iter()
                .chain(params(&template["steps"]).into_iter().flat_map(|g| params(g)))
                .collect();
            let task_names: BTreeSet<&str> = tasks.iter().filter_map(|t| t["name"].as_str()).collect();
            for task in &tasks {
                let at = format!(
                    "ClusterWorkflowTemplate/{name}: template {:?} task {:?}",
                    template["name"].as_str().unwrap_or(""),
                    task["name"].as_str().unwrap_or("")
                );
                match task["template"].as_str().and_then(|t| local.get(t)) {
                    Some(target) => check_arguments(task, target, &at, &mut problems),
                    None => problems.push(format!("{at}: calls a template this ClusterWorkflowTemplate does not hold")),
                }
                for arg in params(&task["arguments"]["parameters"]) {
                    let value = arg["value"].as_str().unwrap_or("");
                    for expr in value.split("{{").skip(1).filter_map(|s| s.split_once("}}").map(|(e, _)| e.trim())) {
                        match expr.split('.').collect::<Vec<_>>().as_slice() {
                            ["inputs", "parameters", p] if !inputs.contains(*p) => {
                                problems.push(format!("{at}: uses input {p:?}, which its template does not declare"));
                            }
                            _ => {}
                        }
                    }
                }
                for d in task["depends"].as_str().map(dependency_names).unwrap_or_default() {
                    if !task_names.contains(d.as_str()) {
                        problems.push(format!("{at}: depends on {d:?}, which is not a task"));
                    }
                }
            }
        }
    }
    problems
}

fn resolve<'a>(
    cluster: &BTreeMap<&str, &'a Value>,
    local: &BTreeMap<&str, &'a Value>,
    task: &Value,
    at: &str,
    problems: &mut Vec<String>,
) -> Option<&'a Value> {
    if let Some(name) = task["template"].as_str() {
        let found = local.get(name).copied();
        if found.is_none() {
            problems.push(format!("{at}: template {name:?} does not exist"));
        }
        return found;
    }
    let r = &task["templateRef"];
    if r["clusterScope"] != true {
        problems.push(format!("{at}: templateRef is not clusterScope: true"));
        return None;
    }
    let (name, template) = (r["name"].as_str().unwrap_or(""), r["template"].as_str().unwrap_or(""));
    let Some(cwt) = cluster.get(name) else {
        problems.push(format!("{at}: templateRef names ClusterWorkflowTemplate {name:?}, which the build does not emit"));
        return None;
    };
    let found = params(&cwt["spec"]["templates"]).into_iter().find(|t| t["name"] == template);
    if found.is_none() {
        problems.push(format!("{at}: ClusterWorkflowTemplate {name:?} has no template {template:?}"));
    }
    found
}

fn check_arguments(task: &Value, target: &Value, at: &str, problems: &mut Vec<String>) {
    let given = names(&task["arguments"]["parameters"]);
    let inputs = params(&target["inputs"]["parameters"]);
    for input in &inputs {
        let name = input["name"].as_str().unwrap_or("");
        let required = input.get("default").is_none() && input.get("value").is_none();
        if required && !given.contains(name) {
            problems.push(format!("{at}: required input {name:?} is not supplied"));
        }
    }
    let declared: BTreeSet<&str> = inputs.iter().filter_map(|i| i["name"].as_str()).collect();
    for name in &given {
        if !declared.contains(name.as_str()) {
            problems.push(format!("{at}: passes {name:?}, which the template does not declare"));
        }
    }
}

fn check_expressions(
    value: &str,
    workflow_params: &BTreeSet<String>,
    tasks: &[&Value],
    cluster: &BTreeMap<&str, &Value>,
    local: &BTreeMap<&str, &Value>,
    at: &str,
    problems: &mut Vec<String>,
) {
    for expr in value.split("{{").skip(1).filter_map(|s| s.split_once("}}").map(|(e, _)| e.trim())) {
        let parts: Vec<&str> = expr.split('.').collect();
        match parts.as_slice() {
            ["workflow", "parameters", p] if !workflow_params.contains(*p) => {
                problems.push(format!("{at}: uses workflow parameter {p:?}, which is not declared"));
            }
            ["tasks", t, "outputs", "parameters", p] => {
                let task = tasks.iter().find(|task| task["name"] == *t);
                let mut sink = Vec::new();
                let outputs =
                    task.and_then(|task| resolve(cluster, local, task, at, &mut sink)).map(|tmpl| names(&tmpl["outputs"]["parameters"]));
                if !outputs.is_some_and(|o| o.contains(*p)) {
                    problems.push(format!("{at}: uses output {p:?} of task {t:?}, which it does not declare"));
                }
            }
            _ => {}
        }
    }
}

/// Task names in a `depends` expression such as `a && (b.Succeeded || c)`.
fn dependency_names(depends: &str) -> Vec<String> {
    depends
        .split(|c: char| c == '&' || c == '|' || c == '(' || c == ')' || c == '!' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.split('.').next().unwrap_or(s).to_owned())
        .collect()
}

fn find_cycle(edges: &BTreeMap<&str, Vec<String>>) -> Option<String> {
    fn visit<'a>(n: &'a str, edges: &'a BTreeMap<&str, Vec<String>>, state: &mut BTreeMap<&'a str, u8>) -> bool {
        match state.get(n) {
            Some(1) => return true,
            Some(2) => return false,
            _ => {}
        }
        state.insert(n, 1);
        for d in edges.get(n).into_iter().flatten() {
            if visit(d, edges, state) {
                return true;
            }
        }
        state.insert(n, 2);
        false
    }
    let mut state = BTreeMap::new();
    edges.keys().find(|n| visit(n, edges, &mut state)).map(|n| (*n).to_owned())
}

#[test]
fn the_checks_catch_broken_objects() {
    let Some(shared) = super::support::shared_argo() else { return };
    let broken = json!([{
        "apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
        "metadata": {"name": "x", "namespace": "n"},
        "spec": {"entrypoint": "main", "podGc": {"strategy": "OnPodSuccess"}, "activeDeadlineSeconds": "an hour", "templates": [{"name": "main", "dag": {"tasks": [
            {"name": "a", "depends": "b", "templateRef": {"name": "missing", "template": "t", "clusterScope": true}},
            {"name": "b", "depends": "a && ghost", "template": "main"}
        ]}}]}
    }]);
    let problems = check(&shared, broken.as_array().unwrap());
    let text = problems.join("\n");
    for expected in [
        "unknown field .spec.podGc",
        "is not of type \"integer\" at /spec/activeDeadlineSeconds",
        "does not emit",
        "\"ghost\", which is not a task",
        "cycle",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
}

#[test]
fn the_checks_catch_broken_library_dags() {
    let Some(shared) = super::support::shared_argo() else { return };
    let broken = json!([{
        "apiVersion": "argoproj.io/v1alpha1", "kind": "ClusterWorkflowTemplate",
        "metadata": {"name": "lib"},
        "spec": {"templates": [
            {"name": "outer", "inputs": {"parameters": [{"name": "image"}]}, "dag": {"tasks": [
                {"name": "a", "template": "ghost"},
                {"name": "b", "template": "inner", "depends": "nobody", "arguments": {"parameters": [{"name": "image", "value": "{{inputs.parameters.digest}}"}]}},
                {"name": "c", "template": "inner"}
            ]}},
            {"name": "inner", "inputs": {"parameters": [{"name": "image"}]}, "container": {"image": "x", "volumeMounts": [{"name": "nowhere", "mountPath": "/x"}]}}
        ]}
    }, {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
        "metadata": {"name": "p", "namespace": "n"},
        "spec": {"entrypoint": "main", "templates": [{"name": "main", "dag": {"tasks": [
            {"name": "t", "templateRef": {"name": "lib", "template": "outer", "clusterScope": true}, "arguments": {"parameters": [{"name": "image", "value": "r"}]}}
        ]}}]}
    }]);
    let text = check(&shared, broken.as_array().unwrap()).join("\n");
    for expected in [
        "does not hold",
        "uses input \"digest\"",
        "depends on \"nobody\"",
        "task \"c\": required input \"image\" is not supplied",
        "template \"inner\" mounts volume \"nowhere\"",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
}
