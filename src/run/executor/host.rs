//! The host executor: a step's command runs with this machine's tools, in a bubblewrap sandbox
//! whose filesystem is the host's, read-only, with the pod's volumes bound at their mount
//! paths, a fresh `/tmp`, its own PID namespace, no capabilities, and only the template's
//! environment (the host's `PATH` after the template's own).

use super::{Executor, Exit, LineSink, Pod, process};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Host variables a step gets when the template does not set them: where the host's
/// toolchain managers keep their toolchains (HOME is the step's own, usually `/tmp`).
const TOOLCHAIN_HOMES: [(&str, &str); 2] = [("RUSTUP_HOME", ".rustup"), ("PYENV_ROOT", ".pyenv")];
/// Host variables passed through as they are, when set and not set by the template: the
/// locale, the host's toolchains, this machine's way to the network (its proxy and the CA
/// bundle that trusts it), which a cluster's nodes would give their pods and no template sets,
/// and the host's TLS trust (`SSL_CERT_FILE` and `SSL_CERT_DIR` for OpenSSL and Go programs,
/// `GIT_SSL_CAINFO` for git, whose curl may be built on GnuTLS, which reads neither). Trust
/// settings name public certificates, never a secret.
const PASSED: [&str; 17] = [
    "LANG",
    "LC_ALL",
    "TZ",
    "JAVA_HOME",
    "RUSTUP_TOOLCHAIN",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "GIT_SSL_CAINFO",
    "REQUESTS_CA_BUNDLE",
    "PIP_CERT",
    "NODE_EXTRA_CA_CERTS",
];

/// Runs steps on the host's tools under bubblewrap.
#[derive(Debug, Clone)]
pub struct Host {
    bwrap: PathBuf,
    /// Host paths under `/tmp` that must stay visible (the step's `/tmp` is its own): the
    /// directories on `PATH` and a local `--source`.
    visible: Vec<PathBuf>,
}

impl Host {
    /// The host executor, when bubblewrap is installed; `visible` lists host paths the sandbox
    /// must show even where a volume or the step's `/tmp` would hide them.
    pub fn new(visible: Vec<PathBuf>) -> Result<Self, String> {
        let bwrap = find_program("bwrap", &host_path())
            .ok_or("the host executor needs bubblewrap (`bwrap`): install it (Debian and Ubuntu: `apt-get install bubblewrap`), or use --executor docker|podman")?;
        Ok(Host { bwrap, visible })
    }

    fn command(&self, pod: &Pod) -> Command {
        let mut c = Command::new(&self.bwrap);
        c.args(["--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--cap-drop", "ALL", "--new-session"]);
        c.args(["--tmpfs", "/"]);
        let mounts: Vec<&str> = pod.mounts.iter().map(|m| m.path.as_str()).collect();
        for (dir, entry) in root_entries(&mounts) {
            bind_entry(&mut c, &dir, &entry);
        }
        c.args(["--proc", "/proc", "--dev", "/dev"]);
        let mut mounts = pod.mounts.clone();
        mounts.sort_by_key(|m| m.path.matches('/').count());
        for m in &mounts {
            let flag = if m.read_only { "--ro-bind" } else { "--bind" };
            c.arg(flag).arg(&m.host).arg(real_target(&m.path));
        }
        for path in &self.visible {
            if path.exists() && mounts.iter().any(|m| path.starts_with(&m.path)) {
                c.arg("--ro-bind").arg(path).arg(path);
            }
        }
        c.arg("--chdir").arg(pod.working_dir.as_deref().unwrap_or("/"));
        c.arg("--clearenv");
        for (name, value) in environment(pod) {
            c.arg("--setenv").arg(name).arg(value);
        }
        c.arg("--");
        c.args(&pod.argv);
        c
    }
}

