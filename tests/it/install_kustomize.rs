//! `.ci/install-kustomize` takes its Debian mirror from the machine's own apt sources (deb822
//! `.sources` first, then one-line `sources.list` and `.list` files), skipping security suites,
//! disabled stanzas and comments, with `KUSTOMIZE_MIRROR` over all; the script names no host.

use std::path::Path;
use std::process::Command;

use crate::support;

/// Runs `.ci/install-kustomize --mirror` with `apt` as the machine's apt directory.
fn mirror(apt: &Path, overriding: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(support::root().join(".ci/install-kustomize"));
    command.arg("--mirror").env("KUSTOMIZE_APT_DIR", apt).env_remove("KUSTOMIZE_MIRROR");
    if let Some(url) = overriding {
        command.env("KUSTOMIZE_MIRROR", url);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(apt: &Path, file: &str, text: &str) {
    let path = apt.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_mirror_comes_from_the_machines_apt_sources() {
    let dir = tempfile::tempdir().unwrap();
    let apt = dir.path();
    let (code, _, stderr) = mirror(apt, None);
    assert_eq!(code, 1, "no sources: {stderr}");
    assert!(stderr.contains("set KUSTOMIZE_MIRROR"), "{stderr}");

    // One-line format, with options and a security suite first.
    // The hosts are reserved example names (RFC 2606), written through `{kind}` so that no line of
    // this file reads as an apt source.
    let kind = "deb";
    write(
        apt,
        "sources.list",
        &format!(
            "# {kind} http://commented.example/debian trixie main\n\
             {kind} [signed-by=/k.gpg arch=amd64] http://security.example/debian-security trixie-security main\n\
             {kind} [ signed-by=/k.gpg ] http://one-line.example/debian/ trixie main\n"
        ),
    );
    assert_eq!(mirror(apt, None).1, "http://one-line.example/debian");

    // deb822 wins over the one-line files: a disabled stanza, a deb-src one and a security one
    // are skipped; keys are case-insensitive, and the first of several URIs is taken.
    write(
        apt,
        "sources.list.d/debian.sources",
        "Types: deb\nURIs: http://disabled.example/debian\nSuites: trixie\nEnabled: no\n\n\
         Types: deb-src\nURIs: http://source.example/debian\nSuites: trixie\n\n\
         Types: deb\n# a comment\nURIs: http://security.example/debian-security\nSuites: trixie-security\n\n\
         types: deb deb-src\nuris: http://deb822.example/debian http://second.example/debian\nsuites: trixie trixie-updates\n\
         Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
    );
    write(apt, "sources.list.d/other.sources.disabled", "Types: deb\nURIs: http://ignored.example/debian\nSuites: trixie\n");
    assert_eq!(mirror(apt, None).1, "http://deb822.example/debian");

    // The environment overrides the machine.
    assert_eq!(mirror(apt, Some("https://override.example/debian/")).1, "https://override.example/debian");
}

/// The script carries no host of its own: whatever it fetches from comes from the machine or
/// the environment.
#[test]
fn the_install_script_names_no_host() {
    let script = std::fs::read_to_string(support::root().join(".ci/install-kustomize")).unwrap();
    let urls: Vec<&str> = script.lines().filter(|l| l.contains("://")).collect();
    assert!(urls.is_empty(), "the script names a host: {urls:?}");
}
