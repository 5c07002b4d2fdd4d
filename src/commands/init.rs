//! `pipewright init [DIR] [--layout default|teams] [--migrate]`: scaffolds the GitOps layout
//! under DIR (default: the current directory). Never overwrites a file without `--force`, never
//! drops a kustomization's entries even with it, and run twice, it changes nothing. In a repo
//! of the default layout, `--layout teams` says what it would move, and with `--migrate` moves it.

use super::{Failure, Outcome, say};
use crate::gitops::layout::{self, Layout};
use crate::gitops::{display, files, kustomization, migrate, scaffold};
use std::path::{Path, PathBuf};

/// What `init` was asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The repo root to scaffold into.
    pub root: PathBuf,
    /// Replace files that differ from the scaffold (kustomizations keep their entries).
    pub force: bool,
    /// The layout to scaffold.
    pub layout: Layout,
    /// Move a default-layout repo's specs into the teams layout.
    pub migrate: bool,
}

/// Scaffolds (or migrates) the repo and reports each file.
pub fn run(request: &Request, out: &mut dyn std::io::Write) -> Outcome {
    let root = &request.root;
    match request.layout {
        Layout::Default if layout::detect(root) == Layout::Teams => Err(Failure::one(format!(
            "{}: this repo has the teams layout (argo/applicationset.yaml): run `pipewright init --layout teams`",
            display(root)
        ))),
        Layout::Default if request.migrate => Err(Failure::one("--migrate goes with --layout teams: it moves a repo to the teams layout")),
        Layout::Default => {
            scaffold_files(root, scaffold::files(), request.force, out)?;
            say(out, "next: pipewright add team NAME --namespace NS --group GROUP")?;
            say(out, "next: pipewright add pipeline NAME --namespace NS --repo URL --toolchain TOOLCHAIN --image REPO")
        }
        Layout::Teams if migrate::has_default_layout(root) => {
            let plan = migrate::plan(root).map_err(Failure::input)?;
            if !request.migrate {
                for line in migrate::describe(root, &plan) {
                    say(out, line)?;
                }
                return say(
                    out,
                    "nothing was changed: this repo has the default layout; run `pipewright init --layout teams --migrate` to move it",
                );
            }
            migrate::apply(root, &plan, &mut |line| say(out, line).map_err(|f| std::io::Error::other(f.lines.join("; "))))
                .map_err(Failure::one)?;
            say(out, "migrated: every Application root builds on its own; check with `pipewright render --check` or kustomize")
        }
        Layout::Teams => {
            scaffold_files(root, layout::scaffold_files(), request.force, out)?;
            say(out, "next: set repoURL in argo/applicationset.yaml to this repository")?;
            say(out, "next: pipewright add team NAME --namespace NS --group GROUP")
        }
    }
}

/// Writes `scaffold` under `root` and reports each file: created, unchanged, kept, updated
/// (a kustomization given back the scaffold's missing entries) or replaced.
fn scaffold_files(root: &Path, scaffold: Vec<(String, String)>, force: bool, out: &mut dyn std::io::Write) -> Outcome {
    let mut kept_different = 0;
    for (relative, contents) in scaffold {
        let path = root.join(&relative);
        let shown = display(&path);
        let existing = match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Failure::one(format!("{shown}: cannot be read: {e}"))),
        };
        let write = |text: &str| {
            files::write_atomic(&path, text.as_bytes(), None).map_err(|e| Failure::one(format!("{shown}: cannot be written: {e}")))
        };
        let (action, note) = match existing {
            None => {
                write(&contents)?;
                ("created", String::new())
            }
            Some(bytes) if bytes == contents.as_bytes() => ("unchanged", String::new()),
            Some(bytes) if relative.ends_with("/kustomization.yaml") => {
                // A kustomization lists the specs `add` wrote: never replace it, only give back
                // the scaffold's entries it lacks, editing the text so its comments stay.
                let text = String::from_utf8_lossy(&bytes);
                match kustomization::missing(&text, &contents).and_then(|m| Ok((kustomization::add_entries(&text, &m)?, m))) {
                    Err(e) => {
                        kept_different += 1;
                        ("kept", format!(" ({e}: fix it by hand; init never replaces a kustomization)"))
                    }
                    Ok((_, missing)) if missing.is_empty() => ("kept", " (lists every scaffold entry; your entries stay)".into()),
                    Ok((edited, missing)) => {
                        let list = |sign: &str| {
                            missing.iter().map(|(field, entry)| format!("{field}: {sign}{entry}")).collect::<Vec<_>>().join(", ")
                        };
                        if force {
                            write(&edited)?;
                            ("updated", format!(" ({}; your entries and comments stay)", list("+ ")))
                        } else {
                            kept_different += 1;
                            ("kept", format!(" (lacks the scaffold's entries {}: --force adds them back, keeping yours)", list("")))
                        }
                    }
                }
            }
            Some(_) if force => {
                write(&contents)?;
                ("replaced", String::new())
            }
            Some(_) => {
                kept_different += 1;
                ("kept", " (differs from the scaffold: --force replaces it)".into())
            }
        };
        say(out, format!("{action:<9} {shown}{note}"))?;
    }
    if kept_different > 0 {
        say(out, format!("{kept_different} existing file(s) left alone"))?;
    }
    Ok(())
}
