//! A cross-object check: when the input holds Platforms, every Pipeline must call a library
//! version one of them installs. (A kustomize generator sees one spec at a time; then the
//! end-to-end build's reference checks catch a missing version instead.)

use super::{Path, Problems};
use crate::krm::{Object, ResultItem};
use crate::model::{Origin, Spec};
use std::collections::{BTreeMap, BTreeSet};

/// Errors for Pipelines that pin a version no Platform in the input installs.
pub(super) fn pinned_versions_installed(specs: &[Spec], sources: &BTreeMap<Origin, &Object>) -> Vec<ResultItem> {
    let installed: BTreeSet<&str> = specs
        .iter()
        .filter_map(|s| match s {
            Spec::Platform(p) => Some(p.versions.iter().map(|r| r.version.as_str())),
            Spec::Pipeline(_) | Spec::Team(_) => None,
        })
        .flatten()
        .collect();
    let platforms: Vec<String> = specs.iter().filter(|s| matches!(s, Spec::Platform(_))).map(|s| s.origin().to_string()).collect();
    if platforms.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for spec in specs {
        let Spec::Pipeline(p) = spec else { continue };
        if installed.contains(p.library.as_str()) {
            continue;
        }
        let Some(object) = sources.get(&p.origin) else { continue };
        let mut problems = Problems::for_object(object);
        let versions: Vec<&str> = installed.iter().copied().collect();
        problems.push(
            &Path::root().key("spec").key("library"),
            format!(
                "calls library {}, which {} does not install (installed: {}): pin one of those, or add it to the Platform's `spec.versions`",
                p.library,
                platforms.join(", "),
                versions.join(", ")
            ),
        );
        out.append(&mut problems.items);
    }
    out
}
