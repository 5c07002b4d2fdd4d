//! The documentation holds together: every relative link (and `#anchor`, as GitHub slugs
//! headings) in README.md and docs/*.md resolves, and the README's map lists every document.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support;

/// README.md and every docs/*.md, sorted.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .map(|dir| dir.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect())
        .unwrap_or_default();
    docs.sort();
    files.extend(docs);
    files
}

/// The lines of a Markdown text outside fenced code blocks.
fn prose(text: &str) -> Vec<&str> {
    let mut fenced = false;
    text.lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

/// A line with its code spans removed (a link inside backticks is text, not a link).
fn without_code_spans(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The targets of the inline links `[text](target)` in a text.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose(text) {
        let line = without_code_spans(line);
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].trim().to_owned());
            rest = &after[end..];
        }
    }
    targets
}

/// GitHub's anchor for a heading: lowercase, punctuation dropped (but `-` and `_`), each space a
/// `-`; markup (code spans, emphasis, link targets) reduced to its text.
fn slug(heading: &str) -> String {
    let text = strip_link_targets(heading);
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `[text](target)` → `text`.
fn strip_link_targets(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        rest = after.find(')').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The anchors of a Markdown text's headings; a repeated heading gets `-1`, `-2`, … as on GitHub.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in prose(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(line[hashes..].trim());
        let mut anchor = base.clone();
        let mut n = 0;
        while found.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        found.insert(anchor);
    }
    found
}

/// Every broken relative link in `files`, as `file: target (why)`.
fn broken_links(root: &Path, files: &[PathBuf]) -> Vec<String> {
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let shown = file.strip_prefix(root).unwrap_or(file).display().to_string();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = target.split_once('#').map_or((target.as_str(), None), |(p, a)| (p, Some(a)));
            let resolved = if path.is_empty() { file.clone() } else { file.parent().unwrap().join(path) };
            if !resolved.exists() {
                problems.push(format!("{shown}: {target} (no such file)"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if resolved.extension().is_none_or(|x| x != "md") {
                problems.push(format!("{shown}: {target} (an anchor into a file that is not Markdown)"));
                continue;
            }
            let headings = anchors(&std::fs::read_to_string(&resolved).unwrap());
            if !headings.contains(anchor) {
                problems.push(format!("{shown}: {target} (no heading has the anchor #{anchor})"));
            }
        }
    }
    problems
}

#[test]
fn every_relative_link_in_the_readme_and_docs_resolves() {
    let root = support::root();
    let files = documents(&root);
    assert!(files.len() > 5, "docs/ holds too few documents: {files:?}");
    let problems = broken_links(&root, &files);
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn the_readme_maps_every_document_in_docs() {
    let root = support::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let linked: BTreeSet<String> = link_targets(&readme).into_iter().map(|t| t.split('#').next().unwrap().to_owned()).collect();
    let missing: Vec<String> = documents(&root)[1..]
        .iter()
        .map(|p| format!("docs/{}", p.file_name().unwrap().to_string_lossy()))
        .filter(|d| !linked.contains(d))
        .collect();
    assert!(missing.is_empty(), "README.md's documentation map does not link {missing:?}");
}

#[test]
fn the_readme_stays_short() {
    let size = std::fs::metadata(support::root().join("README.md")).unwrap().len();
    assert!(size <= 15 * 1024, "README.md is {size} bytes: move reference text into docs/ (at most 15 KB)");
}

/// The checker itself finds a missing file, a missing anchor and a wrong same-page anchor,
/// and follows GitHub's slugs (punctuation dropped, repeated headings numbered).
#[test]
fn the_link_checker_finds_broken_links() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(
        dir.path().join("docs/a.md"),
        "# A\n\n## Rendered manifests: `render` and `render --check`\n\n## Notes\n\n## Notes\n\n```\n## not a heading\n```\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "[ok](docs/a.md#rendered-manifests-render-and-render---check) [ok](docs/a.md#notes-1) [ok](#top)\n\
         [gone](docs/b.md) [no anchor](docs/a.md#not-a-heading) [web](https://example.com/x) `[code](nowhere.md)`\n\n# Top\n",
    )
    .unwrap();
    let files = documents(dir.path());
    assert_eq!(
        broken_links(dir.path(), &files),
        ["README.md: docs/b.md (no such file)", "README.md: docs/a.md#not-a-heading (no heading has the anchor #not-a-heading)"]
    );
}
