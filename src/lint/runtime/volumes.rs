//! Volumes as a run sees them: every volumeMount of a reached template names a volume of the
//! running workflow (or of the template itself), `templateRef` included; and an `emptyDir` of
//! the workflow is not mounted by more than one of its pods, since each pod gets its own.

use super::super::finding::Finding;
use super::super::index::{Index, names, text};
use super::super::rules::Rule;
use super::{Run, mounts};
use crate::lint::argo::did_you_mean;
use std::collections::BTreeMap;

pub fn check(index: &Index, run: &Run, out: &mut Vec<Finding>) {
    let root = &index.units[run.root];
    let mut empty_dir_pods: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for reached in &run.reached {
        let own = names(&reached.template["volumes"]);
        let unit = &index.units[reached.unit];
        for (path, volume) in mounts(reached.template, &reached.path) {
            if own.contains(&volume) {
                continue;
            }
            match run.volumes.get(volume) {
                Some((_, _, v)) if v.get("emptyDir").is_some() => {
                    let callers = reached.calls.iter().map(|(_, name)| name.clone());
                    let pods: Vec<String> =
                        if reached.calls.is_empty() { vec![text(reached.template, "name").to_owned()] } else { callers.collect() };
                    let list = empty_dir_pods.entry(volume).or_default();
                    for pod in pods {
                        if !list.contains(&pod) {
                            list.push(pod);
                        }
                    }
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
        if pods.len() < 2 {
            continue;
        }
        let (holder, path, _) = &run.volumes[volume];
        let message = format!(
            "emptyDir {volume:?} is mounted by {} pods ({}): each pod gets its own empty directory, so nothing written in one is seen by another; share files through a volumeClaimTemplate, or artifacts",
            pods.len(),
            pods.join(", ")
        );
        out.push(Finding::new(Rule::EmptyDirShared, index.units[*holder].doc, path.clone(), message));
    }
}
