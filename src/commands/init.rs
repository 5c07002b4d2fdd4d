//! `pipewright init [DIR]`: scaffolds the GitOps layout under DIR (default: the current
//! directory). Never overwrites a file without `--force`, never drops a kustomization's
//! entries even with it, and run twice, it changes nothing.

use super::{Failure, Outcome, say};
use crate::gitops::{display, files, kustomization, scaffold};
use std::path::Path;

/// Writes the scaffold under `root` and reports each file: created, unchanged, kept, updated
/// (a kustomization given back the scaffold's missing entries) or replaced.
pub fn run(root: &Path, force: bool, out: &mut dyn std::io::Write) -> Outcome {
    let mut kept_different = 0;
    for (relative, contents) in scaffold::files() {
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
    say(out, "next: pipewright add team NAME --namespace NS --group GROUP")?;
    say(out, "next: pipewright add pipeline NAME --namespace NS --repo URL --toolchain TOOLCHAIN --image REPO")
}
