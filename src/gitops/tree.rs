//! Reads a local kustomize tree the way `kustomize build` would for the fields pipewright
//! uses: follows `resources`, `generators` and `transformers` entries that are local files or
//! directories, and collects every object they hold. Anything else kustomize would do
//! (patches, name prefixes, remote bases…) is reported, never silently skipped, so that a
//! render never differs from the build without saying so.

use super::display;
use crate::krm::{Limits, Object, SOURCE_FILE, parse_objects, parse_value};
use crate::validate::is_pipewright;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The file names kustomize accepts for a kustomization, in its order of preference.
pub const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
/// The kustomization fields that `collect` follows or ignores harmlessly.
const SUPPORTED: [&str; 6] = ["apiVersion", "kind", "metadata", "resources", "generators", "transformers"];

/// How strictly to read the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Every kustomization field must be one `collect` reproduces (for `render`).
    Exact,
    /// Skip what cannot hide an object: unsupported fields, remote and inline entries, listed
    /// paths that do not exist, a directory included twice (for `add`, which only looks for
    /// names). A file that exists but cannot be read is still an error: it may hold the name.
    Lenient,
}

/// Every object the kustomization in `dir` and those it includes list, in reading order.
/// Errors name the file and say what would work.
pub fn collect(dir: &Path, strictness: Strictness) -> Result<Vec<Object>, Vec<String>> {
    let mut walk = Walk { strictness, visited: BTreeSet::new(), objects: Vec::new(), errors: Vec::new() };
    walk.kustomization(dir);
    if walk.errors.is_empty() { Ok(walk.objects) } else { Err(walk.errors) }
}

/// The kustomization file in `dir`, if any.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES.iter().map(|f| dir.join(f)).find(|p| p.is_file())
}

struct Walk {
    strictness: Strictness,
    visited: BTreeSet<PathBuf>,
    objects: Vec<Object>,
    errors: Vec<String>,
}

impl Walk {
    fn error(&mut self, path: &Path, message: impl std::fmt::Display) {
        self.errors.push(format!("{}: {message}", display(path)));
    }

    fn exact(&self) -> bool {
        self.strictness == Strictness::Exact
    }

    fn kustomization(&mut self, dir: &Path) {
        let Some(file) = kustomization_file(dir) else {
            if self.exact() {
                self.error(dir, "has no kustomization.yaml: a directory entry must be a kustomization");
            }
            return;
        };
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.visited.insert(canonical) {
            if self.exact() {
                self.error(&file, "is included twice (or in a cycle): kustomize would reject it too");
            }
            return;
        }
        let value = match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| parse_value(&b, &Limits::default()).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => return self.error(&file, format!("cannot be read: {e}")),
        };
        let Value::Object(map) = value else {
            return self.error(&file, "is not a mapping: expected a Kustomization");
        };
        if map.get("kind").and_then(Value::as_str).is_some_and(|k| k != "Kustomization") {
            return self.error(&file, "is not a Kustomization (components and other kinds are not followed by `pipewright render`)");
        }
        for key in map.keys().filter(|k| !SUPPORTED.contains(&k.as_str())) {
            if self.exact() {
                self.error(&file, format!("`{key}` is not supported by `pipewright render`, which follows only resources, generators and transformers: build this tree with `kustomize build --enable-alpha-plugins --enable-exec` instead"));
            }
        }
        for field in ["resources", "generators", "transformers"] {
            let entries = match map.get(field) {
                None | Some(Value::Null) => continue,
                Some(Value::Array(entries)) => entries,
                Some(_) => {
                    self.error(&file, format!("`{field}` is not a list of paths"));
                    continue;
                }
            };
            for (i, entry) in entries.iter().enumerate() {
                match entry.as_str() {
                    Some(path) => self.entry(dir, &file, field, path),
                    None if self.exact() => {
                        self.error(&file, format!("{field}[{i}] is not a path: inline configs are not supported by `pipewright render`"))
                    }
                    None => {}
                }
            }
        }
    }

    fn entry(&mut self, dir: &Path, file: &Path, field: &str, entry: &str) {
        if entry.contains("://") || entry.starts_with("github.com/") || entry.contains("?ref=") {
            if self.exact() {
                self.error(file, format!("{field} entry {entry:?} is remote: `pipewright render` reads local files only"));
            }
            return;
        }
        let path = dir.join(entry);
        if path.is_dir() {
            return self.kustomization(&path);
        }
        let objects = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.exact() => Vec::new(),
            Err(e) => return self.error(file, format!("{field} entry {entry:?} cannot be read: {e}")),
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Vec::new(),
            Ok(bytes) => match parse_objects(&bytes, &Limits::default()) {
                Ok(objects) => objects,
                Err(e) => return self.error(&path, format!("cannot be read: {e}")),
            },
        };
        // A generator's or transformer's config that only runs pipewright (the teams layout's
        // `pipewright.yaml`, a ConfigMap) is the function's config, not a resource: it leaves the build.
        let objects: Vec<Object> =
            if field == "resources" { objects } else { objects.into_iter().filter(|o| is_pipewright(o) || !runs_pipewright(o)).collect() };
        if field != "resources" && self.exact() && objects.iter().any(|o| !is_pipewright(o)) {
            return self.error(&path, format!("lists a {field} config that is not a pipewright spec: `pipewright render` runs pipewright only; build this tree with kustomize instead"));
        }
        let shown = display(&path);
        self.objects.extend(objects.into_iter().map(|mut o| {
            o.set_annotation(SOURCE_FILE, &shown);
            o
        }));
    }
}

/// Whether an object is a function config that runs pipewright (`exec.path: pipewright`).
fn runs_pipewright(object: &Object) -> bool {
    let Some(function) = object.annotation("config.kubernetes.io/function") else { return false };
    parse_value(function.as_bytes(), &Limits::default())
        .ok()
        .and_then(|v| v.pointer("/exec/path").and_then(Value::as_str).map(|p| p.rsplit('/').next() == Some("pipewright")))
        .unwrap_or(false)
}
