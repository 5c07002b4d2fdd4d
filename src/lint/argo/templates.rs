//! Templates and what names them: an entrypoint that resolves, onExit and hooks that resolve,
//! every task and step naming a template that exists (locally, or through a `templateRef` to a
//! WorkflowTemplate or ClusterWorkflowTemplate in the bundle), `workflowTemplateRef`s that
//! resolve, and exactly one type per template.

use super::super::finding::Finding;
use super::super::index::{Call, Index, Unit, UnitKind, Unresolved, calls, spec_hooks, text};
use super::super::rules::Rule;
use super::{did_you_mean, listing};
use serde_json::Value;

/// The fields that give a template its type; a template has exactly one.
pub const TYPES: [&str; 10] = ["container", "containerSet", "script", "resource", "dag", "steps", "suspend", "data", "http", "plugin"];

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for (u, unit) in index.units.iter().enumerate() {
        let referenced = match index.workflow_template_ref(u) {
            Some(Ok(target)) => Some(target),
            Some(Err(what)) => {
                let rule = ref_rule(unit);
                let path = format!("{}.workflowTemplateRef.name", unit.spec_path);
                out.push(Finding::new(
                    rule,
                    unit.doc,
                    path,
                    format!("workflowTemplateRef names {what}, which is not in the bundle{}", hint(index, unit, &what)),
                ));
                None
            }
            None => None,
        };
        entrypoint(index, unit, referenced, out);
        for (path, template) in unit.templates() {
            template_type(unit.doc, template, &path, out);
            for call in calls(template, &path) {
                resolve(index, u, &call, out);
                if let Some(on_exit) = call.value.get("onExit").and_then(Value::as_str) {
                    local(unit, on_exit, &format!("{}.onExit", call.path), out);
                }
            }
        }
        for hook in spec_hooks(unit) {
            resolve(index, u, &hook, out);
        }
    }
}

fn ref_rule(unit: &Unit) -> Rule {
    if unit.kind == UnitKind::SensorWorkflow { Rule::TriggerTemplateMissing } else { Rule::TemplateRefMissing }
}

/// The entrypoint and onExit: required for what runs by itself, and naming a template of the
/// spec (or of the WorkflowTemplate it refers to).
fn entrypoint(index: &Index, unit: &Unit, referenced: Option<usize>, out: &mut Vec<Finding>) {
    let holder = referenced.map(|r| &index.units[r]).unwrap_or(unit);
    let entry = text(unit.spec, "entrypoint");
    let path = format!("{}.entrypoint", unit.spec_path);
    let must_run = matches!(unit.kind, UnitKind::Workflow | UnitKind::CronWorkflow | UnitKind::SensorWorkflow);
    if entry.is_empty() {
        let inherited = referenced.is_some_and(|r| !text(index.units[r].spec, "entrypoint").is_empty());
        if must_run && !inherited && unit.spec.get("workflowTemplateRef").is_none() {
            out.push(Finding::new(
                Rule::Entrypoint,
                unit.doc,
                path,
                format!("spec has no entrypoint: name the template to run ({})", names(holder)),
            ));
        }
    } else if holder.template(entry).is_none() && !(referenced.is_none() && unit.spec.get("workflowTemplateRef").is_some()) {
        let message = format!(
            "entrypoint {entry:?} is not a template of {} (valid: {}){}",
            holder.id(),
            names(holder),
            did_you_mean(entry, template_names(holder))
        );
        out.push(Finding::new(Rule::Entrypoint, unit.doc, path, message));
    }
    if let Some(on_exit) = unit.spec.get("onExit").and_then(Value::as_str) {
        local(holder, on_exit, &format!("{}.onExit", unit.spec_path), out);
    }
}

fn template_names<'a>(unit: &'a Unit) -> impl Iterator<Item = &'a str> + 'a {
    unit.templates().map(|(_, t)| text(t, "name"))
}

fn names(unit: &Unit) -> String {
    listing(template_names(unit))
}

fn local(unit: &Unit, name: &str, path: &str, out: &mut Vec<Finding>) {
    if unit.template(name).is_none() {
        let message = format!(
            "template {name:?} is not a template of {} (valid: {}){}",
            unit.id(),
            names(unit),
            did_you_mean(name, template_names(unit))
        );
        out.push(Finding::new(Rule::TemplateMissing, unit.doc, path, message));
    }
}

fn resolve(index: &Index, u: usize, call: &Call, out: &mut Vec<Finding>) {
    let unit = &index.units[u];
    match index.resolve(u, call.value, &call.path) {
        Ok(_) => {}
        Err(Unresolved::Nothing) => {
            let message = "names no template: give it `template`, `templateRef` or `inline`".to_owned();
            out.push(Finding::new(Rule::TemplateMissing, unit.doc, call.path.clone(), message));
        }
        Err(Unresolved::Local(name)) => local(unit, &name, &format!("{}.template", call.path), out),
        Err(Unresolved::Object(what)) => {
            let message = format!("templateRef names {what}, which is not in the bundle{}", hint(index, unit, &what));
            out.push(Finding::new(ref_rule(unit), unit.doc, format!("{}.templateRef.name", call.path), message));
        }
        Err(Unresolved::Template(holder, template)) => {
            let r = &call.value["templateRef"];
            let cluster = r.get("clusterScope").and_then(Value::as_bool).unwrap_or(false);
            let known: Vec<&str> = index
                .holder(text(r, "name"), cluster, unit.namespace)
                .map(|h| template_names(&index.units[h]).collect())
                .unwrap_or_default();
            let message = format!(
                "{holder} has no template {template:?} (valid: {}){}",
                listing(known.iter().copied()),
                did_you_mean(&template, known.iter().copied())
            );
            out.push(Finding::new(ref_rule(unit), unit.doc, format!("{}.templateRef.template", call.path), message));
        }
    }
}

/// A hint for a reference that missed: the other scope holds that name, or a name is close.
fn hint(index: &Index, unit: &Unit, what: &str) -> String {
    let (cluster, name) = match what.split_once(' ') {
        Some((kind, name)) => (kind == "ClusterWorkflowTemplate", name.trim_matches('"')),
        None => return String::new(),
    };
    if index.holder(name, !cluster, unit.namespace).is_some() {
        let fix = if cluster {
            "a WorkflowTemplate of that name is: drop `clusterScope: true`"
        } else {
            "a ClusterWorkflowTemplate of that name is: set `clusterScope: true`"
        };
        return format!(" ({fix})");
    }
    let kind = if cluster { UnitKind::ClusterWorkflowTemplate } else { UnitKind::WorkflowTemplate };
    let candidates: Vec<&str> = index.units.iter().filter(|u| u.kind == kind).map(|u| u.name).collect();
    did_you_mean(name, candidates)
}

fn template_type(doc: usize, template: &Value, path: &str, out: &mut Vec<Finding>) {
    let types: Vec<&str> = TYPES.iter().copied().filter(|t| template.get(*t).is_some_and(|v| !v.is_null())).collect();
    let message = match types.len() {
        1 => return,
        0 => format!("template {:?} has no type: give it one of {}", text(template, "name"), TYPES.join(", ")),
        _ => format!("template {:?} has more than one type ({}): keep one", text(template, "name"), types.join(", ")),
    };
    out.push(Finding::new(Rule::TemplateType, doc, path, message));
}
