//! Spec to model: checks every pipewright object and collects every problem, each with its
//! object and field path, before any rendering happens.

mod cron;
mod library;
mod namespaces;
mod pipeline;
mod platform;
pub mod rules;
mod structure;
mod suggest;
mod supply_chain;
mod team;
mod triggers;

use crate::krm::{FieldRef, FileRef, Object, ObjectRef, ResultItem, Severity};
use crate::model::{Name, Origin, Spec};
use crate::spec::{self, Kind};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub use cron::schedule as cron_schedule;
pub use pipeline::DEFAULT_NAMESPACE;
pub use suggest::nearest;

/// A dotted field path, as KRM results write it: `spec.steps.test.command[0]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(String);

impl Path {
    /// The path of the object itself.
    pub fn root() -> Self {
        Path(String::new())
    }
    /// The path of a field below this one.
    pub fn key(&self, key: &str) -> Self {
        if self.0.is_empty() { Path(key.to_owned()) } else { Path(format!("{}.{key}", self.0)) }
    }
    /// The path of a list element below this one.
    pub fn index(&self, i: usize) -> Self {
        Path(format!("{}[{i}]", self.0))
    }
    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The problems found in one object.
#[derive(Debug, Default)]
pub struct Problems {
    object: Option<ObjectRef>,
    file: Option<String>,
    items: Vec<ResultItem>,
}

impl Problems {
    fn for_object(object: &Object) -> Self {
        Problems { object: Some(object.reference()), file: source_file(object).map(str::to_owned), items: Vec::new() }
    }

    /// Records an error at `path`.
    pub fn push(&mut self, path: &Path, message: String) {
        self.push_with(Severity::Error, path, message);
    }

    /// Records a result of the given severity at `path`.
    pub fn push_with(&mut self, severity: Severity, path: &Path, message: String) {
        self.items.push(ResultItem {
            resource_ref: self.object.clone(),
            field: (!path.as_str().is_empty()).then(|| FieldRef { path: path.as_str().to_owned() }),
            file: self.file.clone().map(|path| FileRef { path }),
            severity,
            message,
        });
    }

    /// Runs a rule on a value and records its complaint, if any.
    pub fn check(&mut self, path: &Path, result: Result<(), String>) -> bool {
        match result {
            Ok(()) => true,
            Err(message) => {
                self.push(path, message);
                false
            }
        }
    }

    fn has_errors(&self) -> bool {
        self.items.iter().any(|r| r.severity == Severity::Error)
    }
}

/// The outcome of validation: the valid specs, and every result (errors and warnings).
#[derive(Debug, Default)]
pub struct Validated {
    /// Specs that passed, sorted by kind, namespace and name.
    pub specs: Vec<Spec>,
    /// Every problem found.
    pub results: Vec<ResultItem>,
}

impl Validated {
    /// Whether any result is an error.
    pub fn has_errors(&self) -> bool {
        self.results.iter().any(|r| r.severity == Severity::Error)
    }
}

/// The file an object came from: the orchestrator's path annotation (kpt, kustomize), or the
/// one `render`, `add` and `run` set when they read the tree.
fn source_file(object: &Object) -> Option<&str> {
    object
        .annotation("internal.config.kubernetes.io/path")
        .or_else(|| object.annotation("config.kubernetes.io/path"))
        .or_else(|| object.annotation(crate::krm::SOURCE_FILE))
}

/// Whether an object is one of pipewright's kinds: any version of the group, or one of its
/// kinds under a group that looks like a typo of ours (`pipewright.io`, `pipewrite.dev`, or no
/// group at all), which validation then refuses, naming the valid apiVersion. Another group's
/// kind of the same name (Tekton's `tekton.dev/v1` Pipeline) is not pipewright's.
pub fn is_pipewright(object: &Object) -> bool {
    object.group() == spec::GROUP || (Kind::parse(object.kind()).is_some() && near_miss_group(object.group()))
}

/// A group that is not ours but close enough to be a typo of it.
fn near_miss_group(group: &str) -> bool {
    let first_label = group.split('.').next().unwrap_or("");
    group.is_empty() || suggest::nearest(first_label, ["pipewright"]).is_some() || suggest::nearest(group, [spec::GROUP]).is_some()
}

fn schema(kind: Kind) -> &'static Value {
    static PIPELINE: OnceLock<Value> = OnceLock::new();
    static PLATFORM: OnceLock<Value> = OnceLock::new();
    static TEAM: OnceLock<Value> = OnceLock::new();
    let cell = match kind {
        Kind::Pipeline => &PIPELINE,
        Kind::Platform => &PLATFORM,
        Kind::Team => &TEAM,
    };
    cell.get_or_init(|| kind.schema())
}

/// Validates every pipewright object, and checks that no two share a kind, namespace and name.
pub fn validate(objects: &[&Object]) -> Validated {
    let mut out = Validated::default();
    let mut seen: BTreeMap<Origin, &Object> = BTreeMap::new();
    for object in objects {
        let mut problems = Problems::for_object(object);
        if let Some(spec) = validate_one(object, &mut problems) {
            let origin = spec.origin().clone();
            if let Some(message) = namespaces::second_team(seen.keys(), &origin) {
                problems.push(&Path::key(&Path::root(), "metadata.namespace"), message);
            } else if let std::collections::btree_map::Entry::Vacant(slot) = seen.entry(origin.clone()) {
                slot.insert(object);
                out.specs.push(spec);
            } else {
                let first = seen.get(&origin).and_then(|o| source_file(o)).map(|f| format!(" (first in {f})")).unwrap_or_default();
                problems.push(
                    &Path::key(&Path::root(), "metadata.name"),
                    format!("{origin} is declared twice{first}: each namespace and name may appear only once"),
                );
            }
        }
        out.results.append(&mut problems.items);
    }
    supply_chain::stricter_fail_on(&seen, &mut out);
    out.results.extend(library::pinned_versions_installed(&out.specs, &seen));
    out.specs.sort_by(|a, b| a.origin().cmp(b.origin()));
    out.results.extend(namespaces::check(&out.specs));
    out.results.sort();
    out
}