impl Executor for Host {
    fn run(&self, pod: &Pod, lines: LineSink) -> Exit {
        let env = environment(pod);
        let path = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).unwrap_or_default();
        let Some(program) = pod.argv.first() else {
            return Exit::NotStarted(
                "the template has no command: the host executor needs one (the image's entrypoint runs only in a container executor)"
                    .into(),
            );
        };
        let mut pod = pod.clone();
        match host_program(program, &path) {
            Some(found) => pod.argv[0] = found,
            None => {
                return Exit::NotStarted(format!(
                    "`{program}` is not installed on this machine (searched the template's PATH, then the host's)"
                ));
            }
        }
        process::run(self.command(&pod), pod.deadline, lines, &|child| {
            let _ = child.kill();
        })
    }

    fn name(&self) -> &str {
        "host"
    }
}

/// The step's environment: the template's, `PATH` extended by the host's, `HOME` defaulting to
/// `/tmp`, and the host's toolchain locations.
pub fn environment(pod: &Pod) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = Vec::new();
    for (name, value) in &pod.env {
        match env.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value.clone(),
            None => env.push((name.clone(), value.clone())),
        }
    }
    let host = host_path();
    match env.iter_mut().find(|(k, _)| k == "PATH") {
        Some(slot) => slot.1 = format!("{}:{host}", slot.1),
        None => env.push(("PATH".into(), host)),
    }
    let has = |env: &Vec<(String, String)>, name: &str| env.iter().any(|(k, _)| k == name);
    if !has(&env, "HOME") {
        env.push(("HOME".into(), "/tmp".into()));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for (name, dir) in TOOLCHAIN_HOMES {
        if has(&env, name) {
            continue;
        }
        let value = std::env::var_os(name).map(PathBuf::from).or_else(|| home.as_ref().map(|h| h.join(dir)).filter(|p| p.is_dir()));
        if let Some(value) = value {
            env.push((name.into(), value.to_string_lossy().into_owned()));
        }
    }
    for name in PASSED {
        if !has(&env, name)
            && let Ok(value) = std::env::var(name)
        {
            env.push((name.into(), value));
        }
    }
    env
}

/// The certificate files and directories the host's TLS trust variables name: a step must see
/// them, even under `/tmp` (the step's own).
pub fn trust_paths() -> Vec<PathBuf> {
    ["SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO"].into_iter().filter_map(std::env::var_os).map(PathBuf::from).collect()
}

fn host_path() -> String {
    std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into())
}

/// The program a step's `command[0]` names, as the host runs it: a bare name as `sh` finds it
/// on `path`; an absolute path as it is when the host has it, else its file name on `path`.
/// Images put their binary where they like (`/syft`, `/ko-app/cosign`): the host's copy of
/// that tool is the one on `PATH`. None when the host has neither.
fn host_program(program: &str, path: &str) -> Option<String> {
    if !program.contains('/') {
        return find_program(program, path).map(|_| program.to_owned());
    }
    if is_executable(Path::new(program)) || !program.starts_with('/') {
        return Some(program.to_owned());
    }
    let name = Path::new(program).file_name()?.to_str()?;
    find_program(name, path).map(|p| p.to_string_lossy().into_owned())
}

