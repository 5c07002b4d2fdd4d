//! Volumes as a run sees them: every volumeMount of a reached template names a volume of the
//! running workflow (or of the template itself), `templateRef` included; and an `emptyDir` of
//! the workflow is not mounted by more than one of its pods, since each pod gets its own.

use super::super::finding::Finding;
use super::super::index::{Index, names, text};
use super::super::rules::Rule;
use super::{CallSite, Run, mounts};
use crate::lint::argo::did_you_mean;
use crate::lint::index::list;
use serde_json::Value;
use std::collections::BTreeMap;
use std::collections::BTreeSet;

pub fn check(index: &Index, run: &Run, out: &mut Vec<Finding>) {
    let root = &index.units[run.root];
    let mut empty_dir_pods: BTreeMap<&str, Vec<&CallSite>> = BTreeMap::new();
    for reached in &run.reached {
        let own = names(&reached.template["volumes"]);
        let unit = &index.units[reached.unit];
        for (path, volume) in mounts(reached.template, &reached.path) {
            if own.contains(&volume) {
                continue;
            }
            match run.volumes.get(volume) {
                Some((_, _, v)) if v.get("emptyDir").is_some() => {
                    empty_dir_pods.entry(volume).or_default().extend(reached.calls.iter());
                }
                Some(_) => {}
                None => {
                    let known = run.volumes.keys().copied().chain(own.iter().copied());
                    let hint = did_you_mean(volume, known);
                    match &reached.hop {
                        None => {
                            let message = format!(
                                "mounts volume {volume:?}, which neither template {:?} nor {} declares{hint}: add it under spec.volumes or spec.volumeClaimTemplates",
                                text(reached.template, "name"),
                                root.id()
                            );
                            out.push(Finding::new(Rule::VolumeMissing, unit.doc, path, message));
                        }
                        Some(hop) => {
                            let message = format!(
                                "runs template {:?} of {}, which mounts volume {volume:?}; {} declares no such volume{hint}: add it under spec.volumes or spec.volumeClaimTemplates",
                                text(reached.template, "name"),
                                unit.id(),
                                root.id()
                            );
                            out.push(Finding::new(Rule::VolumeMissing, root.doc, hop.clone(), message));
                        }
                    }
                }
            }
        }
    }
    for (volume, pods) in empty_dir_pods {
        // Pods that run side by side cannot mean to share files; one that runs after another
        // that mounts the same emptyDir expects to find what it wrote, and finds nothing.
        let pair = pods.iter().enumerate().find_map(|(i, a)| {
            pods[i + 1..].iter().find_map(|b| match order(a, b) {
                Some(true) => Some((*a, *b)),
                Some(false) => Some((*b, *a)),
                None => None,
            })
        });
        let Some((first, later)) = pair else { continue };
        let pods = [first.name.as_str(), later.name.as_str()];
        let (holder, path, _) = &run.volumes[volume];
        let message = format!(
            "emptyDir {volume:?} is mounted by {:?} and then by {:?}, which runs after it: each pod gets its own empty directory, so nothing {:?} writes there reaches {:?}; share files through a volumeClaimTemplate, or artifacts",
            pods[0], pods[1], pods[0], pods[1]
        );
        out.push(Finding::new(Rule::EmptyDirShared, index.units[*holder].doc, path.clone(), message));
    }
}

/// Whether `b` runs after `a` (Some(true)), `a` after `b` (Some(false)), or they may run side
/// by side (None): tasks of one DAG where one depends on the other, steps of different groups;
/// calls of different templates (nested, or an exit handler) run one after the other, in the
/// order they were reached.
fn order(a: &CallSite, b: &CallSite) -> Option<bool> {
    match (&a.parent, &b.parent) {
        (Some((ua, pa, template)), Some((ub, pb, _))) if ua == ub && pa == pb => {
            let tasks = list(&template["dag"]["tasks"]);
            if tasks.is_empty() {
                let group = |name: &str| list(&template["steps"]).iter().position(|g| list(g).iter().any(|s| text(s, "name") == name));
                let (ga, gb) = (group(&a.name), group(&b.name));
                return (ga != gb).then(|| ga < gb);
            }
            if depends_on(tasks, &b.name, &a.name) {
                Some(true)
            } else if depends_on(tasks, &a.name, &b.name) {
                Some(false)
            } else {
                None
            }
        }
        (None, None) => None,
        _ => Some(true),
    }
}

/// Whether task `later` depends on task `earlier`, directly or through others.
fn depends_on(tasks: &[Value], later: &str, earlier: &str) -> bool {
    let deps = |name: &str| -> Vec<String> {
        let Some(task) = tasks.iter().find(|t| text(t, "name") == name) else { return Vec::new() };
        let mut d: Vec<String> = list(&task["dependencies"]).iter().filter_map(Value::as_str).map(str::to_owned).collect();
        if let Some(expr) = task.get("depends").and_then(Value::as_str) {
            d.extend(crate::lint::argo::depends_names(expr).into_iter().map(|(n, _)| n.to_owned()));
        }
        d
    };
    let mut seen = BTreeSet::new();
    let mut stack = deps(later);
    while let Some(n) = stack.pop() {
        if n == earlier {
            return true;
        }
        if seen.insert(n.clone()) {
            stack.extend(deps(&n));
        }
    }
    false
}
