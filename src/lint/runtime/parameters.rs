//! Workflow parameters across `templateRef`: a template of another object reads
//! `{{workflow.parameters.X}}` from whichever workflow runs it, so each workflow that reaches it
//! must define X. Argo resolves that only when the pod starts.

use super::super::expr::{mentions, strings, variables};
use super::super::finding::Finding;
use super::super::index::{Index, text};
use super::super::rules::Rule;
use super::Run;
use std::collections::BTreeSet;

pub fn check(index: &Index, run: &Run, out: &mut Vec<Finding>) {
    let root = &index.units[run.root];
    let mut reported = BTreeSet::new();
    for reached in &run.reached {
        let Some(hop) = &reached.hop else { continue };
        let mut used = BTreeSet::new();
        strings(reached.template, "", &mut |_, s| {
            for v in variables(s) {
                if v.expression {
                    used.extend(mentions(v.name, "workflow.parameters"));
                } else if let Some(p) = v.name.strip_prefix("workflow.parameters.") {
                    used.insert(p.to_owned());
                }
            }
        });
        for p in used {
            if run.parameters.contains(p.as_str()) || !reported.insert((hop.clone(), p.clone())) {
                continue;
            }
            let message = format!(
                "runs template {:?} of {}, which uses {{{{workflow.parameters.{p}}}}}; {} defines no parameter {p:?}: add it under spec.arguments.parameters",
                text(reached.template, "name"),
                index.units[reached.unit].id(),
                root.id()
            );
            out.push(Finding::new(Rule::UndefinedWorkflowParameter, root.doc, hop.clone(), message));
        }
    }
}
