//! Variables in scope: each `{{…}}` in a template names something that exists where it is used:
//! `inputs.*` the template declares, `tasks.X` of the task's ancestors only (any task in the
//! DAG's outputs), `steps.X` of earlier step groups, `item` inside a loop, and
//! `workflow.parameters.X` that the workflow defines.

use super::super::expr::{mentions, strings, variables};
use super::super::finding::Finding;
use super::super::index::{Index, Unit, UnitKind, list, names, text};
use super::super::rules::Rule;
use super::did_you_mean;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The roots Argo's validator resolves; any other `{{…}}` (`{{duration}}` in a metric, a
/// custom tag) it leaves alone, and so does this check.
const CHECKED_ROOTS: [&str; 7] = ["item", "steps", "inputs", "outputs", "pod", "workflow", "tasks"];

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for (u, unit) in index.units.iter().enumerate() {
        let workflow_params = workflow_parameters(index, u);
        for (path, template) in unit.templates() {
            Scope::new(index, u, template, workflow_params.as_ref()).check(&path, out);
        }
        let _ = unit;
    }
}

/// The workflow parameters a unit's own templates may use, or None when more may come from
/// elsewhere: a template's caller, or, for a WorkflowTemplate, whoever submits it (a
/// WorkflowEventBinding or `argo submit --from` may add parameters).
pub fn workflow_parameters<'a>(index: &'a Index, u: usize) -> Option<BTreeSet<&'a str>> {
    let unit = &index.units[u];
    if matches!(unit.kind, UnitKind::ClusterWorkflowTemplate | UnitKind::WorkflowTemplate) {
        return None;
    }
    let mut params: BTreeSet<&str> = names(&unit.spec["arguments"]["parameters"]).into_iter().collect();
    if let Some(Ok(r)) = index.workflow_template_ref(u) {
        params.extend(names(&index.units[r].spec["arguments"]["parameters"]));
    }
    Some(params)
}

struct Scope<'a, 'i> {
    index: &'i Index<'a>,
    unit: &'i Unit<'a>,
    u: usize,
    template: &'a Value,
    workflow_params: Option<&'i BTreeSet<&'a str>>,
    inputs: BTreeMap<&'static str, Vec<&'a str>>,
    outputs: BTreeMap<&'static str, Vec<&'a str>>,
    /// DAG task → the tasks it depends on, transitively.
    ancestors: BTreeMap<&'a str, BTreeSet<&'a str>>,
    tasks: Vec<&'a Value>,
    /// Step names, by group.
    steps: Vec<Vec<&'a str>>,
}

