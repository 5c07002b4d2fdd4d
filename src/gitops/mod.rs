//! The GitOps repo on disk, for the commands that read and write it: the scaffold `init`
//! writes, the kustomization edits `add` makes, the local kustomize tree `render` follows,
//! and the rendered tree it writes and checks. Sits after `function` in the flow: it feeds
//! files to the function and writes what comes out.

pub mod files;
pub mod kustomization;
pub mod layout;
pub mod migrate;
pub mod rendered;
pub mod roots;
pub mod scaffold;
pub mod tree;

use std::path::{Path, PathBuf};

/// The GitOps tree's directory under the repo root.
pub const ARGO_DIR: &str = "argo";
/// The kustomization that lists the pipeline specs, under the repo root.
pub const WORKFLOWS_KUSTOMIZATION: &str = "argo/workflows/kustomization.yaml";
/// The kustomization that lists the Team specs as generators, under the repo root.
pub const EVENTS_KUSTOMIZATION: &str = "argo/events/kustomization.yaml";

/// The repo root for `add` and `render`: the nearest of `start` and its ancestors that holds
/// `argo/workflows/kustomization.yaml` (the default layout) or `argo/applicationset.yaml` (the
/// teams layout), so the commands work from anywhere inside the repo.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(WORKFLOWS_KUSTOMIZATION).is_file() || dir.join(layout::APPLICATIONSET).is_file())
        .map(Path::to_path_buf)
}

/// A path as messages show it: relative to the current directory when it lies below it.
pub fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()).filter(|p| !p.as_os_str().is_empty()).unwrap_or(path);
    let shown = shown.strip_prefix(".").ok().filter(|p| !p.as_os_str().is_empty()).unwrap_or(shown);
    shown.display().to_string()
}
