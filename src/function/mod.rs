//! The KRM function: one ResourceList in, one ResourceList out. Finds the pipewright specs
//! among the items and the functionConfig, validates them all, renders them, and assembles
//! the output for the orchestrator that called it.

mod assemble;
mod mode;
pub mod tripwire;

pub use assemble::{LOCAL_CONFIG, generated_path, object_file};
pub use mode::Mode;

use crate::krm::{Object, ResourceList, ResultItem, Severity};
use crate::model::Spec;
use crate::render;
use crate::validate::{self, is_pipewright};
use std::collections::BTreeSet;

/// The function's result. Validation is complete, so rendering cannot fail: the generated
/// objects are rendered on demand by [`Outcome::items`], one spec at a time, so a caller can
/// stream them out without ever holding them all.
#[derive(Debug)]
pub struct Outcome {
    /// Every result (errors and warnings), sorted.
    pub results: Vec<ResultItem>,
    /// True when any result is an error (exit 1): then there are no items.
    pub failed: bool,
    mode: Mode,
    /// Input items that stay, sorted.
    passthrough: Vec<Object>,
    /// Objects an earlier pipewright run generated, found in a kustomize build's input (a
    /// generator's output reaching a transformer, or a frozen library committed as plain
    /// resources): kept, sorted, unless this run generates the same object again.
    earlier: Vec<Object>,
    /// Valid specs, sorted by kind, namespace and name.
    specs: Vec<Spec>,
}

impl Outcome {
    /// A failed run: results only.
    pub fn failure(results: Vec<ResultItem>) -> Self {
        Outcome { results, failed: true, mode: Mode::Kustomize, passthrough: Vec::new(), earlier: Vec::new(), specs: Vec::new() }
    }

    /// Whether the output has any item.
    pub fn has_items(&self) -> bool {
        !self.passthrough.is_empty() || !self.earlier.is_empty() || !self.specs.is_empty()
    }

    /// Every output item in its canonical order: the items that pass through (sorted by group,
    /// kind, namespace, name and path), then the generated objects, this run's merged with the
    /// earlier-generated ones it did not generate again, in the order of the spec they came from
    /// (kind, namespace, name), then of group, kind, namespace and name (see
    /// [`assemble::generated_key`]): the order a run over this output gives again.
    pub fn items(&self) -> impl Iterator<Item = Object> + '_ {
        let fresh = self.specs.iter().flat_map(|spec| {
            let mut objects = render::render(spec);
            objects.sort_by_cached_key(assemble::generated_key);
            objects.into_iter().map(|o| assemble::place(self.mode, o))
        });
        // Only when earlier objects are there to match: the identities this run generates.
        let regenerated: BTreeSet<assemble::Identity> = if self.earlier.is_empty() {
            BTreeSet::new()
        } else {
            self.specs.iter().flat_map(render::render).map(|o| assemble::identity(&o)).collect()
        };
        let earlier = self.earlier.iter().filter(move |o| !regenerated.contains(&assemble::identity(o))).peekable();
        let generated = Generated { fresh: fresh.peekable(), earlier };
        self.passthrough.iter().cloned().chain(generated)
    }

    /// The output as a ResourceList held in memory (for tests and small inputs).
    pub fn to_list(&self) -> ResourceList {
        ResourceList { items: self.items().collect(), function_config: None, results: self.results.clone() }
    }
}

/// This run's generated objects merged with the earlier-generated ones it did not generate
/// again, both already in the order of [`assemble::generated_key`].
struct Generated<'a, F: Iterator<Item = Object>, E: Iterator<Item = &'a Object>> {
    fresh: std::iter::Peekable<F>,
    earlier: std::iter::Peekable<E>,
}

impl<'a, F: Iterator<Item = Object>, E: Iterator<Item = &'a Object>> Iterator for Generated<'a, F, E> {
    type Item = Object;
    fn next(&mut self) -> Option<Object> {
        let earlier_first = match (self.fresh.peek(), self.earlier.peek()) {
            (Some(fresh), Some(earlier)) => assemble::generated_key(earlier) < assemble::generated_key(fresh),
            (None, Some(_)) => true,
            _ => false,
        };
        if earlier_first { self.earlier.next().cloned() } else { self.fresh.next() }
    }
}

/// Runs the function over a ResourceList: finds and validates every spec, and keeps the items
/// that pass through. The generated objects come from [`Outcome::items`].
pub fn process(input: ResourceList) -> Outcome {
    let mode = Mode::detect(&input);
    let specs = spec_objects(&input);
    let validated = validate::validate(&specs);
    if validated.has_errors() {
        return Outcome::failure(validated.results);
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
    results.sort();
    let specs = validated.specs;
    let (passthrough, earlier) = assemble::passthrough(mode, input.items);
    Outcome { results, failed: false, mode, passthrough, earlier, specs }
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