impl<'a, 'i> Scope<'a, 'i> {
    fn new(index: &'i Index<'a>, u: usize, template: &'a Value, workflow_params: Option<&'i BTreeSet<&'a str>>) -> Self {
        let kinds = |holder: &'a Value| -> BTreeMap<&'static str, Vec<&'a str>> {
            [("parameters", names(&holder["parameters"])), ("artifacts", names(&holder["artifacts"]))].into_iter().collect()
        };
        let tasks: Vec<&Value> = list(&template["dag"]["tasks"]).iter().collect();
        let mut direct: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for task in &tasks {
            let mut deps: Vec<&str> = list(&task["dependencies"]).iter().filter_map(Value::as_str).collect();
            if let Some(expr) = task.get("depends").and_then(Value::as_str) {
                deps.extend(super::dag::depends_names(expr).into_iter().map(|(n, _)| n));
            }
            direct.insert(text(task, "name"), deps);
        }
        let mut ancestors = BTreeMap::new();
        for name in direct.keys() {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&str> = direct[name].clone();
            while let Some(n) = stack.pop() {
                if seen.insert(n) {
                    stack.extend(direct.get(n).into_iter().flatten().copied());
                }
            }
            ancestors.insert(*name, seen);
        }
        let steps = list(&template["steps"]).iter().map(|g| list(g).iter().map(|s| text(s, "name")).collect()).collect();
        Scope {
            index,
            unit: &index.units[u],
            u,
            template,
            workflow_params,
            inputs: kinds(&template["inputs"]),
            outputs: kinds(&template["outputs"]),
            ancestors,
            tasks,
            steps,
        }
    }

    fn check(&self, path: &str, out: &mut Vec<Finding>) {
        let mut found = Vec::new();
        strings(self.template, "", &mut |rel, s| {
            if rel.contains(".inline") || rel.starts_with("inline") || !s.contains("{{") {
                return;
            }
            for v in variables(s) {
                let problem = if v.expression { self.expression(v.name) } else { self.variable(rel, v.name) };
                if let Some(message) = problem {
                    found.push(Finding::new(Rule::VariableScope, self.unit.doc, format!("{path}.{rel}"), message));
                }
            }
        });
        out.extend(found);
    }

    /// The call a field belongs to: a DAG task (`dag.tasks[i]…`) or a step (`steps[g][i]…`).
    fn call_of(&self, rel: &str) -> Option<(&'a Value, Option<usize>)> {
        if let Some(rest) = rel.strip_prefix("dag.tasks[") {
            let i: usize = rest.split(']').next()?.parse().ok()?;
            return Some((self.tasks.get(i)?, None));
        }
        if let Some(rest) = rel.strip_prefix("steps[") {
            let mut parts = rest.split(['[', ']']).filter(|s| !s.is_empty());
            let g: usize = parts.next()?.parse().ok()?;
            let i: usize = parts.next()?.parse().ok()?;
            let step = self.template["steps"].get(g)?.get(i)?;
            return Some((step, Some(g)));
        }
        None
    }

    fn expression(&self, expr: &str) -> Option<String> {
        for name in mentions(expr, "inputs.parameters") {
            if !self.inputs["parameters"].contains(&name.as_str()) {
                return Some(self.not_declared("input parameter", &name, "inputs.parameters"));
            }
        }
        let params = self.workflow_params?;
        for name in mentions(expr, "workflow.parameters") {
            if !params.contains(name.as_str()) {
                return Some(self.undefined_workflow_parameter(&name));
            }
        }
        None
    }

    fn not_declared(&self, what: &str, name: &str, field: &str) -> String {
        let declared = &self.inputs[if what.ends_with("artifact") { "artifacts" } else { "parameters" }];
        format!(
            "{what} {name:?} is not declared by template {:?}{}: declare it under {field}",
            text(self.template, "name"),
            did_you_mean(name, declared.iter().copied())
        )
    }

    fn undefined_workflow_parameter(&self, name: &str) -> String {
        let params = self.workflow_params.map(|p| p.iter().copied().collect::<Vec<_>>()).unwrap_or_default();
        format!(
            "workflow parameter {name:?} is not defined in {}.arguments.parameters{}",
            self.unit.spec_path,
            did_you_mean(name, params.iter().copied())
        )
    }

    fn variable(&self, rel: &str, name: &str) -> Option<String> {
        let parts: Vec<&str> = name.split('.').collect();
        if !CHECKED_ROOTS.contains(&parts[0]) {
            return None;
        }
        let call = self.call_of(rel);
        // A call's hooks run after it: the call itself is in their scope.
        let in_hook = rel.contains(".hooks.");
        match parts.as_slice() {
            ["inputs", kind @ ("parameters" | "artifacts"), p, ..] => {
                let what = if *kind == "parameters" { "input parameter" } else { "input artifact" };
                (!self.inputs[kind].contains(p)).then(|| self.not_declared(what, p, &format!("inputs.{kind}")))
            }
            ["outputs", kind @ ("parameters" | "artifacts"), p, ..] => (!self.outputs[kind].contains(p)).then(|| {
                format!("output {p:?} is not declared by template {:?}: declare it under outputs.{kind}", text(self.template, "name"))
            }),
            ["workflow", "parameters", p, ..] => {
                let params = self.workflow_params?;
                (!params.contains(p)).then(|| self.undefined_workflow_parameter(p))
            }
            ["tasks", "name"] | ["steps", "name"] => None,
            ["tasks", task, rest @ ..] => self.task(call, task, rest, in_hook),
            ["steps", step, ..] => self.step(call, step, in_hook),
            ["item", ..] => match call {
                Some((c, _)) if ["withItems", "withParam", "withSequence"].iter().any(|k| c.get(*k).is_some()) => None,
                _ => Some(format!("{{{{{name}}}}} is only set inside a task or step with withItems, withParam or withSequence")),
            },
            _ => None,
        }
    }

    fn task(&self, call: Option<(&'a Value, Option<usize>)>, task: &str, rest: &[&str], in_hook: bool) -> Option<String> {
        if self.tasks.is_empty() {
            return Some(format!("tasks.{task} is used in template {:?}, which is not a DAG", text(self.template, "name")));
        }
        let Some(target) = self.tasks.iter().find(|t| text(t, "name") == task) else {
            let all = self.tasks.iter().map(|t| text(t, "name"));
            return Some(format!("tasks.{task} names no task of this DAG{}", did_you_mean(task, all)));
        };
        if let Some((c, _)) = call {
            let me = text(c, "name");
            if !(in_hook && me == task) && !self.ancestors.get(me).is_some_and(|a| a.contains(task)) {
                return Some(format!("task {me:?} uses tasks.{task}, which it does not depend on: add {task:?} to its `depends`"));
            }
        }
        if let ["outputs", "parameters", p, ..] = rest {
            let path = "";
            if let Ok(t) = self.index.resolve(self.u, target, path) {
                let declared = names(&t.template["outputs"]["parameters"]);
                if !declared.contains(p) {
                    return Some(format!(
                        "tasks.{task}.outputs.parameters.{p}: template {:?} declares no output {p:?}{}",
                        text(t.template, "name"),
                        did_you_mean(p, declared.iter().copied())
                    ));
                }
            }
        }
        None
    }

    fn step(&self, call: Option<(&'a Value, Option<usize>)>, step: &str, in_hook: bool) -> Option<String> {
        if self.steps.is_empty() {
            return Some(format!("steps.{step} is used in template {:?}, which has no steps", text(self.template, "name")));
        }
        let before = match call {
            Some((_, Some(g))) => g + usize::from(in_hook),
            _ => self.steps.len(),
        };
        if self.steps[..before].iter().flatten().any(|s| *s == step) {
            return None;
        }
        if self.steps.iter().flatten().any(|s| *s == step) {
            return Some(format!("steps.{step} is used before step {step:?} runs: only steps of earlier groups are in scope"));
        }
        Some(format!("steps.{step} names no step of this template{}", did_you_mean(step, self.steps.iter().flatten().copied())))
    }
}
