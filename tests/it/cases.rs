//! Snapshot cases, one folder each: `tests/cases/{valid,invalid}/<case>/input.yaml` is a
//! ResourceList; `expected.snap` beside it holds the exit code, stderr and stdout exactly.
//! Valid cases must exit 0 with no error; invalid ones must exit 1, name a field on stderr,
//! carry a `results` entry with `field.path`, and emit no items.

use super::support::{function, items};
use std::path::Path;

fn snapshot_case(path: &Path) -> super::support::Run {
    let input = std::fs::read(path).unwrap();
    let run = function(&input);
    let case_dir = path.parent().unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(case_dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(path);
    settings.remove_snapshot_suffix();
    settings.bind(|| {
        insta::assert_snapshot!("expected", format!("exit: {}\n--- stderr\n{}--- stdout\n{}", run.code, run.stderr, run.stdout));
    });
    run
}

#[test]
fn valid_cases() {
    insta::glob!("../cases/valid", "*/input.yaml", |path| {
        let run = snapshot_case(path);
        assert_eq!(run.code, 0, "{}: {}", path.display(), run.stderr);
        assert!(!run.stderr.contains("error:"), "{}: {}", path.display(), run.stderr);
    });
}

#[test]
fn invalid_cases() {
    let mut count = 0;
    insta::glob!("../cases/invalid", "*/input*", |path| {
        count += 1;
        let run = snapshot_case(path);
        assert_eq!(run.code, 1, "{}: expected exit 1", path.display());
        assert!(run.stderr.contains("error:"), "{}: no error on stderr", path.display());
        assert!(items(&run.stdout).is_empty(), "{}: an invalid input emitted items", path.display());
        let list: serde_json::Value = serde_yaml::from_str(&run.stdout).unwrap();
        let results = list["results"].as_array().cloned().unwrap_or_default();
        assert!(results.iter().any(|r| r["severity"] == "error"), "{}: no error result", path.display());
        let names_object = results.iter().any(|r| r.get("resourceRef").is_some() && r["field"]["path"].is_string());
        let is_whole_input = results.iter().all(|r| r.get("resourceRef").is_none());
        assert!(names_object || is_whole_input, "{}: results name no object and field", path.display());
    });
    assert!(count >= 15, "only {count} invalid cases");
}