/// The first `name` on `path`, as `sh` would find it.
pub fn find_program(name: &str, path: &str) -> Option<PathBuf> {
    std::env::split_paths(path).map(|d| d.join(name)).find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// A mount path with its existing prefix resolved through the host's symlinks
/// (`/var/run/x` is `/run/x` on Debian), since the sandbox shows the host's tree.
fn real_target(path: &str) -> String {
    let path = Path::new(path);
    for ancestor in path.ancestors() {
        if let Ok(real) = std::fs::canonicalize(ancestor) {
            let rest = path.strip_prefix(ancestor).unwrap_or(Path::new(""));
            return real.join(rest).to_string_lossy().into_owned();
        }
    }
    path.to_string_lossy().into_owned()
}

/// The host directories to rebuild in the sandbox entry by entry (a tmpfs with each entry bound
/// read-only), so that a mount path missing on the host can be created in them: `/`, and the
/// deepest existing directory above each mount path. Returns `(dir, entry)` pairs in order.
fn root_entries(mounts: &[&str]) -> Vec<(PathBuf, String)> {
    let mut shadowed: BTreeSet<PathBuf> = BTreeSet::from([PathBuf::from("/")]);
    for m in mounts {
        let real = PathBuf::from(real_target(m));
        if real.exists() {
            continue;
        }
        if let Some(dir) = real.ancestors().skip(1).find(|a| a.is_dir()) {
            shadowed.insert(dir.to_path_buf());
        }
    }
    let mut dirs: Vec<PathBuf> = shadowed.into_iter().collect();
    dirs.sort_by_key(|d| d.components().count());
    let mut out = Vec::new();
    for dir in dirs {
        out.push((dir.clone(), String::new()));
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for name in names {
            if dir == Path::new("/") && matches!(name.as_str(), "proc" | "dev" | "tmp") {
                continue;
            }
            out.push((dir.clone(), name));
        }
    }
    out
}

/// `--tmpfs DIR` for a directory's own entry (an empty name; not for `/`, already a tmpfs), and
/// a read-only bind or a symlink for each of its entries.
fn bind_entry(c: &mut Command, dir: &Path, entry: &str) {
    if entry.is_empty() {
        if dir != Path::new("/") {
            c.arg("--tmpfs").arg(dir);
        }
        return;
    }
    let path = dir.join(entry);
    match std::fs::read_link(&path) {
        Ok(target) => {
            c.arg("--symlink").arg(target).arg(&path);
        }
        Err(_) => {
            c.arg("--ro-bind").arg(&path).arg(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(env: &[(&str, &str)]) -> Pod {
        Pod {
            name: "p".into(),
            image: "i".into(),
            argv: vec!["true".into()],
            has_command: true,
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            working_dir: None,
            mounts: Vec::new(),
            deadline: None,
        }
    }

    #[test]
    fn the_template_path_comes_before_the_hosts() {
        let env = environment(&pod(&[("PATH", "/opt/tool/bin"), ("HOME", "/home/user")]));
        let path = &env.iter().find(|(k, _)| k == "PATH").unwrap().1;
        assert!(path.starts_with("/opt/tool/bin:") && path.len() > "/opt/tool/bin:".len(), "{path}");
        assert_eq!(env.iter().find(|(k, _)| k == "HOME").unwrap().1, "/home/user");
        let env = environment(&pod(&[]));
        assert_eq!(env.iter().find(|(k, _)| k == "HOME").unwrap().1, "/tmp");
    }

    #[test]
    fn an_image_binary_path_the_host_lacks_is_found_by_name_on_path() {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("syft");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let path = dir.path().to_string_lossy().into_owned();
        assert_eq!(host_program("/syft", &path), Some(tool.to_string_lossy().into_owned()));
        assert_eq!(host_program("/ko-app/syft", &path), Some(tool.to_string_lossy().into_owned()));
        assert_eq!(host_program("/bin/sh", &path), Some("/bin/sh".into()), "a path the host has runs as it is");
        assert_eq!(host_program("syft", &path), Some("syft".into()));
        assert_eq!(host_program("/ko-app/cosign", &path), None);
        assert_eq!(host_program("cosign", &path), None);
    }

    #[test]
    fn a_missing_mount_parent_is_rebuilt_entry_by_entry() {
        let entries = root_entries(&["/workspace", "/etc/pipewright-test-absent/git"]);
        assert!(entries.contains(&(PathBuf::from("/"), "usr".into())));
        assert!(!entries.iter().any(|(d, e)| d == Path::new("/") && e == "tmp"));
        assert!(entries.contains(&(PathBuf::from("/etc"), String::new())));
        assert!(entries.iter().any(|(d, e)| d == Path::new("/etc") && e == "passwd"));
    }
}
