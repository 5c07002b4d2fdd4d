//! `pipewright render [DIR] --out OUT [--check]`: expands a GitOps tree in-process (no
//! kustomize needed) into plain files, one per object, for Argo CD installs that cannot run
//! exec plugins. `--check` writes nothing; it prints a unified diff and exits 1 when the
//! committed tree differs from a fresh render, like `cargo fmt --check`.

use super::{Failure, Outcome, exit, say};
use crate::function;
use crate::gitops::{display, rendered, tree};
use crate::krm::{ResourceList, Severity};
use std::path::PathBuf;

/// What to render, and where.
#[derive(Debug, Clone)]
pub struct Request {
    /// The kustomization directory to expand (the `argo/` tree).
    pub dir: PathBuf,
    /// The rendered tree's directory.
    pub out: PathBuf,
    /// Compare instead of writing.
    pub check: bool,
}

/// Renders `request.dir`, then writes or checks `request.out`. Warnings go to `errors`.
pub fn run(request: &Request, out: &mut dyn std::io::Write, errors: &mut dyn std::io::Write) -> Outcome {
    let objects = tree::collect(&request.dir, tree::Strictness::Exact).map_err(Failure::input)?;
    let outcome = function::process(ResourceList { items: objects, function_config: None, results: Vec::new() });
    let results = &outcome.results;
    if outcome.failed {
        return Err(Failure { code: exit::INPUT, lines: results.iter().map(|r| r.to_line()).collect() });
    }
    for warning in results.iter().filter(|r| r.severity != Severity::Error) {
        let _ = writeln!(errors, "pipewright: {}", warning.to_line());
    }
    let fresh = rendered::files(&outcome.items().collect::<Vec<_>>()).map_err(Failure::input)?;
    let shown = display(&request.out);
    if request.check {
        let committed = rendered::read(&request.out).map_err(|e| Failure::one(format!("{shown}: cannot be read: {e}")))?;
        let diff = rendered::diff(&committed, &fresh, shown.trim_end_matches('/'));
        if diff.is_empty() {
            return say(out, format!("{shown} is up to date ({} objects)", fresh.len() - 1));
        }
        let _ = out.write_all(diff.as_bytes());
        return Err(Failure::one(format!(
            "{shown} differs from a fresh render of {}: run `pipewright render` and commit the result",
            display(&request.dir)
        )));
    }
    rendered::write(&request.out, &fresh).map_err(Failure::one)?;
    say(out, format!("rendered {} objects from {} into {shown}", fresh.len() - 1, display(&request.dir)))
}
