//! Which orchestrator called the function, told apart by the annotations it sets.
//!
//! kpt gives every item the file it lives in (`config.kubernetes.io/path`, and its
//! `internal.` twin). kustomize gives a path only to the output of a generator, and marks
//! that output with `internal.config.kubernetes.io/generatorBehavior`; the items it read
//! from files have none. So: a kpt package is an input whose every item has a path and none
//! is marked as a kustomize generator's output; there, specs stay as local-config files and
//! generated objects are written to files of their own. Anything else is a kustomize build,
//! where specs leave the output.

use crate::krm::ResourceList;

/// The path annotations kpt sets on every item.
pub const PATH_ANNOTATIONS: [&str; 2] = ["internal.config.kubernetes.io/path", "config.kubernetes.io/path"];

/// The annotation kustomize puts on a generator's output.
const KUSTOMIZE_GENERATED: &str = "internal.config.kubernetes.io/generatorBehavior";

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
        let in_a_file = |item: &crate::krm::Object| PATH_ANNOTATIONS.iter().any(|a| item.annotation(a).is_some());
        let kpt = !list.items.is_empty()
            && list.items.iter().all(in_a_file)
            && !list.items.iter().any(|item| item.annotation(KUSTOMIZE_GENERATED).is_some());
        if kpt { Mode::Kpt } else { Mode::Kustomize }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::krm::Object;
    use serde_json::json;

    fn list(annotations: &[serde_json::Value]) -> ResourceList {
        let items =
            annotations.iter().map(|a| Object::new(json!({"kind": "ConfigMap", "metadata": {"name": "x", "annotations": a}}))).collect();
        ResourceList { items, function_config: None, results: Vec::new() }
    }

    #[test]
    fn a_package_whose_every_item_has_a_file_is_kpt() {
        let path = json!({"config.kubernetes.io/path": "a.yaml", "internal.config.kubernetes.io/path": "a.yaml"});
        assert_eq!(Mode::detect(&list(&[path.clone(), path])), Mode::Kpt);
    }

    #[test]
    fn kustomize_generator_output_beside_file_resources_is_kustomize() {
        let generated = json!({"config.kubernetes.io/path": "ns/configmap_x.yaml", KUSTOMIZE_GENERATED: "unspecified"});
        let from_a_file = json!({"internal.config.kubernetes.io/id": "1"});
        assert_eq!(Mode::detect(&list(&[generated.clone(), from_a_file])), Mode::Kustomize);
        assert_eq!(Mode::detect(&list(&[generated])), Mode::Kustomize, "only generators' output");
        assert_eq!(Mode::detect(&list(&[])), Mode::Kustomize, "a generator's empty input");
    }
}
