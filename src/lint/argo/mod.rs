//! The checks Argo itself makes (its validator runs them at `argo lint`, at submission and in
//! the controller), offline: names, entrypoints and template references, DAG dependencies,
//! required inputs, variables in scope, and CronWorkflow schedules. One file per family.

mod cron;
mod dag;
mod inputs;
mod names;
mod templates;
mod timezones;
mod variables;

use super::finding::Finding;
use super::index::Index;
use crate::validate::nearest;

pub use dag::depends_names;

/// Runs every Argo check over the bundle.
pub fn check(index: &Index, out: &mut Vec<Finding>) {
    names::check(index, out);
    templates::check(index, out);
    dag::check(index, out);
    inputs::check(index, out);
    variables::check(index, out);
    cron::check(index, out);
}

/// `, did you mean `x`?` when a candidate is close to `word`; "" otherwise.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates).map(|n| format!(", did you mean `{n}`?")).unwrap_or_default()
}

/// `a, b, c` (or `none`) for messages that list what would be valid.
pub fn listing<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<&str> = names.into_iter().collect();
    if all.is_empty() { "none".into() } else { all.join(", ") }
}
