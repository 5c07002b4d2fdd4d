//! Helpers for the tests that run whole pipelines with `pipewright run --executor host`: a git
//! repository fixture, a run with `--output json` and its parsed report, the step output of a
//! task, and the host tools a test needs (a missing one skips the test with a printed reason).

use super::support::{bin, has_bwrap, skip};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The supply-chain tasks, which need programs no Debian machine has (buildctl, trivy, cosign):
/// the helpers for those steps test them with fakes; the toolchain tests skip them.
pub const SUPPLY_CHAIN: [&str; 4] = ["security-scan", "build-image", "scan-image", "provenance"];

/// Whether the host executor can run here (bubblewrap) and every program in `tools` is on PATH;
/// prints why not otherwise.
pub fn host_has(tools: &[&str]) -> bool {
    if !has_bwrap() {
        return false;
    }
    for tool in tools {
        if which(tool).is_none() {
            skip(&format!("`{tool}` is not on PATH: the pipeline that needs it is not run"));
            return false;
        }
    }
    true
}

/// The first `name` on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Makes a git repository at `dir` holding `files` (relative path, contents), committed on `main`.
pub fn git_repo(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(dir, &["init", "-q", "-b", "main"]);
    commit(dir, "fixture");
}

/// Commits everything in `dir`.
pub fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["-c", "user.name=fixture", "-c", "user.email=fixture@example.invalid", "commit", "-q", "-m", message]);
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git").args(args).current_dir(dir).status().unwrap();
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}

/// A Pipeline of `toolchain` named `name` in namespace `team`, with `extra` spec lines (indented
/// by two spaces, under `spec:`).
pub fn pipeline(name: &str, toolchain: &str, extra: &str) -> String {
    format!(
        "apiVersion: pipewright.dev/v1alpha1\nkind: Pipeline\nmetadata: {{name: {name}, namespace: team}}\nspec:\n  repo: https://git.example.invalid/team/{name}.git\n  toolchain: {toolchain}\n  image: registry.example.invalid/team/{name}\n{extra}"
    )
}

/// What a `pipewright run --output json` did.
#[derive(Debug)]
pub struct Ran {
    /// The exit code.
    pub code: i32,
    /// The JSON report (stdout).
    pub report: Value,
    /// Progress and step output.
    pub stderr: String,
}

impl Ran {
    /// The report's record of `task`.
    pub fn task(&self, name: &str) -> &Value {
        self.report["tasks"]
            .as_array()
            .and_then(|tasks| tasks.iter().find(|t| t["name"] == name))
            .unwrap_or_else(|| panic!("no task {name} in the report:\n{:#}\n{}", self.report, self.stderr))
    }

    /// The status of `task`.
    pub fn status(&self, task: &str) -> &str {
        self.task(task)["status"].as_str().unwrap_or("")
    }

    /// The lines `task`'s steps printed, without the `task | ` prefix.
    pub fn output(&self, task: &str) -> Vec<&str> {
        let prefix = format!("{task} | ");
        self.stderr.lines().filter_map(|l| l.strip_prefix(prefix.as_str())).collect()
    }

    /// Panics with the whole run when `task` did not end in `status`.
    pub fn expect(&self, task: &str, status: &str) {
        assert_eq!(self.status(task), status, "task {task}:\n{}", self.stderr);
    }
}

/// Runs `pipewright run PIPELINE_FILE --executor host --source SOURCE --work-dir WORK --output json
/// ARGS…` in `dir` (where the Pipeline is written as `pipeline.yaml`), with `env` added.
pub fn run(dir: &Path, pipeline_yaml: &str, source: &Path, work: &Path, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let file = dir.join("pipeline.yaml");
    std::fs::write(&file, pipeline_yaml).unwrap();
    run_file(dir, &file, source.to_str().unwrap(), work, args, env)
}

/// Runs `pipewright run FILE --executor host --source SOURCE --work-dir WORK --output json ARGS…`
/// in `dir`, with `env` added.
pub fn run_file(dir: &Path, file: &Path, source: &str, work: &Path, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let mut command = Command::new(bin());
    command
        .arg("run")
        .arg(file)
        .args(["--executor", "host", "--output", "json", "--source"])
        .arg(source)
        .arg("--work-dir")
        .arg(work)
        .args(args)
        .current_dir(dir);
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("the report is not JSON ({e}):\n{stdout}\n{stderr}"));
    Ran { code: out.status.code().unwrap_or(-1), report, stderr }
}

