//! Whole pipelines run with `pipewright run --executor host` on real projects
//! (`tests/fixtures/run/<toolchain>`), cloned through the clone step, with their real tools and
//! packages from the public registries: each proves the library's deps, lint and test steps
//! by executing them, and the interpreter's cache, failure, exit-handler and retry behaviour.

use super::run_support::{SUPPLY_CHAIN, commit, git_repo, host_has, pipeline, run, skips};
use super::support::{copy_tree, root};
use std::path::Path;

/// Copies the fixture project `name` into `dir/repo` and commits it there.
fn fixture(name: &str, dir: &Path) -> std::path::PathBuf {
    let repo = dir.join("repo");
    copy_tree(&root().join("tests/fixtures/run").join(name), &repo);
    git_repo(&repo, &[]);
    repo
}

#[test]
fn node_clones_installs_lints_and_tests_then_finds_its_cache_warm() {
    if !host_has(&["node", "npm"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture("node", dir.path());
    let work = dir.path().join("work");
    let yaml = pipeline("web", "node", "");
    let first = run(dir.path(), &yaml, &repo, &work, &skips(&SUPPLY_CHAIN), &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.report["status"], "Succeeded");
    for task in ["clone", "deps", "lint", "test"] {
        first.expect(task, "Succeeded");
    }
    for task in SUPPLY_CHAIN {
        first.expect(task, "Skipped");
    }
    let deps = first.output("deps");
    assert!(deps.iter().any(|l| l.starts_with("pipewright: dependency cache node-") && l.ends_with("(cold)")), "{deps:#?}");
    assert!(deps.iter().any(|l| l.contains("added 1 package")), "npm ci installed ms from the lockfile: {deps:#?}");
    assert!(first.output("lint").contains(&"lint: index.js is clean"), "{}", first.stderr);
    let test = first.output("test");
    assert!(test.iter().any(|l| l.contains("fixture-node: ms says 2h is 120 minutes")), "{test:#?}");
    assert!(test.iter().any(|l| l.trim() == "# pass 2"), "{test:#?}");

    // Same pipeline, same work directory: the cache claim persisted, keyed by the same lockfile.
    let second = run(dir.path(), &yaml, &repo, &work, &skips(&SUPPLY_CHAIN), &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let key = |ran: &super::run_support::Ran| {
        ran.output("deps")
            .iter()
            .find_map(|l| l.strip_prefix("pipewright: dependency cache "))
            .map(|l| l.split(' ').next().unwrap().to_owned())
    };
    assert_eq!(key(&first), key(&second));
    let deps = second.output("deps");
    assert!(deps.iter().any(|l| l.starts_with("pipewright: dependency cache node-") && l.ends_with("(warm)")), "{deps:#?}");

    // A changed lockfile is a new, cold key.
    let lock = repo.join("package-lock.json");
    std::fs::write(&lock, std::fs::read_to_string(&lock).unwrap().replace("\"version\": \"1.0.0\"", "\"version\": \"1.0.1\"")).unwrap();
    commit(&repo, "bump");
    let third = run(dir.path(), &yaml, &repo, &work, &skips(&SUPPLY_CHAIN), &[]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert_ne!(key(&third), key(&first));
    assert!(third.output("deps").iter().any(|l| l.ends_with("(cold)")), "{}", third.stderr);
}
