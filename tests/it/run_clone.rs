//! The library's clone steps, run for real with `pipewright run --executor host`: the publishing
//! rules of each event against a bare repository served on loopback, the event's commit after
//! the branch moved, HTTPS with a token behind a loopback TLS server that demands Basic auth,
//! and SSH with a key and strict host keys against a loopback `sshd`.

use crate::run_sc_support::{Forge, RunResult, can_run, git, run, skip_after_clone, write, write_program};
use crate::support::skip;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PIPELINE: &str = "apiVersion: pipewright.dev/v1alpha1
kind: Pipeline
metadata: {name: api, namespace: team-a}
spec: {repo: https://example.com/a/api.git, toolchain: node, image: registry.example.com/a/api}
";

fn clone_run(dir: &Path, pipeline: &str, source: &str, event: &str, revision: &str, extra: &[&str], env: &[(&str, &str)]) -> RunResult {
    let mut args = vec![pipeline, "--source", source, "--event", event, "--revision", revision, "--work-dir", "work"];
    args.extend_from_slice(extra);
    let skips = skip_after_clone();
    args.extend(skips.iter().map(String::as_str));
    run(dir, &args, None, env)
}

fn short(sha: &str) -> &str {
    &sha[..7]
}

/// The publishing rules of docs/triggers.md, event by event.
#[test]
fn clone_outputs_follow_the_publishing_rules_of_each_event() {
    if !can_run() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let forge = Forge::new(root, "api");
    write(root, "p.yaml", PIPELINE);
    let source = forge.bare.to_str().unwrap();
    let cases: [(&str, &str, &[&str], &str, &str, &str); 8] = [
        ("push", "refs/heads/main", &[], &forge.main, &format!("main-{}", short(&forge.main)), "true"),
        ("push", "refs/heads/feature/login", &[], &forge.feature, &format!("feature-login-{}", short(&forge.feature)), "true"),
        ("tag", "refs/tags/v1.2.3", &[], &forge.main, "1.2.3", "true"),
        ("pull-request", "refs/pull/7/head", &[], &forge.pull, &format!("pr-{}", short(&forge.pull)), "false"),
        ("manual", "main", &[], &forge.main, &format!("main-{}", short(&forge.main)), "true"),
        ("manual", "main", &["--param", "image_tag=hotfix-1"], &forge.main, "hotfix-1", "true"),
        ("schedule", "refs/heads/main", &[], &forge.main, &format!("main-{}", short(&forge.main)), "false"),
        ("manual", "feature/login", &[], &forge.feature, &format!("feature-login-{}", short(&forge.feature)), "true"),
    ];
    for (event, revision, extra, commit, tag, push) in cases {
        let r = clone_run(root, "p.yaml", source, event, revision, extra, &[]);
        let what = format!("--event {event} --revision {revision} {extra:?}");
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        assert_eq!(r.output("clone", "commit"), commit, "{what}");
        assert_eq!(r.output("clone", "image_tag"), tag, "{what}");
        assert_eq!(r.output("clone", "push"), push, "{what}");
    }
    // Refused: a tag that is not semver, a tag name given to a triggered run, a semver tag by hand.
    let refused: [(&str, &str, &[&str], &str); 3] = [
        ("tag", "refs/tags/nightly", &[], "the tag is not a semver version (v1.2.3 or 1.2.3-rc.1): refusing to publish it"),
        (
            "push",
            "refs/heads/main",
            &["--param", "image_tag=mine"],
            "image_tag is honoured only for manual runs: a push run publishes by the rule of its event",
        ),
        (
            "manual",
            "main",
            &["--param", "image_tag=v2.0.0"],
            "image_tag may not be a semver version: release tags come only from pushed git tags",
        ),
    ];
    for (event, revision, extra, message) in refused {
        let r = clone_run(root, "p.yaml", source, event, revision, extra, &[]);
        let what = format!("--event {event} --revision {revision} {extra:?}");
        assert_eq!(r.code, 1, "{what}: {}", r.stderr);
        assert_eq!(r.status("clone"), "Failed", "{what}");
        assert_eq!(r.task("clone")["exitCode"], 2, "{what}: a refusal is exit 2, never retried");
        assert!(r.lines_of("clone").iter().any(|l| l == &format!("pipewright: {message}")), "{what}: {}", r.stderr);
        assert!(!r.stderr.contains("clone: attempt 1 ended"), "{what}: a refusal is not retried: {}", r.stderr);
    }
}

/// Issue 14: a run waits behind its branch's mutex while the branch moves on; it must build the
/// event's commit, and refuse one the ref no longer reaches.
#[test]
fn a_push_run_builds_the_events_commit_after_the_branch_moved() {
    if !can_run() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let forge = Forge::new(root, "api");
    write(root, "p.yaml", PIPELINE);
    let pushed = forge.main.clone();
    // The branch moves further than the clone's first fetch depth of one commit.
    for i in 0..3 {
        forge.advance_main(&format!("later {i}\n"));
    }
    let tip = git(&forge.bare, &["rev-parse", "main"]);
    assert_ne!(tip, pushed);
    let source = forge.bare.to_str().unwrap();
    let param = format!("commit={pushed}");
    let r = clone_run(root, "p.yaml", source, "push", "refs/heads/main", &["--param", &param], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.output("clone", "commit"), pushed, "the event's commit, not the tip {tip}");
    assert_eq!(r.output("clone", "image_tag"), format!("main-{}", short(&pushed)));
    assert_eq!(r.report["outputs"]["pipewright_commit"], pushed.as_str(), "the commit status goes to the event's commit");
    // Without the parameter (a manual run) the tip is built.
    let r = clone_run(root, "p.yaml", source, "manual", "refs/heads/main", &[], &[]);
    assert_eq!(r.output("clone", "commit"), tip);
    // The pull request's commit is on no branch: main does not reach it.
    let param = format!("commit={}", forge.pull);
    let r = clone_run(root, "p.yaml", source, "push", "refs/heads/main", &["--param", &param], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.task("clone")["exitCode"], 2);
    let refusal = format!(
        "pipewright: commit {} is not reachable from refs/heads/main (force-pushed or deleted since the event?): refusing to build another commit",
        forge.pull
    );
    assert!(r.lines_of("clone").contains(&refusal), "{}", r.stderr);
    assert!(r.stderr.contains("pipewright: error: the pipeline failed at task clone"), "{}", r.stderr);
    assert_eq!(r.status("deps"), "Omitted");
}

/// A child process the test started, killed when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(path: &Path) -> String {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text.trim().to_owned();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} did not appear", path.display());
}

