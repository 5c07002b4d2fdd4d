//! The rendered Python `deps` step, executed on real project layouts (`tests/fixtures/python`)
//! with packages from PyPI: the library's launcher runs the step's default command with exactly
//! the environment its template sets, in a bubblewrap sandbox that lays out the pod's
//! filesystem (`/workspace/src` the checkout, `/cache` the cache volume, a private `/tmp`, and
//! the host's `/usr` as the image, with `python` on the PATH as in the python image).

use super::support::{function, has_bwrap, items, root, shellcheck_sh, substitute};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The python toolchain's `deps` template from the default library.
fn deps_template() -> Value {
    let input = b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Platform\n  metadata: {name: acme}\n  spec: {}\n";
    let run = function(input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let library = items(&run.stdout).into_iter().find(|o| o["metadata"]["name"] == "pipewright-v1-python").unwrap();
    library["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == "deps").cloned().unwrap()
}

/// What a deps run did: its exit code, its output, and what its venv can import.
struct Deps {
    code: i32,
    log: String,
    workspace: std::path::PathBuf,
    sandbox: Vec<String>,
}

impl Deps {
    /// Runs `python -c CODE` with the venv the step made, in the same sandbox.
    fn python(&self, code: &str) -> bool {
        let mut args = self.sandbox.clone();
        args.extend(["/workspace/.venv/bin/python".into(), "-c".into(), code.into()]);
        Command::new("bwrap").args(args).current_dir("/").status().unwrap().success()
    }

    fn has_tool(&self, name: &str) -> bool {
        self.workspace.join(".venv/bin").join(name).exists()
    }
}

/// Runs the deps step on a copy of the fixture `layout`, after `prepare` (which may add files).
fn run_deps(layout: &str, temp: &Path, prepare: impl FnOnce(&Path)) -> Deps {
    let template = deps_template();
    let workspace = temp.join("workspace");
    let src = workspace.join("src");
    super::support::copy_tree(&root().join("tests/fixtures/python").join(layout), &src);
    prepare(&src);
    for dir in ["tmp", "cache", "bin"] {
        std::fs::create_dir_all(temp.join(dir)).unwrap();
    }
    // The python image's `python`.
    std::os::unix::fs::symlink("/usr/bin/python3", temp.join("bin/python")).unwrap();
    let inputs: BTreeMap<String, String> = template["inputs"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p.get("default")?.as_str()?.to_owned())))
        .chain([("context_dir".to_owned(), ".".to_owned()), ("event".to_owned(), "push".to_owned())])
        .collect();
    let container = &template["container"];
    let env: BTreeMap<String, String> = container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_owned(), substitute(e["value"].as_str().unwrap(), "inputs.parameters", &inputs)))
        .collect();
    let p = |path: &Path| path.to_str().unwrap().to_owned();
    let mut sandbox: Vec<String> = [
        "--ro-bind",
        "/usr",
        "/usr",
        "--ro-bind",
        "/etc",
        "/etc",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--die-with-parent",
    ]
    .map(str::to_owned)
    .to_vec();
    for (from, to) in [(p(&temp.join("tmp")), "/tmp"), (p(&workspace), "/workspace"), (p(&temp.join("cache")), "/cache")] {
        sandbox.extend(["--bind".into(), from, to.into()]);
    }
    sandbox.extend(["--ro-bind".into(), p(&temp.join("bin")), "/usr/local/bin".into(), "--clearenv".into()]);
    // This machine's way to PyPI (a CA bundle, a proxy) is not the template's business: it is
    // passed through, like a cluster's nodes would give it to their pods.
    let host: Vec<(String, String)> =
        ["SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]
            .iter()
            .filter_map(|k| Some((k.to_string(), std::env::var(k).ok()?)))
            .collect();
    for (k, v) in env.iter().chain(host.iter().map(|(k, v)| (k, v))) {
        sandbox.extend(["--setenv".into(), k.clone(), v.clone()]);
    }
    sandbox.extend(["--chdir".into(), container["workingDir"].as_str().unwrap().to_owned()]);
    let command: Vec<String> = container["command"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    let out = Command::new("bwrap").args(&sandbox).args(&command).current_dir("/").output().unwrap();
    Deps {
        code: out.status.code().unwrap_or(-1),
        log: format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        workspace,
        sandbox,
    }
}

/// A `pyproject.toml` with tool settings only, beside two top-level packages: the requirements
/// are installed, the project is not (pip would refuse its flat layout), ruff and pytest are there.
#[test]
fn a_pyproject_with_tool_settings_only_is_not_installed() {
    if !has_bwrap() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let run = run_deps("tools-only", temp.path(), |_| {});
    assert_eq!(run.code, 0, "{}", run.log);
    assert!(run.log.contains("declares no [project] or [build-system]"), "{}", run.log);
    assert!(run.python("import iniconfig"), "requirements.txt was not installed: {}", run.log);
    assert!(run.has_tool("ruff") && run.has_tool("pytest"), "{}", run.log);
}

/// A `pyproject.toml` with `[project]` and `[build-system]` is installed (editable).
#[test]
fn a_declared_project_is_installed() {
    if !has_bwrap() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let run = run_deps("project", temp.path(), |_| {});
    assert_eq!(run.code, 0, "{}", run.log);
    assert!(run.python("import os; os.chdir('/'); import demo, iniconfig; assert demo.VALUE == 42"), "{}", run.log);
}

/// `poetry.lock`: `poetry install` puts the locked dev group into the step's venv, and a
/// project that is no package (`package-mode = false`) is not installed itself.
#[test]
fn a_poetry_lock_is_installed_with_poetry_and_its_dev_group() {
    if !has_bwrap() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let run = run_deps("poetry", temp.path(), |_| {});
    assert_eq!(run.code, 0, "{}", run.log);
    assert!(run.log.contains("poetry.lock: poetry install --no-root --with dev"), "{}", run.log);
    assert!(run.python("import iniconfig"), "the dev group was not installed: {}", run.log);
    assert!(run.has_tool("ruff") && run.has_tool("pytest"), "{}", run.log);
}

/// `uv.lock`: `uv sync --frozen` installs the locked dev group into the step's venv. The lock
/// is made here with uv from PyPI (a committed one would name the registry's host).
#[test]
fn a_uv_lock_is_synced_frozen() {
    if !has_bwrap() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let tools = temp.path().join("uv-tool");
    assert!(Command::new("python3").args(["-m", "venv", tools.to_str().unwrap()]).status().unwrap().success());
    assert!(Command::new(tools.join("bin/pip")).args(["install", "-q", "uv"]).status().unwrap().success());
    let run = run_deps("uv", temp.path(), |src| {
        let out = Command::new(tools.join("bin/uv")).args(["lock", "--python", "/usr/bin/python3"]).current_dir(src).output().unwrap();
        assert!(out.status.success(), "uv lock: {}", String::from_utf8_lossy(&out.stderr));
    });
    assert_eq!(run.code, 0, "{}", run.log);
    assert!(run.log.contains("uv.lock: uv sync --frozen"), "{}", run.log);
    assert!(run.python("import iniconfig"), "the dev group was not installed: {}", run.log);
    assert!(run.has_tool("ruff") && run.has_tool("pytest"), "{}", run.log);
}

/// The deps command's script is plain POSIX `sh`: shellcheck finds nothing.
#[test]
fn the_deps_script_passes_shellcheck_as_posix_sh() {
    let template = deps_template();
    let default = template["inputs"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "command").unwrap()["default"].clone();
    let argv: Vec<&str> = default.as_str().unwrap().lines().collect();
    assert_eq!(argv[..2], ["sh", "-c"]);
    if let Some(findings) = shellcheck_sh(argv[2]) {
        assert_eq!(findings, "", "the deps script");
    }
}
