//! What Argo accepts but a run reveals: each workflow that runs (it has an entrypoint) is
//! followed from its entrypoint, onExit and hooks through every task and step, across
//! `templateRef`s, and the templates it reaches are judged with the workflow's own parameters
//! and volumes. Also the references a run needs (ServiceAccounts and their RBAC, PVCs, Secrets)
//! and the script text a value may be spliced into.

mod parameters;
mod rbac;
mod refs;
mod splice;
mod volumes;

use super::finding::Finding;
use super::index::{Index, calls, names, spec_hooks, text};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Runs every run-time check over the bundle.
pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for root in 0..index.units.len() {
        if let Some(run) = Run::follow(index, root) {
            parameters::check(index, &run, out);
            volumes::check(index, &run, out);
            rbac::service_account(index, &run, out);
        }
    }
    rbac::wildcards(index, out);
    refs::check(index, out);
    splice::check(index, out);
}

/// A template a run reaches.
#[derive(Debug, Clone)]
pub struct Reached<'a> {
    /// The unit that holds it.
    pub unit: usize,
    /// The template.
    pub template: &'a Value,
    /// Its path in its unit's document.
    pub path: String,
    /// The call in the running workflow's own templates through which the run left them for
    /// another object's template (None while it stays in its own).
    pub hop: Option<String>,
    /// The calls that run it.
    pub calls: Vec<CallSite<'a>>,
}

/// A call that runs a reached template.
#[derive(Debug, Clone)]
pub struct CallSite<'a> {
    /// The task's or step's name (the hook's, for a workflow hook).
    pub name: String,
    /// The template that holds the call (None for a workflow's hooks), with its unit and path.
    pub parent: Option<(usize, String, &'a Value)>,
}

/// One workflow as it runs.
#[derive(Debug)]
pub struct Run<'a> {
    /// The unit that runs.
    pub root: usize,
    /// The WorkflowTemplate its `workflowTemplateRef` names, if any.
    pub referenced: Option<usize>,
    /// The workflow parameters it defines.
    pub parameters: BTreeSet<&'a str>,
    /// Its volumes by name (with the unit and path of each), volume claim templates included.
    pub volumes: BTreeMap<&'a str, (usize, String, &'a Value)>,
    /// The templates it reaches, in the order first reached.
    pub reached: Vec<Reached<'a>>,
}

impl<'a> Run<'a> {
    /// Follows the unit's run, if it runs by itself.
    fn follow(index: &Index<'a>, root: usize) -> Option<Run<'a>> {
        let unit = &index.units[root];
        if !unit.runs() {
            return None;
        }
        let referenced = index.workflow_template_ref(root).and_then(Result::ok);
        let home: Vec<usize> = std::iter::once(root).chain(referenced).collect();
        let mut parameters = BTreeSet::new();
        let mut volumes = BTreeMap::new();
        for &h in &home {
            let u = &index.units[h];
            parameters.extend(names(&u.spec["arguments"]["parameters"]));
            for (i, v) in u.spec["volumes"].as_array().into_iter().flatten().enumerate() {
                volumes.entry(text(v, "name")).or_insert((h, format!("{}.volumes[{i}]", u.spec_path), v));
            }
            for (i, c) in u.spec["volumeClaimTemplates"].as_array().into_iter().flatten().enumerate() {
                let name = c.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
                volumes.entry(name).or_insert((h, format!("{}.volumeClaimTemplates[{i}]", u.spec_path), &Value::Null));
            }
        }
        let mut run = Run { root, referenced, parameters, volumes, reached: Vec::new() };
        let holder = referenced.unwrap_or(root);
        let entry =
            Some(text(unit.spec, "entrypoint")).filter(|e| !e.is_empty()).unwrap_or_else(|| text(index.units[holder].spec, "entrypoint"));
        let mut queue: Vec<(usize, &'a Value, String, Option<String>, Option<CallSite<'a>>)> = Vec::new();
        for name in [entry, text(unit.spec, "onExit"), text(index.units[holder].spec, "onExit")] {
            if let Some((path, t)) = index.units[holder].template(name).filter(|_| !name.is_empty()) {
                queue.push((holder, t, path, None, None));
            }
        }
        for &h in &home {
            for hook in spec_hooks(&index.units[h]) {
                if let Ok(target) = index.resolve(h, hook.value, &hook.path) {
                    let hop = (!home.contains(&target.unit)).then(|| hook.path.clone());
                    let name = hook.path.rsplit('.').next().unwrap_or("hook").to_owned();
                    queue.push((target.unit, target.template, target.path, hop, Some(CallSite { name, parent: None })));
                }
            }
        }
        let mut seen: BTreeMap<(usize, String), usize> = BTreeMap::new();
        let mut next = 0;
        queue.reverse();
        while let Some((u, template, path, hop, call)) = queue.pop() {
            let key = (u, path.clone());
            if let Some(&i) = seen.get(&key) {
                run.reached[i].calls.extend(call);
                continue;
            }
            seen.insert(key, next);
            next += 1;
            for c in calls(template, &path) {
                if let Ok(target) = index.resolve(u, c.value, &c.path) {
                    let hop = hop.clone().or_else(|| (!home.contains(&target.unit)).then(|| c.path.clone()));
                    let site = CallSite { name: text(c.value, "name").to_owned(), parent: Some((u, path.clone(), template)) };
                    queue.push((target.unit, target.template, target.path, hop, Some(site)));
                }
            }
            run.reached.push(Reached { unit: u, template, path, hop, calls: call.into_iter().collect() });
        }
        Some(run)
    }
}

/// The containers of a pod template, with their paths: main, init, sidecars, container sets.
pub fn containers<'a>(template: &'a Value, path: &str) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    for key in ["container", "script"] {
        if let Some(c) = template.get(key).filter(|c| c.is_object()) {
            out.push((format!("{path}.{key}"), c));
        }
    }
    for key in ["initContainers", "sidecars"] {
        for (i, c) in template[key].as_array().into_iter().flatten().enumerate() {
            out.push((format!("{path}.{key}[{i}]"), c));
        }
    }
    for (i, c) in template["containerSet"]["containers"].as_array().into_iter().flatten().enumerate() {
        out.push((format!("{path}.containerSet.containers[{i}]"), c));
    }
    out
}

/// The volume mounts of a pod template: (path of the mount, volume name).
pub fn mounts<'a>(template: &'a Value, path: &str) -> Vec<(String, &'a str)> {
    let mut out = Vec::new();
    for (cpath, c) in containers(template, path) {
        for (i, m) in c["volumeMounts"].as_array().into_iter().flatten().enumerate() {
            out.push((format!("{cpath}.volumeMounts[{i}].name"), text(m, "name")));
        }
    }
    for (i, m) in template["containerSet"]["volumeMounts"].as_array().into_iter().flatten().enumerate() {
        out.push((format!("{path}.containerSet.volumeMounts[{i}].name"), text(m, "name")));
    }
    out
}
