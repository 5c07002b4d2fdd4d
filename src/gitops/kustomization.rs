//! Edits a kustomization's text in place: adds an entry to a top-level list (`resources:`,
//! `generators:`) and keeps every other byte (entries, comments, blank lines, key order) as it
//! was. A YAML round trip would drop the comments that teams keep in these files. Also reads
//! which entries a kustomization lists, so that edits never add one twice or drop one.

use crate::krm::{Limits, parse_value};
use serde_json::Value;

/// The lists of a kustomization that hold paths, in the order `init` and `add` edit them.
pub const LISTS: [&str; 3] = ["resources", "generators", "transformers"];

/// The path entries of the top-level list `field`, as written (an absent or null list has none;
/// entries that are not strings, such as inline configs, are skipped).
pub fn entries(text: &str, field: &str) -> Result<Vec<String>, String> {
    let value = parse_value(text.as_bytes(), &Limits::default()).map_err(|e| format!("cannot be read: {e}"))?;
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Object(map) => match map.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
            Some(_) => Err(format!("its `{field}:` is not a list of paths")),
        },
        _ => Err("is not a mapping: expected a Kustomization".into()),
    }
}

/// Whether `field` in `text` already lists `entry` (`./a.yaml` and `a.yaml` are the same entry,
/// as are `dir` and `dir/`).
pub fn lists(text: &str, field: &str, entry: &str) -> Result<bool, String> {
    Ok(entries(text, field)?.iter().any(|e| same_entry(e, entry)))
}

/// The entries of `scaffold` that `text` lacks, as (list, entry) pairs in the scaffold's order.
pub fn missing(text: &str, scaffold: &str) -> Result<Vec<(&'static str, String)>, String> {
    let mut out = Vec::new();
    for field in LISTS {
        let have = entries(text, field)?;
        for entry in entries(scaffold, field)? {
            if !have.iter().any(|h| same_entry(h, &entry)) {
                out.push((field, entry));
            }
        }
    }
    Ok(out)
}

/// `text` with `entries` added, each after the last entry of its list (see `add_entry`).
pub fn add_entries(text: &str, entries: &[(&str, String)]) -> Result<String, String> {
    entries.iter().try_fold(text.to_owned(), |text, (field, entry)| add_entry(&text, field, entry))
}

fn same_entry(a: &str, b: &str) -> bool {
    let normal = |s: &str| s.trim().trim_start_matches("./").trim_end_matches('/').to_owned();
    normal(a) == normal(b)
}

/// Adds `entry` to the top-level list `field` (such as `resources`), after its last entry.
///
/// Handles a block list (items indented or not, with comments between), `field: []`, a
/// one-line flow list, and a missing key (appended at the end). Anything else is an error that
/// says how to write the list.
pub fn add_entry(text: &str, field: &str, entry: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(start) = lines.iter().position(|l| key_value(l, field).is_some()) else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("{field}:\n  - {entry}\n"));
        return Ok(out);
    };
    let (value, comment) = split_comment(key_value(lines[start], field).unwrap_or(""));
    let newline = if lines[start].ends_with('\n') { "\n" } else { "" };
    let replaced = match value {
        "" => {
            let (insert_at, indent) = block_end(&lines, start);
            let mut out: String = lines[..insert_at].concat();
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("{indent}- {entry}\n"));
            out.push_str(&lines[insert_at..].concat());
            return Ok(out);
        }
        "[]" => format!("{field}:{comment}\n  - {entry}\n"),
        flow if flow.starts_with('[') && flow.ends_with(']') && !flow[1..].contains('[') => {
            let inner = flow[1..flow.len() - 1].trim();
            let list = if inner.is_empty() { format!("[{entry}]") } else { format!("[{inner}, {entry}]") };
            format!("{field}: {list}{comment}{newline}")
        }
        _ => {
            return Err(format!(
                "its `{field}:` is neither a block list nor a one-line list: write it as a block list (`{field}:` then `  - file.yaml` lines)"
            ));
        }
    };
    let mut out: String = lines[..start].concat();
    out.push_str(&replaced);
    out.push_str(&lines[start + 1..].concat());
    Ok(out)
}

/// The value after `key:` when `line` is that top-level key.
fn key_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r'])).then(|| rest.trim_end_matches(['\n', '\r']))
}

/// Splits a value from its trailing `# comment` (kept with its leading space).
fn split_comment(value: &str) -> (&str, &str) {
    match value.find(" #").or_else(|| value.find("\t#")) {
        Some(i) => (value[..i].trim(), &value[i..]),
        None => (value.trim(), ""),
    }
}