fn validate_one(object: &Object, problems: &mut Problems) -> Option<Spec> {
    let root = Path::root();
    if object.api_version() != spec::API_VERSION {
        problems.push(
            &root.key("apiVersion"),
            format!(
                "unknown apiVersion {:?}: did you mean {}? (the only apiVersion pipewright serves)",
                object.api_version(),
                spec::API_VERSION
            ),
        );
        return None;
    }
    let Some(kind) = Kind::parse(object.kind()) else {
        let names = Kind::ALL.map(Kind::as_str);
        let hint = nearest(object.kind(), names).map(|h| format!(", did you mean {h}?")).unwrap_or_default();
        problems.push(&root.key("kind"), format!("unknown kind {:?}{hint} (valid: {})", object.kind(), names.join(", ")));
        return None;
    };
    let schema = schema(kind);
    structure::check(schema, schema, &object.0, &root, problems);
    let structural: Vec<String> = problems.items.iter().filter_map(|r| r.field.as_ref().map(|f| f.path.clone())).collect();
    let mut value = object.0.clone();
    if !problems.items.is_empty() {
        structure::prune_invalid(schema, schema, &mut value);
        structure::fill_required(schema, schema, &mut value);
    }
    // With the bad fields removed and the missing required ones standing in, the semantic
    // checks still see everything else, so every problem is reported at once.
    let mut semantic = Problems::for_object(object);
    let spec = match kind {
        Kind::Pipeline => spec::Pipeline::deserialize(&value).map(|p| pipeline::check(p, &mut semantic).map(Spec::Pipeline)),
        Kind::Platform => spec::Platform::deserialize(&value).map(|p| platform::check(p, &mut semantic).map(Spec::Platform)),
        Kind::Team => spec::Team::deserialize(&value).map(|t| team::check(t, &mut semantic).map(Spec::Team)),
    };
    let repeats =
        |r: &ResultItem| r.field.as_ref().is_some_and(|f| structural.iter().any(|s| repeats_structural(s, &f.path, &r.message, &value)));
    problems.items.extend(semantic.items.into_iter().filter(|r| !repeats(r)));
    match spec {
        Ok(spec) if !problems.has_errors() => spec,
        Ok(_) => None,
        Err(_) if problems.has_errors() => None,
        Err(e) => {
            problems.push(&root, format!("cannot be read: {e}"));
            None
        }
    }
}

/// Semantic problems that follow from a field the structural checks refused, seen through the
/// default that pruning it left, as (where, what it says, the field it follows from):
/// `spec.image` is required only while the build step is on, which a refused
/// `steps.build-image` (or `steps`) leaves on.
const FOLLOWS_FROM: [(&str, &str, &str); 1] = [("spec.image", "is required while the build-image step is on", "spec.steps.build-image")];

/// Whether a semantic problem at `path` only repeats the structural one at `refused`: it is
/// about the same field or one inside it; or about a parent that pruning left empty (`notify`
/// naming no channel once its misspelt one is gone), while a parent with something left keeps
/// its own problems; or it follows from the refused field (`FOLLOWS_FROM`).
fn repeats_structural(refused: &str, path: &str, message: &str, pruned: &Value) -> bool {
    let inside = |inner: &str, outer: &str| {
        inner.strip_prefix(outer).is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
    };
    inside(path, refused)
        || (inside(refused, path) && lookup(pruned, path).is_none_or(is_empty))
        || FOLLOWS_FROM
            .iter()
            .any(|(at, says, cause)| path == *at && message.starts_with(says) && (inside(refused, cause) || inside(cause, refused)))
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// The value at a field path such as `spec.steps.test.command[0]`.
fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, segment| {
        let (key, indices) = segment.split_once('[').map_or((segment, ""), |(k, rest)| (k, rest));
        let mut v = if key.is_empty() { v } else { v.get(key)? };
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            v = v.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
        Some(v)
    })
}

/// Checks a list that must hold at least one element (`empty` says what to give), each element
/// with `rule`; all of them are checked, and the wrapped list comes back when all pass.
fn non_empty_list<T>(
    problems: &mut Problems,
    path: &Path,
    items: Vec<String>,
    empty: &str,
    rule: impl Fn(&str) -> Result<(), String>,
    wrap: impl Fn(String) -> T,
) -> Option<Vec<T>> {
    if items.is_empty() {
        problems.push(path, format!("must name at least one {empty}"));
        return None;
    }
    let checked: Vec<Option<T>> =
        items.into_iter().enumerate().map(|(i, item)| problems.check(&path.index(i), rule(&item)).then(|| wrap(item))).collect();
    checked.into_iter().collect()
}

fn name(problems: &mut Problems, path: &Path, value: &str) -> Option<Name> {
    problems.check(path, rules::dns_label(value)).then(|| Name::checked(value))
}
