//! Shared helpers: run the binary, find kustomize and kpt, find `../shared`, parse YAML.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md, one after the other (sorted), for tests that check what the
/// documentation says wherever it says it.
pub fn docs_text() -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("docs")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.insert(0, root().join("README.md"));
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The built binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pipewright"))
}

/// The directory that holds the binary, to put on PATH so `exec.path: pipewright` finds it.
pub fn bin_dir() -> PathBuf {
    bin().parent().unwrap().to_path_buf()
}

/// What a process did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a program with stdin, in `dir`, with the binary's directory first on PATH.
pub fn run_in(program: &Path, args: &[&str], stdin: &[u8], dir: &Path) -> Run {
    let path = format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap_or_default());
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs pipewright as a KRM function on `stdin`.
pub fn function(stdin: &[u8]) -> Run {
    run_in(&bin(), &[], stdin, &root())
}

/// The standalone kustomize v5 (kubectl's cannot run exec functions): `$KUSTOMIZE`, then
/// `.tools/bin/kustomize` (installed by `.ci/install-kustomize`), then PATH.
pub fn kustomize() -> PathBuf {
    let candidates = [std::env::var_os("KUSTOMIZE").map(PathBuf::from), Some(root().join(".tools/bin/kustomize")), which("kustomize")];
    candidates.into_iter().flatten().find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("kustomize v5 was not found: run `.ci/install-kustomize` (it installs Debian's kustomize into .tools/) or set KUSTOMIZE")
    })
}

/// kpt, when installed; None (with a printed reason) otherwise.
pub fn kpt() -> Option<PathBuf> {
    let found = std::env::var_os("KPT").map(PathBuf::from).filter(|p| p.is_file()).or_else(|| which("kpt"));
    if found.is_none() {
        skip("kpt is not installed (set KPT or put kpt on PATH to run the kpt tests)");
    }
    found
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Says why a test skipped part of its work. Written to stderr directly, because libtest
/// captures `eprintln!` and would hide the reason.
pub fn skip(reason: &str) {
    let _ = writeln!(std::io::stderr(), "skipped: {reason}");
}

/// `../shared/argo`, when present; None (with a printed reason) otherwise.
pub fn shared_argo() -> Option<PathBuf> {
    let dir = root().join("../shared/argo");
    if dir.join("schema/schema.json").is_file() {
        Some(dir)
    } else {
        // CI always has it: there, a missing copy is a broken checkout, not a reason to skip.
        assert!(std::env::var_os("CI").is_none(), "{} is absent, and CI is set: the Argo checks must run in CI", dir.display());
        skip(&format!("{} is absent (Argo's schema and examples live there in CI)", dir.display()));
        None
    }
}

/// Runs `kustomize build --enable-alpha-plugins --enable-exec DIR`.
pub fn kustomize_build(dir: &Path) -> Run {
    run_in(&kustomize(), &["build", "--enable-alpha-plugins", "--enable-exec", dir.to_str().unwrap()], b"", &root())
}

/// Parses a multi-document YAML stream into JSON values.
pub fn documents(text: &str) -> Vec<serde_json::Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|d| <serde_json::Value as serde::Deserialize>::deserialize(d).expect("valid YAML"))
        .filter(|v| !v.is_null())
        .collect()
}

/// The items of a ResourceList printed by pipewright.
pub fn items(resource_list: &str) -> Vec<serde_json::Value> {
    let list: serde_json::Value = serde_yaml::from_str(resource_list).expect("a ResourceList");
    list["items"].as_array().cloned().unwrap_or_default()
}

/// `Kind/namespace/name` of an object.
pub fn id(object: &serde_json::Value) -> String {
    let ns = object["metadata"]["namespace"].as_str().map(|n| format!("{n}/")).unwrap_or_default();
    format!("{}/{ns}{}", object["kind"].as_str().unwrap_or(""), object["metadata"]["name"].as_str().unwrap_or(""))
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `pipewright ARGS` in `dir`.
pub fn pipewright(args: &[&str], dir: &Path) -> Run {
    run_in(&bin(), args, b"", dir)
}

/// Every file under `dir`, by relative path (`/`-separated), in path order.
pub fn read_tree(dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// Replaces every `{{<scope>.<name>}}` in `text` by its value, as Argo substitutes a template's
/// inputs or a workflow's parameters; a name without a value fails the test.
pub fn substitute(text: &str, scope: &str, values: &std::collections::BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    while let Some(start) = out.find(&format!("{{{{{scope}.")) {
        let end = out[start..].find("}}").unwrap() + start;
        let name = &out[start + scope.len() + 3..end];
        let value = values.get(name).unwrap_or_else(|| panic!("{scope}.{name} has no value"));
        out.replace_range(start..end + 2, value);
    }
    out
}

/// Whether bubblewrap (`bwrap`), which runs rendered step scripts in a private mount namespace,
/// is installed; CI must have it.
pub fn has_bwrap() -> bool {
    if Command::new("bwrap").arg("--version").output().is_ok() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "bubblewrap (bwrap) is missing, and CI is set: the step-script tests need it");
    skip("bubblewrap (bwrap) is not installed: the rendered step scripts are not executed");
    false
}

/// Runs `shellcheck -s sh` on a script: Some(its findings, empty when clean), or None (with a
/// printed reason) when shellcheck is not installed; CI must have it.
pub fn shellcheck_sh(script: &str) -> Option<String> {
    if Command::new("shellcheck").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "shellcheck is missing, and CI is set");
        skip("shellcheck is not installed");
        return None;
    }
    let temp = tempfile::tempdir().unwrap();
    let path = temp.path().join("script.sh");
    std::fs::write(&path, script).unwrap();
    let out = Command::new("shellcheck").args(["-s", "sh", path.to_str().unwrap()]).output().unwrap();
    Some(if out.status.success() { String::new() } else { String::from_utf8_lossy(&out.stdout).into_owned() })
}