/// Where the block list that starts after line `start` ends (the line after its last item),
/// and the indentation its items use.
fn block_end(lines: &[&str], start: usize) -> (usize, String) {
    let mut insert_at = start + 1;
    let mut indent = "  ".to_owned();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let blank_or_comment = trimmed.trim().is_empty() || trimmed.starts_with('#');
        if blank_or_comment {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if !indented && !trimmed.starts_with("- ") && trimmed.trim_end() != "-" {
            break; // the next top-level key
        }
        if trimmed.starts_with('-') {
            indent = line[..line.len() - trimmed.len()].to_owned();
        }
        insert_at = i + 1;
    }
    (insert_at, indent)
}

#[cfg(test)]
mod tests {
    use super::add_entry;

    fn add_resource(text: &str, entry: &str) -> Result<String, String> {
        add_entry(text, "resources", entry)
    }

    #[test]
    fn appends_to_a_block_list_keeping_comments() {
        let text = "# top\napiVersion: v1\nresources:\n  # the guard\n  - guard.yaml # keep\n  - a.yaml\n\n# transformers\ntransformers:\n  - platform.yaml\n";
        let out = add_resource(text, "pipelines/b.yaml").unwrap();
        assert_eq!(
            out,
            "# top\napiVersion: v1\nresources:\n  # the guard\n  - guard.yaml # keep\n  - a.yaml\n  - pipelines/b.yaml\n\n# transformers\ntransformers:\n  - platform.yaml\n"
        );
    }

    #[test]
    fn keeps_unindented_items_unindented() {
        let out = add_resource("resources:\n- a.yaml\ntransformers:\n- p.yaml", "b.yaml").unwrap();
        assert_eq!(out, "resources:\n- a.yaml\n- b.yaml\ntransformers:\n- p.yaml");
    }

    #[test]
    fn handles_empty_flow_and_missing_lists() {
        assert_eq!(add_resource("resources: [] # none yet\nkind: K\n", "a.yaml").unwrap(), "resources: # none yet\n  - a.yaml\nkind: K\n");
        assert_eq!(add_resource("resources: [x.yaml]\n", "a.yaml").unwrap(), "resources: [x.yaml, a.yaml]\n");
        assert_eq!(add_resource("kind: K", "a.yaml").unwrap(), "kind: K\nresources:\n  - a.yaml\n");
        assert_eq!(
            add_resource("resources:\n  # only a comment\nkind: K\n", "a.yaml").unwrap(),
            "resources:\n  - a.yaml\n  # only a comment\nkind: K\n"
        );
        assert!(add_resource("resources: &r\n", "a.yaml").is_err());
    }

    #[test]
    fn finds_listed_and_missing_entries() {
        let scaffold = "resources:\n  - guard.yaml\ntransformers:\n  - platform.yaml\n";
        let text = "# mine\nresources:\n  - ./guard.yaml\n  - pipelines/a.yaml # a\n";
        assert!(super::lists(text, "resources", "pipelines/a.yaml").unwrap());
        assert!(super::lists(text, "resources", "guard.yaml").unwrap());
        assert!(!super::lists(text, "generators", "guard.yaml").unwrap());
        let missing = super::missing(text, scaffold).unwrap();
        assert_eq!(missing, [("transformers", "platform.yaml".to_owned())]);
        assert_eq!(
            super::add_entries(text, &missing).unwrap(),
            "# mine\nresources:\n  - ./guard.yaml\n  - pipelines/a.yaml # a\ntransformers:\n  - platform.yaml\n"
        );
        assert!(super::missing(scaffold, scaffold).unwrap().is_empty());
        assert!(super::missing("resources: 3\n", scaffold).is_err());
        assert!(super::missing("- a\n", scaffold).is_err());
    }

    #[test]
    fn adds_generators_beside_an_empty_resources_list() {
        let text = "# teams\nkind: Kustomization\nresources: []\n";
        assert_eq!(
            add_entry(text, "generators", "teams/a.yaml").unwrap(),
            "# teams\nkind: Kustomization\nresources: []\ngenerators:\n  - teams/a.yaml\n"
        );
        let text = "generators:\n  - teams/a.yaml # first\n";
        assert_eq!(add_entry(text, "generators", "teams/b.yaml").unwrap(), "generators:\n  - teams/a.yaml # first\n  - teams/b.yaml\n");
    }
}
