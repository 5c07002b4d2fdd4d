//! The toolchain steps whose tools this machine cannot have run with recording fakes on PATH:
//! the .NET SDK is not in Debian's archive and its feed is out of reach. The library's own
//! scripts run for real (the launcher and its cache keys); the fake `dotnet`
//! prints the arguments it got, and the test asserts them for each step.

use super::run_support::{SUPPLY_CHAIN, git_repo, host_has, pipeline, run, skips};
use std::path::Path;

/// Writes an executable `name` into `dir` that prints `fake NAME: ARGS` and its working directory.
fn fake(dir: &Path, name: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\necho \"fake {name}: $*\"\necho \"fake {name} cwd: $(pwd)\"\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn dotnet_steps_run_their_commands_through_the_launcher() {
    if !host_has(&["git"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fakes = dir.path().join("fakes");
    std::fs::create_dir(&fakes).unwrap();
    fake(&fakes, "dotnet");
    let source = dir.path().join("src");
    git_repo(&source, &[("api/Api.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"/>\n"), ("api/packages.lock.json", "{\"version\": 1}\n")]);
    let yaml = pipeline("api", "dotnet", "  contextDir: api\n  steps:\n    sonar: false\n");
    let path = format!("{}:{}", fakes.display(), std::env::var("PATH").unwrap_or_default());
    let ran = run(dir.path(), &yaml, &source, &dir.path().join("work"), &skips(&SUPPLY_CHAIN), &[("PATH", path.as_str())]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for task in ["clone", "deps", "lint", "test"] {
        ran.expect(task, "Succeeded");
    }
    assert!(ran.output("deps").contains(&"fake dotnet: restore"), "{:?}", ran.output("deps"));
    assert!(ran.output("lint").contains(&"fake dotnet: format --verify-no-changes"), "{:?}", ran.output("lint"));
    assert!(ran.output("test").contains(&"fake dotnet: test"), "{:?}", ran.output("test"));
    assert!(ran.output("test").contains(&"fake dotnet cwd: /workspace/src/api"), "the steps run in the context directory");
    let cache = ran.output("deps").into_iter().find(|l| l.starts_with("pipewright: dependency cache dotnet-")).unwrap_or_default();
    assert!(cache.ends_with("(cold)"), "{:?}", ran.output("deps"));
}
