//! Whole pipelines run with `pipewright run --executor host` on real projects
//! (`tests/fixtures/run/<toolchain>`), cloned through the clone step, with their real tools and
//! packages from the public registries: each proves the library's deps, lint and test steps
//! by executing them, and the interpreter's cache, failure, exit-handler and retry behaviour.

use super::run_support::{GitServer, SUPPLY_CHAIN, Webhook, commit, git_repo, host_has, pipeline, run, skips};
use super::support::{copy_tree, root};
use std::path::Path;
use std::process::Command;

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
        assert_eq!(first.task(task)["exitCode"], 0, "{task} ran a pod that exited 0: {:#}", first.report);
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

/// Runs the python pipeline on the layout `tests/fixtures/python/<layout>` plus `files`, after
/// `prepare` (which may lock the project), and checks clone → deps → lint (ruff) → test (pytest).
fn python_pipeline(layout: &str, files: &[(&str, &str)], prepare: impl FnOnce(&Path)) -> Option<super::run_support::Ran> {
    if !host_has(&["python3"]) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_tree(&root().join("tests/fixtures/python").join(layout), &repo);
    prepare(&repo);
    git_repo(&repo, files);
    let ran = run(dir.path(), &pipeline("svc", "python", ""), &repo, &dir.path().join("work"), &skips(&SUPPLY_CHAIN), &[]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for task in ["clone", "deps", "lint", "test"] {
        ran.expect(task, "Succeeded");
    }
    assert!(ran.output("lint").contains(&"All checks passed!"), "ruff ran: {}", ran.stderr);
    Some(ran)
}

const TOOLS_ONLY_TEST: &str = "from alpha import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n";

/// issue 14: a `pyproject.toml` with `[tool.*]` only, beside two top-level packages: deps
/// installs the requirements and not the project (pip would refuse the flat layout), and
/// pytest imports the packages from the checkout.
#[test]
fn python_with_tool_settings_only_runs_without_installing_the_project() {
    let files = [
        (
            "alpha/__init__.py",
            "\"\"\"Alpha.\"\"\"\n\n\ndef add(a: int, b: int) -> int:\n    \"\"\"Return the sum.\"\"\"\n    return a + b\n",
        ),
        ("tests/test_alpha.py", TOOLS_ONLY_TEST),
    ];
    let Some(ran) = python_pipeline("tools-only", &files, |_| {}) else { return };
    let deps = ran.output("deps");
    assert!(deps.iter().any(|l| l.contains("declares no [project] or [build-system]")), "{}", ran.stderr);
    assert!(deps.iter().any(|l| l.starts_with("Successfully installed") && l.contains("iniconfig")), "{}", ran.stderr);
    assert!(ran.output("test").iter().any(|l| l.contains("1 passed")), "{}", ran.stderr);
}

/// A `[project]` with a build system is installed (editable), so its tests import it and its
/// dependency from anywhere.
#[test]
fn python_project_is_installed_and_tested() {
    let test = "import os\n\nimport iniconfig\n\nimport demo\n\n\ndef test_installed() -> None:\n    assert demo.VALUE == 42\n    assert iniconfig.__name__ == \"iniconfig\"\n    assert \"site-packages\" in os.path.realpath(iniconfig.__file__)\n";
    let Some(ran) = python_pipeline("project", &[("tests/test_demo.py", test)], |_| {}) else { return };
    assert!(ran.output("deps").iter().any(|l| l.starts_with("Successfully installed") && l.contains("pw-demo")), "{}", ran.stderr);
    assert!(ran.output("test").iter().any(|l| l.contains("1 passed")), "{}", ran.stderr);
}

const DEV_GROUP_TEST: &str = "import iniconfig\n\n\ndef test_dev_group() -> None:\n    assert iniconfig.IniConfig\n";

/// `poetry.lock`: the deps step installs poetry from PyPI and `poetry install --no-root --with
/// dev` into the pipeline's venv; pytest sees the dev group.
#[test]
fn python_poetry_lock_runs_with_poetry() {
    let Some(ran) = python_pipeline("poetry", &[("tests/test_dev.py", DEV_GROUP_TEST)], |_| {}) else { return };
    assert!(ran.output("deps").contains(&"pipewright: poetry.lock: poetry install --no-root --with dev"), "{}", ran.stderr);
    assert!(ran.output("test").iter().any(|l| l.contains("1 passed")), "{}", ran.stderr);
}

/// `uv.lock` (made here with uv from PyPI: a committed one would name the registry's host):
/// `uv sync --frozen` installs the dev group; pytest sees it.
#[test]
fn python_uv_lock_runs_with_uv_sync() {
    let Some(ran) = python_pipeline("uv", &[("tests/test_dev.py", DEV_GROUP_TEST)], |repo| {
        let tools = repo.parent().unwrap().join("uv-tool");
        assert!(Command::new("python3").arg("-m").arg("venv").arg(&tools).status().unwrap().success());
        assert!(Command::new(tools.join("bin/pip")).args(["install", "-q", "uv"]).status().unwrap().success());
        let out = Command::new(tools.join("bin/uv")).args(["lock", "--python", "python3"]).current_dir(repo).output().unwrap();
        assert!(out.status.success(), "uv lock: {}", String::from_utf8_lossy(&out.stderr));
    }) else {
        return;
    };
    assert!(ran.output("deps").contains(&"pipewright: uv.lock: uv sync --frozen"), "{}", ran.stderr);
    assert!(ran.output("test").iter().any(|l| l.contains("1 passed")), "{}", ran.stderr);
}

/// A cargo project without dependencies: `cargo fetch`, `cargo check --all-targets` and `cargo
/// test` with the host's toolchain (rustup's, through the RUSTUP_HOME the host executor passes),
/// with CARGO_HOME and the target directory in the dependency cache.
#[test]
fn rust_fetches_checks_and_tests_offline() {
    if !host_has(&["cargo"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture("rust", dir.path());
    let ran = run(dir.path(), &pipeline("crate", "rust", ""), &repo, &dir.path().join("work"), &skips(&SUPPLY_CHAIN), &[]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for task in ["clone", "deps", "lint", "test"] {
        ran.expect(task, "Succeeded");
    }
    assert!(
        ran.output("lint").iter().any(|l| l.trim_start().starts_with("Checking fixture-rust v0.1.0 (/workspace/src)")),
        "{}",
        ran.stderr
    );
    assert!(ran.output("test").contains(&"test tests::fixture_rust_adds ... ok"), "{}", ran.stderr);
    let target = dir.path().join("work");
    let built = walk(&target).into_iter().any(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("fixture_rust-")));
    assert!(built, "the test binary is in the cache claim's target directory under {}", target.display());
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The Debian packages that put the maven fixture's pinned plugins and junit into
/// `/usr/share/maven-repo` (Maven Central is not reachable from every test machine), with the
/// directory each one installs.
const MAVEN_REPO_PACKAGES: [(&str, &str); 10] = [
    ("libmaven-resources-plugin-java", "org/apache/maven/plugins/maven-resources-plugin/3.3.0"),
    ("libmaven-compiler-plugin-java", "org/apache/maven/plugins/maven-compiler-plugin/3.10.1"),
    ("libsurefire-java", "org/apache/maven/plugins/maven-surefire-plugin/2.22.3"),
    ("libmaven-jar-plugin-java", "org/apache/maven/plugins/maven-jar-plugin/3.3.0"),
    ("libmaven-install-plugin-java", "org/apache/maven/plugins/maven-install-plugin/3.1.0"),
    ("libmaven-deploy-plugin-java", "org/apache/maven/plugins/maven-deploy-plugin/3.0.0"),
    ("libmaven-clean-plugin-java", "org/apache/maven/plugins/maven-clean-plugin/3.2.0"),
    ("libmaven-site-plugin-java", "org/apache/maven/plugins/maven-site-plugin/3.12.1"),
    ("libmaven-dependency-plugin-java", "org/apache/maven/plugins/maven-dependency-plugin/3.5.0"),
    ("junit4", "junit/junit/4.13.2"),
];

/// A maven project whose plugins come from Debian's Maven repository, configured by the project
/// itself (`.mvn/maven.config` → `.mvn/settings.xml`), so the library's default commands run
/// unchanged: `dependency:go-offline`, `-DskipTests verify`, `test`. lint runs before test
/// (they build into one `target/`), never beside it.
#[test]
fn maven_resolves_lints_then_tests() {
    if !host_has(&["mvn", "java"]) {
        return;
    }
    let missing: Vec<&str> =
        MAVEN_REPO_PACKAGES.iter().filter(|(_, dir)| !Path::new("/usr/share/maven-repo").join(dir).is_dir()).map(|(p, _)| *p).collect();
    if !missing.is_empty() {
        super::support::skip(&format!(
            "the maven pipeline needs Debian's Maven repository with the fixture's plugins (Maven Central may be unreachable): apt-get install {}",
            missing.join(" ")
        ));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture("maven", dir.path());
    let ran = run(dir.path(), &pipeline("jvm", "maven", ""), &repo, &dir.path().join("work"), &skips(&SUPPLY_CHAIN), &[]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for task in ["clone", "deps", "lint", "test"] {
        ran.expect(task, "Succeeded");
    }
    assert!(ran.output("deps").iter().any(|l| l.contains("maven-dependency-plugin:3.5.0:go-offline")), "{}", ran.stderr);
    assert!(ran.output("lint").iter().any(|l| l.contains("Building jar: /workspace/src/target/fixture-maven-1.0.0.jar")), "{}", ran.stderr);
    let test = ran.output("test");
    assert!(test.contains(&"fixture-maven: add works"), "{}", ran.stderr);
    assert!(test.iter().any(|l| l.contains("Tests run: 1, Failures: 0, Errors: 0")), "{}", ran.stderr);
    let line =
        |needle: &str| ran.stderr.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}`:\n{}", ran.stderr));
    assert!(line("lint: Succeeded") < line("test (pipewright-v1-maven/test): Running"), "test started before lint ended:\n{}", ran.stderr);
}

/// A failing test fails the run at `test` (exit 1): build-image and what follows it never run,
/// and the exit handler posts the failure, naming the step, to the webhook the Pipeline's
/// `notify.webhook` Secret points at (a loopback server here; the URL comes from `--secret`).
#[test]
fn a_failing_test_fails_the_run_and_the_webhook_hears_of_it() {
    if !host_has(&["node", "npm", "python3"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_tree(&root().join("tests/fixtures/run/node"), &repo);
    let test = repo.join("test/add.test.js");
    std::fs::write(&test, std::fs::read_to_string(&test).unwrap().replace("add(2, 3), 5", "add(2, 3), 6")).unwrap();
    git_repo(&repo, &[]);
    let hook = Webhook::start(std::time::Duration::from_secs(120));
    let yaml = pipeline("web", "node", "  notify:\n    webhook: {name: ci-hook, key: url}\n");
    let secret = format!("ci-hook.url={}", hook.url);
    let args = ["--skip", "security-scan", "--secret", &secret];
    let ran = run(dir.path(), &yaml, &repo, &dir.path().join("work"), &args, &[("PIPEWRIGHT_RUN_TIME_SCALE", "0.01")]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(ran.report["status"], "Failed");
    assert_eq!(ran.report["failedTask"], "test", "{:#}", ran.report);
    ran.expect("test", "Failed");
    assert_eq!(ran.task("test")["exitCode"], 1);
    ran.expect("lint", "Succeeded");
    for task in ["build-image", "scan-image", "provenance"] {
        ran.expect(task, "Omitted");
    }
    assert!(ran.output("test").iter().any(|l| l.contains("# fail 1")), "{}", ran.stderr);
    assert!(ran.stderr.contains("pipewright: error: the pipeline failed at task test"), "{}", ran.stderr);
    let notified = ran.report["tasks"].as_array().unwrap().iter().find(|t| t["name"].as_str().is_some_and(|n| n.contains("webhook")));
    assert_eq!(notified.map(|t| t["status"].clone()), Some("Succeeded".into()), "{:#}", ran.report);
    assert!(!ran.stderr.contains(&hook.url), "the webhook URL (a Secret) was printed:\n{}", ran.stderr);
    let bodies = hook.received();
    assert_eq!(bodies.len(), 1, "{bodies:?}\n{}", ran.stderr);
    let posted: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(posted["status"], "Failed", "{posted:#}");
    assert_eq!(posted["pipeline"], "web", "{posted:#}");
    assert_eq!(posted["failedStep"], "test", "the posted failure names the step: {posted:#}");
    assert_eq!(posted["failedMessage"], "Error (exit code 1)", "{posted:#}");
}

/// A pipeline whose deps, lint and test are `true` (the generic toolchain), so the clone alone
/// is what a run exercises.
fn trivial_pipeline(name: &str) -> String {
    let step = "{command: [\"true\"], image: debian:bookworm-slim}";
    pipeline(name, "generic", &format!("  steps:\n    deps: {step}\n    lint: {step}\n    test: {step}\n"))
}

/// What a clone from a forge that is slow to fail the first time does: the first request waits
/// `SLOW` (longer than the old back-off's one minute, scaled) and answers 503.
fn flaky_clone(dir: &Path, yaml: &str) -> (super::run_support::Ran, usize) {
    let repo = dir.join("repo");
    git_repo(&repo, &[("README", "retries\n")]);
    let served = dir.join("served");
    std::fs::create_dir_all(&served).unwrap();
    assert!(Command::new("git").args(["clone", "-q", "--bare"]).arg(&repo).arg(served.join("app.git")).status().unwrap().success());
    // With PIPEWRIGHT_RUN_TIME_SCALE=0.01 the first wait is 0.15 s, and the old maxDuration (1m)
    // is 0.6 s after the first attempt started: a 1 s attempt is "long".
    const SLOW: std::time::Duration = std::time::Duration::from_secs(1);
    let server = GitServer::start(&served, 1, SLOW, std::time::Duration::from_secs(120));
    let file = dir.join("pipeline.yaml");
    std::fs::write(&file, yaml).unwrap();
    let source = format!("{}/app.git", server.base);
    let ran = super::run_support::run_file(
        dir,
        &file,
        &source,
        &dir.join("work"),
        &skips(&SUPPLY_CHAIN),
        &[("PIPEWRIGHT_RUN_TIME_SCALE", "0.01")],
    );
    (ran, server.failed.load(std::sync::atomic::Ordering::Relaxed))
}

/// issue 14: the library's network retry (15 s then 30 s, bounded by `cap`, no `maxDuration`)
/// retries a clone that failed after a long attempt, as Argo's controller would.
#[test]
fn a_clone_that_fails_after_a_long_attempt_is_retried() {
    if !host_has(&["git"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ran, failed) = flaky_clone(dir.path(), &trivial_pipeline("app"));
    assert_eq!(failed, 1);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    ran.expect("clone", "Succeeded");
    assert_eq!(ran.task("clone")["attempts"], 2, "{:#}", ran.report);
    assert!(ran.stderr.contains("clone: attempt 1 ended Error (exit code 128); retrying in 0.1s"), "{}", ran.stderr);
    assert!(ran.output("clone").iter().any(|l| l.contains("503")), "the first attempt saw the forge's 503: {}", ran.stderr);
    for task in ["deps", "lint", "test"] {
        ran.expect(task, "Succeeded");
    }
}

/// The same run with the library's old back-off (`maxDuration: 1m`, a deadline from the first
/// attempt's start): the controller makes no retry, and neither does `pipewright run`.
#[test]
fn with_the_old_max_duration_the_same_clone_is_not_retried() {
    if !host_has(&["git"]) {
        return;
    }
    let platform = b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Platform\n  metadata: {name: acme}\n  spec: {}\n";
    let rendered = super::support::function(platform);
    assert_eq!(rendered.code, 0, "{}", rendered.stderr);
    let mut documents = vec![trivial_pipeline("app")];
    let mut patched = 0;
    for mut library in super::support::items(&rendered.stdout) {
        if library["kind"] != "ClusterWorkflowTemplate" {
            continue;
        }
        if library["metadata"]["name"] == "pipewright-v1-git" {
            for template in library["spec"]["templates"].as_array_mut().unwrap() {
                if template.get("retryStrategy").is_some() {
                    template["retryStrategy"]["backoff"] = serde_json::json!({"duration": "15s", "factor": 2, "maxDuration": "1m"});
                    patched += 1;
                }
            }
        }
        documents.push(serde_yaml::to_string(&library).unwrap());
    }
    assert!(patched > 0, "the git library has no retryStrategy to patch");
    let dir = tempfile::tempdir().unwrap();
    let (ran, _) = flaky_clone(dir.path(), &documents.join("---\n"));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(ran.report["failedTask"], "clone", "{:#}", ran.report);
    ran.expect("clone", "Failed");
    assert_eq!(ran.task("clone")["attempts"], 1, "{:#}", ran.report);
    let message = ran.task("clone")["message"].as_str().unwrap_or("");
    assert!(message.contains("Max duration limit exceeded"), "{message}\n{}", ran.stderr);
}
