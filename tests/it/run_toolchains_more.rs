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

/// `run_toolchain`, which must succeed with clone, deps, lint and test each Succeeded, and
/// whose deps step must report the dependency cache `<toolchain>-…` as cold.
fn run_cold(dir: &Path, yaml: &str, repo: &Path, work: &Path, toolchain: &str) -> Ran {
    let ran = run_toolchain(dir, yaml, repo, work);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.report["status"], "Succeeded", "{:#}", ran.report);
    for task in ["clone", "deps", "lint", "test"] {
        ran.expect(task, "Succeeded");
    }
    let cache = format!("pipewright: dependency cache {toolchain}-");
    assert!(ran.output("deps").iter().any(|l| l.starts_with(&cache) && l.ends_with("(cold)")), "{}", ran.stderr);
    ran
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
    let first = run_cold(dir.path(), &yaml, &repo, &work, "go");
    let deps = first.output("deps");
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

/// The generic toolchain's project: a shell program, its test, and nothing else.
const GENERIC_FILES: [(&str, &str); 2] = [
    (
        "app/greet.sh",
        "#!/bin/sh\n# Greets its first argument with the word the deps step cached.\nprintf '%s, %s\\n' \"$(cat \"$XDG_CACHE_HOME/greeting/word\")\" \"$1\"\n",
    ),
    (
        "app/test.sh",
        "#!/bin/sh\n# Checks greet.sh, and shows the argument it was given, as given.\nset -eu\ngot=$(sh greet.sh world)\n[ \"$got\" = 'hello, world' ] || { echo \"test: FAIL: $got\"; exit 1; }\necho \"test: greet says $got in $(pwd), CI=$CI\"\nprintf 'test: argument: %s\\n' \"$1\"\n",
    ),
];

/// The generic toolchain has no preset: the Pipeline's own commands run through the launcher
/// (no shell between them and the program, so `$HOME; …` in an argument stays text), in
/// `contextDir`, with `XDG_CACHE_HOME` in the dependency cache: what deps cached there, test
/// reads, and a second run finds the cache warm. shellcheck lints the scripts for real.
#[test]
fn generic_runs_the_pipelines_own_commands_with_its_cache() {
    if !host_has(&["sh", "shellcheck"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    git_repo(&repo, &GENERIC_FILES);
    let deps = r#"[sh, -c, 'mkdir -p "$XDG_CACHE_HOME/greeting" && echo hello > "$XDG_CACHE_HOME/greeting/word" && echo "deps: cached the greeting in $XDG_CACHE_HOME"']"#;
    let steps = format!(
        "  contextDir: app\n  steps:\n    deps: {{command: {deps}, image: debian:bookworm-slim}}\n    lint: {{command: [shellcheck, greet.sh, test.sh], image: koalaman/shellcheck-alpine:v0.10.0}}\n    test: {{command: [sh, test.sh, \"$HOME; echo not a shell\"], image: debian:bookworm-slim}}\n"
    );
    let yaml = pipeline("scripts", "generic", &steps);
    let work = dir.path().join("work");
    let first = run_cold(dir.path(), &yaml, &repo, &work, "generic");
    let deps = first.output("deps");
    assert!(deps.contains(&"deps: cached the greeting in /tmp/cache"), "{deps:#?}");
    let test = first.output("test");
    assert!(test.contains(&"test: greet says hello, world in /workspace/src/app, CI=true"), "{test:#?}");
    assert!(test.contains(&"test: argument: $HOME; echo not a shell"), "{test:#?}");
    assert!(!test.iter().any(|l| l.contains("not a shell") && !l.starts_with("test: argument:")), "{test:#?}");

    let second = run_toolchain(dir.path(), &yaml, &repo, &work);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.output("test").iter().any(|l| l.ends_with("(warm)")), "{}", second.stderr);

    // shellcheck really lints: an unquoted expansion (which works, so test passes) fails the run at lint.
    let greet = repo.join("app/greet.sh");
    std::fs::write(&greet, std::fs::read_to_string(&greet).unwrap().replace("\"$1\"", "$1")).unwrap();
    commit(&repo, "unquoted");
    let third = run_toolchain(dir.path(), &yaml, &repo, &work);
    assert_eq!(third.code, 1, "{}", third.stderr);
    assert_eq!(third.report["failedTask"], "lint", "{:#}", third.report);
    third.expect("test", "Succeeded");
    assert!(third.output("lint").iter().any(|l| l.contains("SC2086")), "{}", third.stderr);
}

/// A java project (`tests/fixtures/run/gradle`) through the library's default gradle commands
/// (`testClasses`, `check -x test`, `test`) with Debian's gradle on the JDK, offline: junit, its
/// one dependency, resolves from Debian's Maven repository through the project's own
/// `repositories`. With the Platform's `reports.junit`, gradle's XML under `build/test-results`
/// is copied out and saved as the test task's artifact.
#[test]
fn gradle_compiles_checks_then_tests_offline_and_keeps_its_junit_report() {
    if !host_has(&["gradle", "java"]) {
        return;
    }
    if !Path::new("/usr/share/maven-repo/junit/junit/4.13.2").is_dir() {
        super::support::skip("the gradle pipeline needs junit 4.13.2 in Debian's Maven repository: apt-get install junit4");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_tree(&root().join("tests/fixtures/run/gradle"), &repo);
    git_repo(&repo, &[]);
    let platform = "---\napiVersion: pipewright.dev/v1alpha1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  reports: {junit: true}\n";
    let yaml = format!("{}{platform}", pipeline("jvm", "gradle", ""));
    let ran = run_cold(dir.path(), &yaml, &repo, &dir.path().join("work"), "gradle");
    for (task, line) in [("deps", ":compileTestJava"), ("deps", ":testClasses"), ("lint", ":check"), ("test", ":test")] {
        assert!(ran.output(task).contains(&line), "{task} ran {line}: {}", ran.stderr);
    }
    let test = ran.output("test");
    assert!(test.iter().any(|l| l.trim() == "fixture-gradle: add works"), "{test:#?}");
    assert!(test.contains(&"example.CalculatorTest > adds PASSED"), "{test:#?}");
    assert!(test.contains(&"pipewright: 1 JUnit report(s) in /workspace/reports/junit"), "{test:#?}");
    let reports = Path::new(ran.report["runDir"].as_str().unwrap()).join("artifacts/test/test-reports");
    let report = std::fs::read_to_string(reports.join("build_test-results_test_TEST-example.CalculatorTest.xml")).unwrap();
    assert!(
        report.contains("<testsuite name=\"example.CalculatorTest\" tests=\"1\" skipped=\"0\" failures=\"0\" errors=\"0\""),
        "{report}"
    );
    let line =
        |needle: &str| ran.stderr.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}`:\n{}", ran.stderr));
    assert!(line("lint: Succeeded") < line("test (pipewright-v1-gradle/test): Running"), "test started before lint ended:\n{}", ran.stderr);
}