/// `--skip` for every task in `tasks`.
pub fn skips<'a>(tasks: &[&'a str]) -> Vec<&'a str> {
    tasks.iter().flat_map(|t| ["--skip", t]).collect()
}

/// A loopback HTTP server that records the bodies POSTed to it and answers 200; it stops when
/// dropped or after its time is up.
pub struct Webhook {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    bodies: std::sync::mpsc::Receiver<String>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Webhook {
    /// Starts the server; it serves for at most `limit`.
    pub fn start(limit: std::time::Duration) -> Self {
        use std::io::{BufRead, BufReader, Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (tx, bodies) = std::sync::mpsc::channel();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let end = std::time::Instant::now() + limit;
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) && std::time::Instant::now() < end {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
                let mut reader = BufReader::new(stream);
                let mut length = 0usize;
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let _ = reader.get_mut().write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let _ = tx.send(String::from_utf8_lossy(&body).into_owned());
            }
        });
        Webhook { url, bodies, stop }
    }

    /// The bodies received so far.
    pub fn received(&self) -> Vec<String> {
        self.bodies.try_iter().collect()
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A loopback smart-HTTP git server (`git http-backend` as CGI) over the repositories under a
/// directory, whose first `failures` requests wait `delay` and then answer 503, as a forge does
/// when it is overloaded; it stops when dropped or after its time is up.
pub struct GitServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// How many requests it answered with 503.
    pub failed: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl GitServer {
    /// Starts serving the repositories under `root`, for at most `limit`.
    pub fn start(root: &Path, failures: usize, delay: std::time::Duration, limit: std::time::Duration) -> Self {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let failed = std::sync::Arc::new(AtomicUsize::new(0));
        let (stopped, count, root) = (stop.clone(), failed.clone(), root.to_path_buf());
        let end = std::time::Instant::now() + limit;
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) && std::time::Instant::now() < end {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                };
                let fail = count.load(Ordering::Relaxed) < failures;
                if fail {
                    count.fetch_add(1, Ordering::Relaxed);
                }
                let root = root.clone();
                std::thread::spawn(move || serve_git(stream, &root, fail.then_some(delay)));
            }
        });
        GitServer { base, stop, failed }
    }
}

impl Drop for GitServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Answers one request: 503 after `fail_after`, or what `git http-backend` says.
fn serve_git(stream: std::net::TcpStream, root: &Path, fail_after: Option<std::time::Duration>) {
    use std::io::{BufRead, BufReader, Read, Write};
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(stream);
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("GET").to_owned(), parts.next().unwrap_or("/").to_owned());
    let mut headers = Vec::new();
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        line.clear();
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut body = vec![0; header("content-length").parse().unwrap_or(0)];
    let _ = reader.read_exact(&mut body);
    let mut stream = reader.into_inner();
    if let Some(delay) = fail_after {
        std::thread::sleep(delay);
        let _ = stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut child = Command::new("git")
        .arg("http-backend")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("REQUEST_METHOD", &method)
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("GIT_PROTOCOL", header("git-protocol"))
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&body);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let split = out.stdout.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, 4));
    let split = split.or_else(|| out.stdout.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
    let (head, rest) = match split {
        Some((i, n)) => (String::from_utf8_lossy(&out.stdout[..i]).into_owned(), &out.stdout[i + n..]),
        None => (String::new(), &out.stdout[..]),
    };
    let mut status = "200 OK".to_owned();
    let mut response = String::new();
    for line in head.lines() {
        match line.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("status") => status = value.trim().to_owned(),
            Some(_) => response.push_str(&format!("{}\r\n", line.trim_end())),
            None => {}
        }
    }
    let _ =
        stream.write_all(format!("HTTP/1.1 {status}\r\n{response}Content-Length: {}\r\nConnection: close\r\n\r\n", rest.len()).as_bytes());
    let _ = stream.write_all(rest);
}
