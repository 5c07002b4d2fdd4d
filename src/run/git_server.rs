//! A loopback smart-HTTP git server for `run --source PATH`: the library's clone step allows
//! only the transports a cluster uses (https, http, ssh), so a local repository is served on
//! 127.0.0.1 through `git http-backend`, read-only, for the length of the run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A running server; it stops when dropped.
pub struct GitServer {
    /// The repository's URL.
    pub url: String,
    stop: Arc<AtomicBool>,
    address: std::net::SocketAddr,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl GitServer {
    /// Serves the repository at `repo` (bare or with a work tree).
    pub fn start(repo: &Path) -> Result<GitServer, String> {
        let repo = std::fs::canonicalize(repo).map_err(|e| format!("--source {}: {e}", repo.display()))?;
        let ok = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["rev-parse", "--git-dir"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!("--source {}: is not a git repository", repo.display()));
        }
        let root = repo.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = repo.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot serve --source on 127.0.0.1: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let root = root.clone();
                    std::thread::spawn(move || {
                        let _ = serve(stream, &root);
                    });
                }
            }
        });
        Ok(GitServer { url: format!("http://{address}/{name}"), stop, address, thread: Some(thread) })
    }
}

impl Drop for GitServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, root: &PathBuf) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("/").to_owned());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            if n == 0 {
                let mut end = String::new();
                let _ = reader.read_line(&mut end);
                break;
            }
            let mut chunk = vec![0; n];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
            let mut crlf = [0u8; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else if let Some(n) = header("content-length").and_then(|n| n.parse::<usize>().ok()) {
        body.resize(n, 0);
        reader.read_exact(&mut body)?;
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut cgi = Command::new("git");
    cgi.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("REQUEST_METHOD", &method)
        .env("CONTENT_TYPE", header("content-type").unwrap_or_default())
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(protocol) = header("git-protocol") {
        cgi.env("GIT_PROTOCOL", protocol);
    }
    if let Some(encoding) = header("content-encoding") {
        cgi.env("HTTP_CONTENT_ENCODING", encoding);
    }
    let mut child = cgi.spawn()?;
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(stdin) = stdin.as_mut() {
            let _ = stdin.write_all(&body);
        }
    });
    let output = child.wait_with_output()?;
    let _ = writer.join();
    let split = output
        .stdout
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| output.stdout.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
    let (head, payload) = match split {
        Some((i, n)) => (String::from_utf8_lossy(&output.stdout[..i]).into_owned(), &output.stdout[i + n..]),
        None => (String::new(), &output.stdout[..]),
    };
    let mut status = "200 OK".to_owned();
    let mut response = Vec::new();
    for h in head.lines().filter(|l| !l.trim().is_empty()) {
        match h.split_once(':') {
            Some((k, v)) if k.eq_ignore_ascii_case("status") => status = v.trim().to_owned(),
            _ => response.push(h.trim_end().to_owned()),
        }
    }
    let mut out = stream;
    write!(out, "HTTP/1.1 {status}\r\n")?;
    for h in response {
        write!(out, "{h}\r\n")?;
    }
    write!(out, "Content-Length: {}\r\nConnection: close\r\n\r\n", payload.len())?;
    out.write_all(payload)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_repository_clones_over_loopback_http() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("src");
        let git = |args: &[&str], cwd: &Path| {
            let ok = Command::new("git").args(args).current_dir(cwd).env("GIT_CONFIG_GLOBAL", "/dev/null").output().unwrap();
            assert!(ok.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&ok.stderr));
            String::from_utf8_lossy(&ok.stdout).trim().to_owned()
        };
        std::fs::create_dir(&repo).unwrap();
        git(&["init", "-q", "-b", "main"], &repo);
        std::fs::write(repo.join("a.txt"), "hello\n").unwrap();
        git(&["add", "a.txt"], &repo);
        git(&["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one"], &repo);
        let head = git(&["rev-parse", "HEAD"], &repo);
        let server = GitServer::start(&repo).unwrap();
        assert!(server.url.starts_with("http://127.0.0.1:") && server.url.ends_with("/src"));
        let clone = dir.path().join("clone");
        std::fs::create_dir(&clone).unwrap();
        git(&["init", "-q"], &clone);
        git(&["fetch", "-q", "--depth=1", &server.url, "main"], &clone);
        assert_eq!(git(&["rev-parse", "FETCH_HEAD"], &clone), head);
        drop(server);
        assert!(GitServer::start(dir.path()).err().unwrap_or_default().contains("is not a git repository"));
    }
}
