//! Which orchestrator called the function, told apart by the annotations it sets.
//!
//! kpt gives every item the file it lives in (`config.kubernetes.io/path`, and its
//! `internal.` twin); kustomize never does. So: any item with a path annotation means a kpt
//! package, where specs stay as local-config files and generated objects are written to
//! files of their own; otherwise it is a kustomize build, where specs leave the output.

use crate::krm::ResourceList;

/// The path annotations kpt sets on every item.
pub const PATH_ANNOTATIONS: [&str; 2] = ["internal.config.kubernetes.io/path", "config.kubernetes.io/path"];

/// The orchestrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// kustomize (generator or transformer), Argo CD, or the CLI: specs are consumed.
    Kustomize,
    /// A kpt package: specs stay, marked local-config; generated objects get file paths.
    Kpt,
}

impl Mode {
    /// Detects the mode from the input items.
    pub fn detect(list: &ResourceList) -> Mode {
        let kpt = list.items.iter().any(|item| PATH_ANNOTATIONS.iter().any(|a| item.annotation(a).is_some()));
        if kpt { Mode::Kpt } else { Mode::Kustomize }
    }
}
