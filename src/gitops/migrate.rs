//! From the default layout to the teams layout: which file moves where, which files are
//! written and which removed. The plan is computed whole before anything changes, so `init
//! --layout teams` can print it, and `--migrate` carries it out. Specs keep their text (only
//! the editor-schema line is repointed); each namespace gets a team folder, the Platform the
//! platform folder, and the old kustomizations, guard and READMEs go.

use super::layout::{self, PLATFORM_DIR};
use super::scaffold::schema_line;
use super::{EVENTS_KUSTOMIZATION, WORKFLOWS_KUSTOMIZATION, display, files, kustomization};
use crate::function::tripwire;
use crate::krm::{Limits, Object, parse_objects};
use crate::spec::Kind;
use crate::validate::{DEFAULT_NAMESPACE, is_pipewright};
use std::collections::BTreeMap;
use std::path::Path;

/// The default layout's root kustomization, under the repo root.
const ROOT_KUSTOMIZATION: &str = "argo/kustomization.yaml";
/// The default layout's files that the teams layout replaces (when they exist).
const REPLACED: [&str; 6] = [
    ROOT_KUSTOMIZATION,
    WORKFLOWS_KUSTOMIZATION,
    "argo/workflows/README.md",
    "argo/workflows/guard.yaml",
    EVENTS_KUSTOMIZATION,
    "argo/events/README.md",
];

/// A migration, computed before anything is changed.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Files that move: (from, to, new text), relative to the repo root.
    pub moves: Vec<(String, String, String)>,
    /// Files written anew (the teams scaffold, each team folder's kustomization, transformer
    /// config and guard), relative to the repo root; existing files with the same text are left.
    pub writes: Vec<(String, String)>,
    /// Files removed: the default layout's kustomizations, guard and READMEs.
    pub removes: Vec<String>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty() && self.removes.is_empty()
    }
}

/// Whether the repo at `root` has the default layout's files to migrate.
pub fn has_default_layout(root: &Path) -> bool {
    root.join(WORKFLOWS_KUSTOMIZATION).is_file() || root.join(ROOT_KUSTOMIZATION).is_file()
}