fn have(program: &str, why: &str) -> bool {
    let found = Command::new(program).arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
        || Command::new(program).arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{program} is missing, and CI is set: {why}");
        skip(&format!("{program} is not installed: {why}"));
    }
    found
}

/// A loopback HTTPS server for git (http-backend) that demands Basic auth: Python's http.server
/// and ssl. It logs each request line with its outcome; it exits by itself after two minutes.
const HTTPS_GIT_SERVER: &str = r#"import base64, http.server, os, ssl, subprocess, sys, threading
port_file, cert, key, root, user, token, log = sys.argv[1:8]
expected = "Basic " + base64.b64encode(("%s:%s" % (user, token)).encode()).decode()
lock = threading.Lock()

def record(line):
    with lock, open(log, "a") as f:
        f.write(line + "\n")

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()

    def serve(self):
        auth = self.headers.get("Authorization")
        if auth != expected:
            record("%s 401 %s" % (self.requestline, "no credentials" if auth is None else "wrong credentials"))
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                n = int(self.rfile.readline().split(b";")[0], 16)
                if n == 0:
                    self.rfile.readline()
                    break
                body += self.rfile.read(n)
                self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path, _, query = self.path.partition("?")
        env = {"PATH": os.environ["PATH"], "GIT_PROJECT_ROOT": root, "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path,
               "QUERY_STRING": query, "REQUEST_METHOD": self.command, "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "CONTENT_LENGTH": str(len(body)), "REMOTE_USER": user, "REMOTE_ADDR": "127.0.0.1"}
        for header, var in (("Git-Protocol", "GIT_PROTOCOL"), ("Content-Encoding", "HTTP_CONTENT_ENCODING")):
            if self.headers.get(header):
                env[var] = self.headers[header]
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, sep, payload = out.partition(b"\r\n\r\n")
        if not sep:
            head, _, payload = out.partition(b"\n\n")
        status, headers = 200, []
        for line in head.decode().splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        record("%s %d user %s" % (self.requestline, status, user))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
threading.Timer(120, os._exit, (0,)).start()
with open(port_file + ".part", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".part", port_file)
server.serve_forever()
"#;

/// Starts the HTTPS git server for `root`'s repositories; its URL base and log.
fn https_server(dir: &Path, root: &Path, user: &str, token: &str, name: &str) -> (Server, String, PathBuf) {
    let script = dir.join("https_git_server.py");
    std::fs::write(&script, HTTPS_GIT_SERVER).unwrap();
    let port_file = dir.join(format!("{name}.port"));
    let log = dir.join(format!("{name}.log"));
    let child = Command::new("python3")
        .arg(&script)
        .args([&port_file, &dir.join("cert.pem"), &dir.join("key.pem"), root, Path::new(user), Path::new(token), &log])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let server = Server(child);
    let port = wait_for(&port_file);
    (server, format!("https://127.0.0.1:{port}"), log)
}

/// The rendered credential helper of the clone-https step: the here-document of its script.
fn rendered_credential_helper() -> String {
    let library = crate::run_sc_support::library("{}");
    let git = library.iter().find(|o| o["metadata"]["name"] == "pipewright-v1-git").unwrap();
    let template = git["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == "clone-https").unwrap();
    let script = template["container"]["command"][2].as_str().unwrap();
    let start = script.find("<<'EOF'\n").unwrap() + "<<'EOF'\n".len();
    let end = start + script[start..].find("\nEOF\n").unwrap();
    script[start..end].to_owned() + "\n"
}

/// Asks the helper for credentials the way git does.
fn ask(helper: &Path, env: &[(&str, &str)], request: &str) -> String {
    let mut child = Command::new("sh")
        .arg(helper)
        .arg("get")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), request.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn https_clone_sends_the_token_only_to_the_repository_host_and_never_shows_it() {
    if !can_run() || !have("openssl", "the HTTPS clone test makes a self-signed certificate") || !have("python3", "the HTTPS git server") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let forge = Forge::new(root, "api");
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext"])
        .arg("subjectAltName=IP:127.0.0.1")
        .arg("-keyout")
        .arg(root.join("key.pem"))
        .arg("-out")
        .arg(root.join("cert.pem"))
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let token = "tok-5f3c9a1e77d24b0c";
    let (_server, base, log) = https_server(root, root, "ci-bot", token, "git");
    // A second host (another port is another host to git's credential protocol): a submodule
    // there must get nothing from the helper.
    let (_other, other_base, other_log) = https_server(root, root, "other", "other-secret", "other");
    write(
        root,
        "p.yaml",
        &PIPELINE.replace("image: registry.example.com/a/api}", "image: registry.example.com/a/api, git: {https: {name: git-token}}}"),
    );
    let cert = root.join("cert.pem");
    let trust = [("GIT_SSL_CAINFO", cert.to_str().unwrap())];
    let url = format!("{base}/api.git");
    let secrets = ["--secret", &format!("git-token.password={token}"), "--secret", "git-token.username=ci-bot"];
    let secrets: Vec<&str> = secrets.iter().map(|s| &**s).collect();
    let r = clone_run(root, "p.yaml", &url, "push", "refs/heads/main", &secrets, &trust);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.task("clone")["template"], "pipewright-v1-git/clone-https");
    assert_eq!(r.output("clone", "commit"), forge.main);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("GET /api.git/info/refs?service=git-upload-pack HTTP/1.1 401 no credentials"), "{logged}");
    assert!(logged.contains("POST /api.git/git-upload-pack HTTP/1.1 200 user ci-bot"), "the token authenticated: {logged}");
    for (what, text) in [("the run's output and report", r.all_output()), ("the server's request log", logged.clone())] {
        assert!(!text.contains(token), "the token is in {what}:\n{text}");
    }
    // The token never was an argument: git's requests name the repository without userinfo.
    assert!(!logged.contains("ci-bot:"), "{logged}");

    // A submodule on the other host: the clone of the superproject succeeds, the submodule's
    // host asks for credentials and gets none (no Authorization header at all), so it fails.
    let sub = root.join("lib-work");
    std::fs::create_dir(&sub).unwrap();
    git(&sub, &["init", "-q", "-b", "main"]);
    crate::run_sc_support::commit(&sub, "lib", "lib\n");
    git(root, &["clone", "-q", "--bare", sub.to_str().unwrap(), "lib.git"]);
    let other_url = format!("{other_base}/lib.git");
    git(&forge.work, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.to_str().unwrap(), "lib"]);
    git(&forge.work, &["config", "-f", ".gitmodules", "submodule.lib.url", &other_url]);
    git(&forge.work, &["add", ".gitmodules", "lib"]);
    git(&forge.work, &["commit", "-qm", "a submodule on another host"]);
    git(&forge.work, &["push", "-q", forge.bare.to_str().unwrap(), "main"]);
    let pipeline = PIPELINE.replace(
        "image: registry.example.com/a/api}",
        "image: registry.example.com/a/api, git: {https: {name: git-token}, submodules: true}}",
    );
    write(root, "p.yaml", &pipeline);
    let r = clone_run(root, "p.yaml", &url, "push", "refs/heads/main", &secrets, &trust);
    assert_eq!(r.code, 1, "the submodule on another host cannot be fetched: {}", r.stderr);
    let other_logged = std::fs::read_to_string(&other_log).unwrap_or_default();
    assert!(other_logged.contains("GET /lib.git/info/refs?service=git-upload-pack HTTP/1.1 401 no credentials"), "{other_logged}");
    assert!(!other_logged.contains("wrong credentials"), "the helper answered for another host: {other_logged}");
    assert!(!r.all_output().contains(token), "{}", r.all_output());

    // The rendered helper itself, asked directly.
    let helper = root.join("credential");
    write_program(&helper, &rendered_credential_helper());
    let secret_dir = root.join("secret");
    std::fs::create_dir(&secret_dir).unwrap();
    std::fs::write(secret_dir.join("password"), format!("{token}\n")).unwrap();
    let host = base.trim_start_matches("https://");
    let other_host = other_base.trim_start_matches("https://");
    let env = [("PW_GIT_HOST", host), ("PW_GIT_PATH", ""), ("PW_GIT_CREDENTIALS", secret_dir.to_str().unwrap())];
    let answer = ask(&helper, &env, &format!("protocol=https\nhost={host}\npath=api.git\n\n"));
    assert_eq!(answer, format!("username=x-access-token\npassword={token}\n"), "no username key: the default user");
    assert_eq!(ask(&helper, &env, &format!("protocol=https\nhost={other_host}\npath=lib.git\n\n")), "", "another port");
    assert_eq!(ask(&helper, &env, "protocol=https\nhost=evil.example.com\n\n"), "", "another host");
    assert_eq!(ask(&helper, &env, &format!("protocol=http\nhost={host}\n\n")), "", "plain http");
    let pr = [("PW_GIT_HOST", host), ("PW_GIT_PATH", "api.git"), ("PW_GIT_CREDENTIALS", secret_dir.to_str().unwrap())];
    assert_eq!(ask(&helper, &pr, &format!("protocol=https\nhost={host}\npath=other.git\n\n")), "", "a pull request: that repository only");
    assert!(ask(&helper, &pr, &format!("protocol=https\nhost={host}\npath=api.git\n\n")).contains(token));
}

