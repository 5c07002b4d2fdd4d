//! The rendered tree: one file per object at a stable path naming its kind, namespace and
//! name, plus a kustomization that lists them. Written all at once or not at all, and
//! compared with a fresh render for `render --check`.

use super::{display, files};
use crate::function::{LOCAL_CONFIG, object_file};
use crate::krm::{Object, to_yaml};
use std::collections::BTreeMap;
use std::path::Path;

/// The first line of a rendered tree's kustomization; `render` only replaces a directory that has it.
pub const HEADER: &str = "# Rendered by `pipewright render`. Do not edit: edit the specs, then run `pipewright render` again.";

/// A rendered tree: relative path → contents, in path order.
pub type Files = BTreeMap<String, String>;

/// The files for a build's objects. Objects marked local-config are left out, as kustomize does.
pub fn files(objects: &[Object]) -> Result<Files, Vec<String>> {
    let mut out = Files::new();
    let mut errors = Vec::new();
    for object in objects.iter().filter(|o| o.annotation(LOCAL_CONFIG) != Some("true")) {
        if object.kind().is_empty() || object.name().is_empty() {
            errors
                .push(format!("{}: an object has no kind or no metadata.name: every object needs both to get a file", object.reference()));
            continue;
        }
        let path = object_file(object);
        if out.insert(path.clone(), to_yaml(&object.0)).is_some() {
            errors.push(format!(
                "{}: two objects would share the file {path} (same kind, namespace and name in different API groups)",
                object.reference()
            ));
        }
    }
    let mut kustomization = format!("{HEADER}\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    if out.is_empty() {
        kustomization.push_str("resources: []\n");
    } else {
        kustomization.push_str("resources:\n");
        for path in out.keys() {
            kustomization.push_str(&format!("  - {path}\n"));
        }
    }
    out.insert("kustomization.yaml".into(), kustomization);
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Every file under `dir` (an absent directory reads as empty).
pub fn read(dir: &Path) -> std::io::Result<Files> {
    let mut out = Files::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.insert(rel, String::from_utf8_lossy(&std::fs::read(&path)?).into_owned());
            }
        }
    }
    Ok(out)
}

/// A unified diff from the committed tree to the fresh one; empty when they are the same.
/// `label` prefixes every path (the tree's directory as the user named it).
pub fn diff(committed: &Files, fresh: &Files, label: &str) -> String {
    let mut out = String::new();
    let paths: std::collections::BTreeSet<&String> = committed.keys().chain(fresh.keys()).collect();
    for path in paths {
        let (old, new) = (committed.get(path), fresh.get(path));
        if old == new {
            continue;
        }
        let name = format!("{}/{path}", label.trim_start_matches('/'));
        let from = if old.is_some() { format!("a/{name}") } else { "/dev/null".into() };
        let to = if new.is_some() { format!("b/{name}") } else { "/dev/null".into() };
        let text = similar::TextDiff::from_lines(old.map_or("", String::as_str), new.map_or("", String::as_str));
        out.push_str(&format!("diff {from} {to}\n"));
        out.push_str(&text.unified_diff().context_radius(3).header(&from, &to).to_string());
    }
    out
}

/// Replaces `dir` with exactly `files`: writes a sibling temporary tree, then swaps it in, so a
/// failure leaves the old tree as it was. Refuses a non-empty directory that `render` did not write.
pub fn write(dir: &Path, files: &Files) -> Result<(), String> {
    write_marked(dir, files, "kustomization.yaml", HEADER, "--out")
}

/// [`write`] for any tree `render` owns: `marker` is the file whose first line is `header` in
/// a tree `render` wrote; `flag` is the option that chooses the directory.
pub fn write_marked(dir: &Path, files: &Files, marker: &str, header: &str, flag: &str) -> Result<(), String> {
    let shown = display(dir);
    if dir.exists() {
        let ours = std::fs::read_to_string(dir.join(marker)).is_ok_and(|t| t.starts_with(header));
        let empty = std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !ours && !empty {
            return Err(format!(
                "{shown} exists and was not written by `pipewright render` (its {marker} lacks the header): choose another {flag}, or empty it first"
            ));
        }
    }
    let temp = files::temp_sibling(dir, "new");
    let old = files::temp_sibling(dir, "old");
    let written = (|| -> std::io::Result<()> {
        for (path, text) in files {
            let target = temp.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, text)?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&temp);
        return Err(format!("cannot write {shown}: {e}"));
    }
    let existed = dir.exists();
    if let Err(e) = if existed { std::fs::rename(dir, &old) } else { Ok(()) } {
        let _ = std::fs::remove_dir_all(&temp);
        return Err(format!("cannot replace {shown}: {e}"));
    }
    if let Err(e) = std::fs::rename(&temp, dir) {
        if existed {
            let _ = std::fs::rename(&old, dir);
        }
        let _ = std::fs::remove_dir_all(&temp);
        return Err(format!("cannot replace {shown}: {e}"));
    }
    if existed {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}