/// Where the default layout's listed files go. Refuses what it cannot place, all at once.
pub fn plan(root: &Path) -> Result<Plan, Vec<String>> {
    let mut errors = Vec::new();
    let read = |relative: &str| std::fs::read_to_string(root.join(relative)).ok();
    if let Some(text) = read(ROOT_KUSTOMIZATION) {
        for field in kustomization::LISTS {
            for entry in kustomization::entries(&text, field).unwrap_or_default() {
                if !matches!(entry.trim_end_matches('/'), "workflows" | "events" | "./workflows" | "./events") {
                    errors.push(format!(
                        "{}: lists {field} entry {entry:?}: only `workflows` and `events` are migrated; move it into argo/platform or a team folder by hand first",
                        display(&root.join(ROOT_KUSTOMIZATION))
                    ));
                }
            }
        }
    }
    // (kustomization, list, entry) of every listed file, in the order they are listed.
    let mut listed: Vec<(&str, &str, String)> = Vec::new();
    for (file, fields) in [(WORKFLOWS_KUSTOMIZATION, ["resources", "transformers"]), (EVENTS_KUSTOMIZATION, ["resources", "generators"])] {
        let Some(text) = read(file) else { continue };
        let shown = display(&root.join(file));
        match crate::krm::parse_value(text.as_bytes(), &Limits::default()) {
            Ok(serde_json::Value::Object(map)) => {
                for key in map
                    .keys()
                    .filter(|k| !["apiVersion", "kind", "metadata", "resources", "generators", "transformers"].contains(&k.as_str()))
                {
                    errors.push(format!("{shown}: `{key}` is not migrated: apply it to the new folders by hand, then remove it here"));
                }
            }
            Ok(_) | Err(_) => errors.push(format!("{shown}: cannot be read as a Kustomization")),
        }
        for field in ["resources", "generators", "transformers"] {
            match kustomization::entries(&text, field) {
                Ok(entries) if !fields.contains(&field) && !entries.is_empty() => {
                    errors.push(format!("{shown}: its `{field}:` is not migrated: move those entries by hand first"))
                }
                Ok(entries) => listed.extend(entries.into_iter().map(|e| (file, field, e))),
                Err(e) => errors.push(format!("{shown}: {e}")),
            }
        }
    }
    let mut plan = Plan::default();
    // namespace → the folder's resources (team.yaml first, then as listed).
    let mut teams: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut platform_resources: Vec<String> = Vec::new();
    let mut platform_found = false;
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for (file, field, entry) in &listed {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        let from = normal(&format!("{dir}/{entry}"));
        let path = root.join(&from);
        let shown = display(&path);
        if path.is_dir() {
            errors.push(format!("{shown}: a directory entry is not migrated: list its files instead, or move it by hand"));
            continue;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{shown}: cannot be read: {e}"));
                continue;
            }
        };
        let objects = match parse_objects(text.as_bytes(), &Limits::default()) {
            Ok(o) => o,
            Err(e) => {
                errors.push(format!("{shown}: cannot be read: {e}"));
                continue;
            }
        };
        if !objects.is_empty() && objects.iter().all(tripwire::is_tripwire) {
            continue; // every new root has its own guard
        }
        let base = from.rsplit('/').next().unwrap_or(&from).to_owned();
        let kinds: Vec<&str> = objects.iter().filter(|o| is_pipewright(o)).map(Object::kind).collect();
        let namespaces: std::collections::BTreeSet<&str> =
            objects.iter().map(|o| o.namespace().unwrap_or(if is_pipewright(o) { DEFAULT_NAMESPACE } else { "" })).collect();
        let destination = if *field == "transformers" {
            if !(objects.len() == 1 && kinds == ["Platform"]) {
                errors.push(format!(
                    "{shown}: a transformer that is not one Platform is not migrated: the platform folder's transformer is the Platform"
                ));
                continue;
            }
            platform_found = true;
            (format!("{PLATFORM_DIR}/platform.yaml"), None)
        } else if !kinds.is_empty() {
            if kinds.len() != objects.len() || kinds.contains(&"Platform") || namespaces.len() != 1 {
                errors.push(format!(
                    "{shown}: holds specs of several namespaces, a Platform among resources, or specs beside other objects: split it into one file per spec first"
                ));
                continue;
            }
            let namespace = namespaces.into_iter().next().unwrap_or(DEFAULT_NAMESPACE).to_owned();
            let folder = layout::team_dir(&namespace);
            let entry = if kinds == ["Team"] {
                "team.yaml".to_owned()
            } else if kinds.iter().all(|k| *k == "Pipeline") {
                format!("pipelines/{base}")
            } else {
                base.clone()
            };
            (format!("{folder}/{entry}"), Some((namespace, entry)))
        } else {
            let namespace = namespaces.iter().next().filter(|n| namespaces.len() == 1 && !n.is_empty()).map(|n| n.to_string());
            match namespace {
                Some(ns) => {
                    let folder = layout::team_dir(&ns);
                    (format!("{folder}/{base}"), Some((ns, base.clone())))
                }
                None => (format!("{PLATFORM_DIR}/{base}"), None),
            }
        };
        let (to, team_entry) = destination;
        if let Some(earlier) = taken.insert(to.clone(), from.clone()) {
            errors.push(format!("{shown} and {} would both move to {to}: rename one first", display(&root.join(earlier))));
            continue;
        }
        match team_entry {
            Some((namespace, entry)) => {
                let list = teams.entry(namespace).or_default();
                if entry == "team.yaml" { list.insert(0, entry) } else { list.push(entry) }
            }
            None if *field != "transformers" => platform_resources.push(to.trim_start_matches(&format!("{PLATFORM_DIR}/")).to_owned()),
            None => {}
        }
        let text = repoint_schema(&text, &objects, &to);
        plan.moves.push((from, to, text));
    }
    if !listed.is_empty() && !platform_found && errors.is_empty() {
        errors.push(format!(
            "{}: lists no Platform under `transformers:`: the teams layout needs one in {PLATFORM_DIR}/platform.yaml",
            display(&root.join(WORKFLOWS_KUSTOMIZATION))
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let platform_moved = plan.moves.iter().any(|(_, to, _)| to == &format!("{PLATFORM_DIR}/platform.yaml"));
    for (path, text) in layout::scaffold_files() {
        if path == format!("{PLATFORM_DIR}/platform.yaml") && platform_moved {
            continue;
        }
        if path == format!("{PLATFORM_DIR}/kustomization.yaml") {
            let mut edited = text.clone();
            for entry in &platform_resources {
                edited = kustomization::add_entry(&edited, "resources", entry).map_err(|e| vec![e])?;
            }
            plan.writes.push((path, edited));
            continue;
        }
        plan.writes.push((path, text));
    }
    for (namespace, resources) in &teams {
        plan.writes.extend(layout::team_files(namespace, resources));
    }
    plan.removes = REPLACED.iter().filter(|f| root.join(f).is_file()).map(|f| f.to_string()).collect();
    Ok(plan)
}

/// `a/./b/../c` → `a/c`.
fn normal(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The spec file's text with its editor-schema line pointing at `argo/.schemas` from `to`.
fn repoint_schema(text: &str, objects: &[Object], to: &str) -> String {
    const PREFIX: &str = "# yaml-language-server: $schema=";
    let Some(kind) = objects.first().and_then(|o| Kind::parse(o.kind())) else { return text.to_owned() };
    match text.split_once('\n') {
        Some((first, rest)) if first.starts_with(PREFIX) => format!("{}{rest}", schema_line(kind, to)),
        _ => text.to_owned(),
    }
}

/// Carries out the plan: writes the new files, then removes the moved and replaced ones and
/// the directories left empty. Reports each step to `say`.
pub fn apply(root: &Path, plan: &Plan, say: &mut dyn FnMut(String) -> std::io::Result<()>) -> Result<(), String> {
    let write = |relative: &str, text: &str| {
        files::write_atomic(&root.join(relative), text.as_bytes(), None)
            .map_err(|e| format!("{}: cannot be written: {e}", display(&root.join(relative))))
    };
    let io = |e: std::io::Error| e.to_string();
    for (from, to, text) in &plan.moves {
        write(to, text)?;
        say(format!("moved     {} → {}", display(&root.join(from)), display(&root.join(to)))).map_err(io)?;
    }
    for (path, text) in &plan.writes {
        if std::fs::read_to_string(root.join(path)).is_ok_and(|t| t == *text) {
            continue;
        }
        write(path, text)?;
        say(format!("created   {}", display(&root.join(path)))).map_err(io)?;
    }
    for path in plan.moves.iter().map(|(from, _, _)| from).chain(&plan.removes) {
        std::fs::remove_file(root.join(path)).map_err(|e| format!("{}: cannot be removed: {e}", display(&root.join(path))))?;
        if plan.removes.contains(path) {
            say(format!("removed   {}", display(&root.join(path)))).map_err(io)?;
        }
    }
    // The directories the move emptied (never argo/ itself).
    for dir in ["argo/workflows/pipelines", "argo/workflows", "argo/events/teams", "argo/events"] {
        remove_empty_tree(&root.join(dir));
    }
    Ok(())
}

/// Removes `dir` and its subdirectories when they hold no file.
fn remove_empty_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                remove_empty_tree(&entry.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

/// The plan as lines, for `init --layout teams` without `--migrate`.
pub fn describe(root: &Path, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for (from, to, _) in &plan.moves {
        out.push(format!("would move   {} → {}", display(&root.join(from)), display(&root.join(to))));
    }
    for (path, text) in &plan.writes {
        if !std::fs::read_to_string(root.join(path)).is_ok_and(|t| t == *text) {
            out.push(format!("would create {}", display(&root.join(path))));
        }
    }
    for path in &plan.removes {
        out.push(format!("would remove {}", display(&root.join(path))));
    }
    out
}
