//! `pipewright install DIR`: copies the running binary into DIR, for init containers that put
//! pipewright on another container's PATH (Argo CD's repo-server).

use super::{Failure, Outcome, say};
use crate::gitops::{display, files};
use std::path::Path;

/// Copies the current executable to `dir/pipewright` (mode 0755), atomically.
pub fn run(dir: &Path, out: &mut dyn std::io::Write) -> Outcome {
    let exe = std::env::current_exe().map_err(|e| Failure::one(format!("cannot find the running binary: {e}")))?;
    let bytes = std::fs::read(&exe).map_err(|e| Failure::one(format!("{}: cannot be read: {e}", exe.display())))?;
    let target = dir.join("pipewright");
    let shown = display(&target);
    files::write_atomic(&target, &bytes, Some(0o755)).map_err(|e| Failure::one(format!("{shown}: cannot be written: {e}")))?;
    say(out, format!("installed {shown}"))
}