/// An `sshd` on loopback, as this user, with a test host key and one authorized key.
fn sshd(dir: &Path) -> Option<(Server, u16)> {
    let sshd = Path::new("/usr/sbin/sshd");
    if !sshd.is_file() {
        assert!(std::env::var_os("CI").is_none(), "/usr/sbin/sshd is missing, and CI is set: install openssh-server");
        skip("/usr/sbin/sshd is not installed (apt-get install openssh-server): the SSH clone is not run");
        return None;
    }
    for key in ["host_key", "other_host_key", "client_key"] {
        let out = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(dir.join(key)).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
    // Running as root, sshd wants its privilege separation directory (Debian's service makes it).
    let root = uid() == 0;
    if root {
        std::fs::create_dir_all("/run/sshd").unwrap();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = format!(
        "ListenAddress 127.0.0.1:{port}\nHostKey {host}\nAuthorizedKeysFile {keys}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nPidFile none\nLogLevel VERBOSE\n",
        host = dir.join("host_key").display(),
        keys = dir.join("authorized_keys").display(),
    );
    std::fs::write(dir.join("sshd_config"), config).unwrap();
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(dir.join("sshd_config"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("sshd.log")).unwrap())
        .spawn()
        .unwrap();
    let server = Server(child);
    let until = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "sshd did not listen: {}", std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((server, port))
}

fn uid() -> u32 {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(u32::MAX)
}

#[test]
fn ssh_clone_checks_the_host_key_strictly() {
    if !can_run() || !have("ssh-keygen", "the SSH clone test makes its keys") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let Some((_sshd, port)) = sshd(root) else { return };
    let forge = Forge::new(root, "api");
    let user = String::from_utf8_lossy(&Command::new("id").arg("-un").output().unwrap().stdout).trim().to_owned();
    let url = format!("ssh://{user}@127.0.0.1:{port}{}", forge.bare.display());
    write(
        root,
        "p.yaml",
        &PIPELINE
            .replace("https://example.com/a/api.git", "git@example.com:a/api.git")
            .replace("image: registry.example.com/a/api}", "image: registry.example.com/a/api, git: {ssh: {name: git-ssh}}}"),
    );
    let secret = root.join("secrets/git-ssh");
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::copy(root.join("client_key"), secret.join("ssh-privatekey")).unwrap();
    let host_line = |key: &str| {
        let public = std::fs::read_to_string(root.join(key)).unwrap();
        let mut parts = public.split_whitespace();
        format!("[127.0.0.1]:{port} {} {}\n", parts.next().unwrap(), parts.next().unwrap())
    };
    std::fs::write(secret.join("known_hosts"), host_line("host_key.pub")).unwrap();
    let secrets = ["--secrets-dir", "secrets"];
    let r = clone_run(root, "p.yaml", &url, "push", "refs/heads/main", &secrets, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, std::fs::read_to_string(root.join("sshd.log")).unwrap_or_default());
    assert_eq!(r.task("clone")["template"], "pipewright-v1-git/clone-ssh");
    assert_eq!(r.output("clone", "commit"), forge.main);
    assert_eq!(r.output("clone", "image_tag"), format!("main-{}", short(&forge.main)));
    let private = std::fs::read_to_string(secret.join("ssh-privatekey")).unwrap();
    let body = private.lines().nth(1).unwrap();
    assert!(!r.all_output().contains(body), "the private key is in the output");

    // Another server's key under this host's name: the strict check refuses the connection.
    std::fs::write(secret.join("known_hosts"), host_line("other_host_key.pub")).unwrap();
    let r = clone_run(root, "p.yaml", &url, "push", "refs/heads/main", &secrets, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.status("clone"), "Failed");
    let lines = r.lines_of("clone");
    assert!(
        lines
            .iter()
            .any(|l| l == "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!" || l.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")),
        "{}",
        r.stderr
    );
    assert!(
        lines.iter().any(|l| l == &format!("Host key for [127.0.0.1]:{port} has changed and you have requested strict checking.")),
        "{}",
        r.stderr
    );
    assert!(lines.iter().any(|l| l == "Host key verification failed."), "{}", r.stderr);

    // No entry for the host at all: refused too, never accepted on first use.
    std::fs::write(secret.join("known_hosts"), host_line("host_key.pub").replace(&format!("[127.0.0.1]:{port}"), "[127.0.0.1]:1")).unwrap();
    let r = clone_run(root, "p.yaml", &url, "push", "refs/heads/main", &secrets, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.lines_of("clone").iter().any(|l| l == "Host key verification failed."), "{}", r.stderr);
    assert!(!r.stderr.contains("Permanently added"), "{}", r.stderr);
}
