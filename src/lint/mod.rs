//! `pipewright lint`: Argo's own validation, offline, plus the faults Argo only meets at run
//! time, over any bundle of manifests. Consumes Argo objects (pipewright specs in the bundle are
//! rendered first, as the function renders them), never the spec types. Each rule has a stable
//! id ([`Rule`]); findings point at a file, line and column where the input is a file.
//!
//! The flow: [`bundle`] reads and renders → `index` sees the workflow specs and references →
//! `schema`, `argo` and `runtime` rules make findings → [`finding::Report`] places and sorts
//! them → [`output`] writes them as text, JSON, SARIF, GitHub annotations or KRM results.

pub(crate) mod argo;
pub mod bundle;
mod expr;
pub mod finding;
mod index;
pub mod output;
pub mod rules;
mod runtime;
mod schema;

pub use bundle::Bundle;
pub use finding::{Finding, Placed, Report};
pub use rules::Rule;

use crate::krm::Object;

/// Lints a bundle whose specs are already rendered (see [`Bundle::render_specs`]).
pub fn lint(bundle: &Bundle) -> Report {
    let index = index::Index::new(bundle);
    let mut findings = bundle.spec_findings.clone();
    for unit in &index.units {
        schema::check(unit, &mut findings);
    }
    argo::check(&index, &mut findings);
    runtime::check(&index, &mut findings);
    Report::new(bundle, findings)
}

/// Lints objects held in memory: renders the pipewright specs among them, then lints the lot.
pub fn lint_objects(objects: impl IntoIterator<Item = Object>) -> Report {
    let mut bundle = Bundle::from_objects(objects);
    bundle.render_specs();
    lint(&bundle)
}
