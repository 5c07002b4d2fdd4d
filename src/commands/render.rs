//! `pipewright render [DIR] --out OUT [--check]`: expands a GitOps tree in-process (no
//! kustomize needed) into plain files, one per object, for Argo CD installs that cannot run
//! exec plugins. `--check` writes nothing; it prints a unified diff and exits 1 when the
//! committed tree differs from a fresh render, like `cargo fmt --check`. With a docs directory
//! (`--docs DIR`, or `docs/pipelines` beside the tree when `render --docs` wrote it there), it
//! also writes, or checks, one markdown page per Team with its pipelines' graphs and explanations.

use super::{Failure, Outcome, exit, say};
use crate::explain::pages;
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
    /// The Team pages' directory, when they are written or checked.
    pub docs: Option<PathBuf>,
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
    let items: Vec<_> = outcome.items().collect();
    let fresh = rendered::files(&items).map_err(Failure::input)?;
    let docs = match &request.docs {
        Some(dir) => Some((dir, pages::pages(&items).map_err(Failure::input)?)),
        None => None,
    };
    let shown = display(&request.out);
    if request.check {
        let mut diffs = String::new();
        let mut stale = Vec::new();
        let committed = rendered::read(&request.out).map_err(|e| Failure::one(format!("{shown}: cannot be read: {e}")))?;
        let diff = rendered::diff(&committed, &fresh, shown.trim_end_matches('/'));
        if !diff.is_empty() {
            diffs.push_str(&diff);
            stale.push(format!(
                "{shown} differs from a fresh render of {}: run `pipewright render` and commit the result",
                display(&request.dir)
            ));
        }
        if let Some((dir, pages)) = &docs {
            let docs_shown = display(dir);
            let committed = rendered::read(dir).map_err(|e| Failure::one(format!("{docs_shown}: cannot be read: {e}")))?;
            let diff = rendered::diff(&committed, pages, docs_shown.trim_end_matches('/'));
            if !diff.is_empty() {
                diffs.push_str(&diff);
                stale.push(format!(
                    "{docs_shown} differs from fresh Team pages: run `pipewright render --docs {docs_shown}` and commit the result"
                ));
            }
        }
        if stale.is_empty() {
            say(out, format!("{shown} is up to date ({} objects)", fresh.len() - 1))?;
            if let Some((dir, pages)) = &docs {
                say(out, format!("{} is up to date ({} pages)", display(dir), pages.len()))?;
            }
            return Ok(());
        }
        let _ = out.write_all(diffs.as_bytes());
        return Err(Failure::input(stale));
    }
    rendered::write(&request.out, &fresh).map_err(Failure::one)?;
    say(out, format!("rendered {} objects from {} into {shown}", fresh.len() - 1, display(&request.dir)))?;
    if let Some((dir, pages)) = &docs {
        rendered::write_marked(dir, pages, pages::INDEX, pages::HEADER, "--docs").map_err(Failure::one)?;
        say(out, format!("wrote {} Team pages and an index into {}", pages.len() - 1, display(dir)))?;
    }
    Ok(())
}
