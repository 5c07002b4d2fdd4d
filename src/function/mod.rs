//! The KRM function: one ResourceList in, one ResourceList out. Finds the pipewright specs
//! among the items and the functionConfig, validates them all, renders them, and assembles
//! the output for the orchestrator that called it.

mod assemble;
mod mode;
pub mod tripwire;

pub use assemble::{LOCAL_CONFIG, generated_path, object_file};
pub use mode::Mode;

use crate::krm::{Object, ResourceList, ResultItem, Severity};
use crate::render;
use crate::validate::{self, is_pipewright};

/// The function's result: the output list and whether it failed.
#[derive(Debug)]
pub struct Outcome {
    /// The ResourceList to write.
    pub list: ResourceList,
    /// True when any result is an error (exit 1).
    pub failed: bool,
}

/// Runs the function over a ResourceList.
pub fn process(input: ResourceList) -> Outcome {
    let mode = Mode::detect(&input);
    let specs = spec_objects(&input);
    let validated = validate::validate(&specs);
    if validated.has_errors() {
        return Outcome { list: ResourceList { items: Vec::new(), function_config: None, results: validated.results }, failed: true };
    }
    let mut results = validated.results;
    if validated.specs.is_empty() {
        results.push(ResultItem {
            resource_ref: None,
            field: None,
            file: None,
            severity: Severity::Warning,
            message: "no Pipeline, Platform or Team objects found: nothing to expand".into(),
        });
    }
    let generated: Vec<Object> = validated.specs.iter().flat_map(render::render).collect();
    let items = assemble::assemble(mode, input.items, generated);
    Outcome { list: ResourceList { items, function_config: None, results }, failed: false }
}

/// The pipewright objects to expand: every such item, plus the functionConfig when it is one
/// and is not also among the items (kustomize generators and kpt pass it both ways).
fn spec_objects(input: &ResourceList) -> Vec<&Object> {
    let mut specs: Vec<&Object> = input.items.iter().filter(|o| is_pipewright(o)).collect();
    if let Some(config) = input.function_config.as_ref().filter(|c| is_pipewright(c)) {
        let id = config.reference();
        if !specs.iter().any(|s| s.reference() == id) {
            specs.push(config);
        }
    }
    specs
}
