//! `pipewright render [DIR] --out OUT [--check]`: expands a GitOps tree in-process (no
//! kustomize needed) into plain files, one per object, for Argo CD installs that cannot run
//! exec plugins. `--check` writes nothing; it prints a unified diff and exits 1 when the
//! committed tree differs from a fresh render, like `cargo fmt --check`.

use super::{Failure, Outcome, exit, say};
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
}

/// Renders `request.dir`, then writes or checks `request.out`. Warnings go to `errors`. The
/// default layout renders its one root into OUT; the teams layout renders each Application
/// root (`argo/platform`, `argo/teams/<namespace>`) on its own into OUT/<root>, each with its
/// kustomization, and lists them in OUT/kustomization.yaml.
pub fn run(request: &Request, out: &mut dyn std::io::Write, errors: &mut dyn std::io::Write) -> Outcome {
    let (expanded, across) = roots::expand(&request.dir).map_err(Failure::input)?;
    let mut failures: Vec<String> = Vec::new();
    for root in &expanded {
        let results = &root.outcome.results;
        if root.outcome.failed {
            failures.extend(results.iter().map(|r| r.to_line()));
        }
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
    let shown = display(&request.out);
    if request.check {
        let committed = rendered::read(&request.out).map_err(|e| Failure::one(format!("{shown}: cannot be read: {e}")))?;
        let diff = rendered::diff(&committed, &fresh, shown.trim_end_matches('/'));
        if diff.is_empty() {
            return say(out, format!("{shown} is up to date ({objects} objects)"));
        }
        let _ = out.write_all(diff.as_bytes());
        return Err(Failure::one(format!(
            "{shown} differs from a fresh render of {}: run `pipewright render` and commit the result",
            display(&request.dir)
        )));
    }
    rendered::write(&request.out, &fresh).map_err(Failure::one)?;
    let roots = if expanded.len() == 1 { String::new() } else { format!(" ({} Application roots)", expanded.len()) };
    say(out, format!("rendered {objects} objects from {}{roots} into {shown}", display(&request.dir)))
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
