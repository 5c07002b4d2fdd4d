//! More whole pipelines run with `pipewright run --executor host` (see `run_toolchains`): a Go
//! module through the library's default go steps, offline, and the generic toolchain with the
//! Pipeline's own shell commands.

use super::run_support::{Ran, SUPPLY_CHAIN, commit, git_repo, host_has, pipeline, run, skips};
use super::support::{copy_tree, root};
use std::path::Path;

/// Runs `yaml` on `repo` in `work`, the supply-chain tasks skipped.
fn run_toolchain(dir: &Path, yaml: &str, repo: &Path, work: &Path) -> Ran {
    run(dir, yaml, repo, work, &skips(&SUPPLY_CHAIN), &[])
}

/// A Go module without dependencies (`tests/fixtures/run/go`, two packages): `go mod download`,
/// `go vet ./...` and `go test ./...` with Debian's Go, offline, GOPATH and GOCACHE in the
/// dependency cache. A second run finds the build cache warm (`go test` reports `(cached)`), and
/// a self-assignment, which only `go vet` reports, fails the run at lint while test passes.
#[test]
fn go_downloads_vets_and_tests_offline_then_vet_fails_a_self_assignment() {
    if !host_has(&["go"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_tree(&root().join("tests/fixtures/run/go"), &repo);
    git_repo(&repo, &[]);
    let work = dir.path().join("work");
    let yaml = pipeline("mod", "go", "");
    let first = run_toolchain(dir.path(), &yaml, &repo, &work);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.report["status"], "Succeeded");
    for task in ["clone", "deps", "lint", "test"] {
        first.expect(task, "Succeeded");
    }
    let deps = first.output("deps");
    assert!(deps.iter().any(|l| l.starts_with("pipewright: dependency cache go-") && l.ends_with("(cold)")), "{deps:#?}");
    assert!(deps.contains(&"go: no module dependencies to download"), "{deps:#?}");
    let test = first.output("test");
    for package in ["example.invalid/fixture-go", "example.invalid/fixture-go/words"] {
        assert!(test.iter().any(|l| l.starts_with("ok") && l.split('\t').nth(1) == Some(package)), "{package}: {test:#?}");
    }
    assert!(!test.iter().any(|l| l.contains("(cached)")), "{test:#?}");

    // Same work directory: GOCACHE persisted in the cache claim, so go test replays its results.
    let second = run_toolchain(dir.path(), &yaml, &repo, &work);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.output("deps").iter().any(|l| l.ends_with("(warm)")), "{}", second.stderr);
    let cached = second.output("test").iter().filter(|l| l.starts_with("ok") && l.ends_with("(cached)")).count();
    assert_eq!(cached, 2, "{}", second.stderr);

    // `go vet` (lint) reports a self-assignment; `go test`'s own vet subset does not.
    let source = repo.join("calc.go");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("\treturn a + b", "\ta = a\n\treturn a + b")).unwrap();
    commit(&repo, "self-assignment");
    let third = run_toolchain(dir.path(), &yaml, &repo, &work);
    assert_eq!(third.code, 1, "{}", third.stderr);
    assert_eq!(third.report["failedTask"], "lint", "{:#}", third.report);
    third.expect("lint", "Failed");
    third.expect("test", "Succeeded");
    assert!(third.output("lint").iter().any(|l| l.contains("calc.go:6:2: self-assignment of a to a")), "{}", third.stderr);
}
