//! Shared by the `pipewright run` tests of the clone and supply-chain steps: git fixtures, the
//! run itself (JSON report and step output), recording fakes on PATH, and a loopback HTTP
//! recorder for the notifiers.

use crate::support::{bin, has_bwrap};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Every task of the default pipeline but the clone: the clone tests skip them.
pub const AFTER_CLONE: [&str; 8] = ["deps", "lint", "test", "security-scan", "sonar", "build-image", "scan-image", "provenance"];

/// Runs git in `dir` with a fixed identity and no user configuration; its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Commits one file change in `work` and returns the new commit.
pub fn commit(work: &Path, file: &str, text: &str) -> String {
    std::fs::write(work.join(file), text).unwrap();
    git(work, &["add", file]);
    git(work, &["commit", "-qm", text]);
    git(work, &["rev-parse", "HEAD"])
}

/// A bare repository `NAME.git` under `dir`, as a forge holds it: `main`, a branch with a slash
/// (`feature/login`), the semver tag `v1.2.3`, a non-semver tag `nightly`, and a pull request's
/// head (`refs/pull/7/head`, a commit on no branch). Returns the work tree it was pushed from.
pub struct Forge {
    /// The bare repository.
    pub bare: PathBuf,
    /// The work tree that pushes to it.
    pub work: PathBuf,
    /// `main`'s tip (also `v1.2.3` and `nightly`).
    pub main: String,
    /// `feature/login`'s tip.
    pub feature: String,
    /// The pull request's head.
    pub pull: String,
}

impl Forge {
    /// Creates it under `dir`.
    pub fn new(dir: &Path, name: &str) -> Forge {
        let work = dir.join(format!("{name}-work"));
        std::fs::create_dir_all(&work).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        let main = commit(&work, "README", "one\n");
        git(&work, &["tag", "v1.2.3"]);
        git(&work, &["tag", "nightly"]);
        git(&work, &["checkout", "-qb", "feature/login"]);
        let feature = commit(&work, "login", "login\n");
        git(&work, &["checkout", "-qb", "pr-7", "main"]);
        let pull = commit(&work, "fix", "a pull request\n");
        git(&work, &["checkout", "-q", "main"]);
        let bare = dir.join(format!("{name}.git"));
        git(dir, &["init", "-q", "--bare", "-b", "main", bare.to_str().unwrap()]);
        git(&work, &["push", "-q", bare.to_str().unwrap(), "main", "feature/login", "v1.2.3", "nightly", "pr-7:refs/pull/7/head"]);
        Forge { bare, work, main, feature, pull }
    }

    /// Commits on `main` and pushes it: the branch moves on.
    pub fn advance_main(&self, text: &str) -> String {
        let sha = commit(&self.work, "moved", text);
        git(&self.work, &["push", "-q", self.bare.to_str().unwrap(), "main"]);
        sha
    }
}

/// What `pipewright run --output json` did.
#[derive(Debug)]
pub struct RunResult {
    /// The exit code.
    pub code: i32,
    /// The report on stdout (Null when stdout was not JSON).
    pub report: Value,
    /// stdout as printed.
    pub stdout: String,
    /// Progress and step output.
    pub stderr: String,
}

impl RunResult {
    /// One task of the report, by name; fails the test when absent.
    pub fn task(&self, name: &str) -> &Value {
        self.report["tasks"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["name"] == name))
            .unwrap_or_else(|| panic!("no task {name} in the report:\n{}\n{}", self.stdout, self.stderr))
    }

    /// One output of one task, as text.
    pub fn output(&self, task: &str, name: &str) -> String {
        self.task(task)["outputs"][name].as_str().unwrap_or_else(|| panic!("{task} has no output {name}: {}", self.task(task))).to_owned()
    }

    /// A task's status.
    pub fn status(&self, task: &str) -> String {
        self.task(task)["status"].as_str().unwrap_or_default().to_owned()
    }

    /// The lines a task printed (without the `task | ` prefix).
    pub fn lines_of(&self, task: &str) -> Vec<String> {
        let prefix = format!("{task} | ");
        self.stderr.lines().filter_map(|l| l.strip_prefix(&prefix)).map(str::to_owned).collect()
    }

    /// Everything the run printed, for scans for secrets.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// `pipewright run ARGS --executor host --output json` in `dir`, back-off shrunk, with `fakes`
/// (a directory of programs) first on PATH and `env` added.
pub fn run(dir: &Path, args: &[&str], fakes: Option<&Path>, env: &[(&str, &str)]) -> RunResult {
    let mut c = Command::new(bin());
    c.args(["run", "--executor", "host", "--output", "json"]).args(args).current_dir(dir);
    c.env("PIPEWRIGHT_RUN_TIME_SCALE", "0.01");
    if let Some(fakes) = fakes {
        c.env("PATH", format!("{}:{}", fakes.display(), std::env::var("PATH").unwrap_or_default()));
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    RunResult {
        code: out.status.code().unwrap_or(-1),
        report: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `--skip T` for every task after the clone.
pub fn skip_after_clone() -> Vec<String> {
    AFTER_CLONE.iter().flat_map(|t| ["--skip".to_owned(), (*t).to_owned()]).collect()
}

/// Whether the host executor can run here (bubblewrap); prints why not.
pub fn can_run() -> bool {
    has_bwrap()
}

/// Writes a Pipeline file (YAML documents) into `dir`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes an executable script.
pub fn write_program(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

/// A request the recorder received.
#[derive(Debug, Clone)]
pub struct Request {
    /// `POST /path`.
    pub line: String,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

/// A loopback HTTP server that answers every request `201` and records it; it stops when the
/// test ends (its thread exits with the process) and serves for at most five minutes.
pub struct Recorder {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// What it received.
    pub requests: Arc<Mutex<Vec<Request>>>,
}

impl Recorder {
    /// Starts it.
    pub fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let until = std::time::Instant::now() + Duration::from_secs(300);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if std::time::Instant::now() > until {
                    break;
                }
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut headers = Vec::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
                    }
                }
                let length = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                seen.lock().unwrap().push(Request {
                    line: line.trim().to_owned(),
                    headers,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let mut out = stream;
                let _ = out.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            }
        });
        Recorder { url, requests }
    }

    /// What it received so far.
    pub fn received(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// The ClusterWorkflowTemplates the function renders for `platform_spec` (a flow mapping such as
/// `{}` for the default Platform).
pub fn library(platform_spec: &str) -> Vec<Value> {
    let list = format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Platform\n  metadata: {{name: acme}}\n  spec: {platform_spec}\n"
    );
    let out = crate::support::function(list.as_bytes());
    assert_eq!(out.code, 0, "{}", out.stderr);
    crate::support::items(&out.stdout).into_iter().filter(|o| o["kind"] == "ClusterWorkflowTemplate").collect()
}
