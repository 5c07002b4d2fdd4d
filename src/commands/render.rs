//! `pipewright render [DIR] --out OUT [--check]`: expands a GitOps tree in-process (no
//! kustomize needed) into plain files, one per object, for Argo CD installs that cannot run
//! exec plugins. `--check` writes nothing; it prints a unified diff and exits 1 when the
//! committed tree differs from a fresh render, like `cargo fmt --check`. With a docs directory
//! (`--docs DIR`, or `docs/pipelines` beside the tree when `render --docs` wrote it there), it
//! also writes, or checks, one markdown page per Team with its pipelines' graphs and explanations.
//! Both layouts: every Application root is expanded on its own (`gitops::roots`).

use super::{Failure, Outcome, exit, say};
use crate::explain::pages;
use crate::gitops::{display, rendered, roots};
use crate::krm::Severity;
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

/// Renders `request.dir`, then writes or checks `request.out`. Warnings go to `errors`. The
/// default layout renders its one root into OUT; the teams layout renders each Application
/// root (`argo/platform`, `argo/teams/<namespace>`) on its own into OUT/<root>, each with its
/// kustomization, and lists them in OUT/kustomization.yaml.
pub fn run(request: &Request, out: &mut dyn std::io::Write, errors: &mut dyn std::io::Write) -> Outcome {
    let (expanded, across) = roots::expand(&request.dir).map_err(Failure::input)?;
    let mut failures: Vec<String> = Vec::new();
    for root in expanded.iter().filter(|r| r.outcome.failed) {
        failures.extend(root.outcome.results.iter().map(|r| r.to_line()));
    }
    failures.extend(across.iter().map(|r| r.to_line()));
    if !failures.is_empty() {
        return Err(Failure { code: exit::INPUT, lines: failures });
    }
    for root in &expanded {
        for warning in root.outcome.results.iter().filter(|r| r.severity != Severity::Error) {
            let _ = writeln!(errors, "pipewright: {}", warning.to_line());
        }
    }
    let fresh = tree_files(&expanded).map_err(Failure::input)?;
    let objects = fresh.keys().filter(|p| *p != "kustomization.yaml" && !p.ends_with("/kustomization.yaml")).count();
    let docs = match &request.docs {
        Some(dir) => {
            let items: Vec<_> = expanded.iter().flat_map(|r| r.outcome.items()).collect();
            Some((dir, pages::pages(&items).map_err(Failure::input)?))
        }
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
            say(out, format!("{shown} is up to date ({objects} objects)"))?;
            if let Some((dir, pages)) = &docs {
                say(out, format!("{} is up to date ({} pages)", display(dir), pages.len()))?;
            }
            return Ok(());
        }
        let _ = out.write_all(diffs.as_bytes());
        return Err(Failure::input(stale));
    }
    rendered::write(&request.out, &fresh).map_err(Failure::one)?;
    let roots = if expanded.len() == 1 { String::new() } else { format!(" ({} Application roots)", expanded.len()) };
    say(out, format!("rendered {objects} objects from {}{roots} into {shown}", display(&request.dir)))?;
    if let Some((dir, pages)) = &docs {
        rendered::write_marked(dir, pages, pages::INDEX, pages::HEADER, "--docs").map_err(Failure::one)?;
        say(out, format!("wrote {} Team pages and an index into {}", pages.len() - 1, display(dir)))?;
    }
    Ok(())
}

/// The rendered tree: one root's files at the top, or each root's under its label, with a
/// kustomization over the roots.
fn tree_files(expanded: &[roots::Expanded]) -> Result<rendered::Files, Vec<String>> {
    if let [only] = expanded
        && only.root.label == "."
    {
        return rendered::files(&only.outcome.items().collect::<Vec<_>>());
    }
    let mut out = rendered::Files::new();
    for root in expanded {
        let files = rendered::files(&root.outcome.items().collect::<Vec<_>>())?;
        out.extend(files.into_iter().map(|(path, text)| (format!("{}/{path}", root.root.label), text)));
    }
    let labels: Vec<String> = expanded.iter().map(|r| r.root.label.clone()).collect();
    out.insert("kustomization.yaml".into(), rendered::kustomization(&labels));
    Ok(out)
}
