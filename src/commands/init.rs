//! `pipewright init [DIR]`: scaffolds the GitOps layout under DIR (default: the current
//! directory). Never overwrites a file without `--force`; run twice, it changes nothing.

use super::{Failure, Outcome, say};
use crate::gitops::{display, files, scaffold};
use std::path::Path;

/// Writes the scaffold under `root` and reports each file: created, overwritten or kept.
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
        let action = match existing {
            Some(bytes) if bytes == contents.as_bytes() => "unchanged",
            Some(_) if !force => {
                kept_different += 1;
                "kept"
            }
            found => {
                files::write_atomic(&path, contents.as_bytes(), None)
                    .map_err(|e| Failure::one(format!("{shown}: cannot be written: {e}")))?;
                if found.is_some() { "replaced" } else { "created" }
            }
        };
        let note = if action == "kept" { " (differs from the scaffold: --force replaces it)" } else { "" };
        say(out, format!("{action:<9} {shown}{note}"))?;
    }
    if kept_different > 0 {
        say(out, format!("{kept_different} existing file(s) left alone"))?;
    }
    say(out, "next: pipewright add team NAME --namespace NS --group GROUP")?;
    say(out, "next: pipewright add pipeline NAME --namespace NS --repo URL --toolchain TOOLCHAIN --image REPO")
}
