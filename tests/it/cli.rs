//! CLI cases as data: `tests/cli/<case>/cmd` holds the arguments (one per line), an optional
//! `setup` holds pipewright commands run first in the same empty directory (one per line,
//! space-separated), and `expected.snap` holds the exit code, stdout and stderr exactly.

use super::support::pipewright;
use std::path::Path;

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).map(|t| t.lines().map(str::to_owned).collect()).unwrap_or_default()
}

#[test]
fn cli_cases() {
    let mut count = 0;
    insta::glob!("../cli", "*/cmd", |path| {
        count += 1;
        let case = path.parent().unwrap();
        let dir = tempfile::tempdir().unwrap();
        for step in lines(&case.join("setup")) {
            let args: Vec<&str> = step.split_whitespace().collect();
            let run = pipewright(&args, dir.path());
            assert_eq!(run.code, 0, "{}: setup `{step}` failed: {}", case.display(), run.stderr);
        }
        let args = lines(path);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = pipewright(&args, dir.path());
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(case);
        settings.set_prepend_module_to_snapshot(false);
        settings.remove_snapshot_suffix();
        settings.set_input_file(path);
        settings.bind(|| {
            insta::assert_snapshot!(
                "expected",
                format!("$ pipewright {}\nexit: {}\n--- stdout\n{}--- stderr\n{}", args.join(" "), run.code, run.stdout, run.stderr)
            );
        });
        let expected_code = if args.iter().any(|a| a.contains("help")) || case.ends_with("render-check-up-to-date") {
            0
        } else if run.stderr.starts_with("pipewright: error:") {
            1
        } else {
            2
        };
        assert_eq!(run.code, expected_code, "{}: {}", case.display(), run.stderr);
    });
    assert!(count >= 10, "only {count} CLI cases");
}

/// Wherever the CLI takes a kind, it takes it as users write it: `schema` and `add` accept
/// `Pipeline`, `pipeline`, `pipelines` and `PIPELINE` alike.
#[test]
fn kinds_as_users_write_them() {
    let dir = tempfile::tempdir().unwrap();
    let canonical = pipewright(&["schema", "pipeline"], dir.path());
    assert_eq!(canonical.code, 0, "{}", canonical.stderr);
    assert!(canonical.stdout.contains("\"Pipeline\""), "{}", canonical.stdout);
    for spelling in ["Pipeline", "pipelines", "PIPELINE", "Pipelines"] {
        let run = pipewright(&["schema", spelling], dir.path());
        assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (0, canonical.stdout.as_str(), ""), "schema {spelling}");
    }
    assert_eq!(pipewright(&["schema", "TEAMS"], dir.path()).stdout, pipewright(&["schema", "team"], dir.path()).stdout);
    let unknown = pipewright(&["schema", "pipe"], dir.path());
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("unknown kind \"pipe\" (valid: pipeline, platform, team"), "{}", unknown.stderr);

    assert_eq!(pipewright(&["init"], dir.path()).code, 0);
    let team = pipewright(&["add", "Teams", "payments", "--namespace", "team-payments", "--group", "devs"], dir.path());
    assert_eq!(team.code, 0, "{}", team.stderr);
    let args =
        ["api", "--namespace", "team-payments", "--repo", "https://github.com/acme/api.git", "--toolchain", "go", "--no-build-image"];
    let pipeline = pipewright(&[&["add", "PIPELINES"][..], &args].concat(), dir.path());
    assert_eq!(pipeline.code, 0, "{}", pipeline.stderr);
    let written = std::fs::read_to_string(dir.path().join("argo/workflows/pipelines/api.yaml")).unwrap();
    assert!(written.contains("kind: Pipeline") && written.contains("name: api"), "{written}");
    assert!(std::fs::read_to_string(dir.path().join("argo/events/teams/payments.yaml")).unwrap().contains("kind: Team"));
}

/// Bare `pipewright` on a terminal says what it waits for (one line on stderr) before reading;
/// piped, it stays silent. `script` gives it a pseudo-terminal and passes on the end of input.
#[test]
fn bare_pipewright_on_a_terminal_prints_a_hint() {
    let hint = "pipewright: reading a ResourceList from stdin; see `pipewright --help`";
    let piped = super::support::function(b"");
    assert!(!piped.stderr.contains(hint), "{}", piped.stderr);
    let command = format!("'{}'", super::support::bin().display());
    let Ok(out) = std::process::Command::new("script").args(["-qec", &command, "/dev/null"]).stdin(std::process::Stdio::null()).output()
    else {
        assert!(std::env::var_os("CI").is_none(), "script (util-linux) is missing, and CI is set");
        super::support::skip("script (util-linux) is not installed: no pseudo-terminal for the hint test");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(first.trim_end_matches('\r'), hint, "{text}");
    assert_eq!(text.matches(hint).count(), 1, "{text}");
}

/// `add team --events github` takes organization webhooks (`--organization`) instead of
/// repositories, and refuses neither or both.
#[test]
fn add_team_takes_organizations_or_repositories() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(pipewright(&["init"], dir.path()).code, 0);
    let base = ["add", "team", "payments", "--namespace", "team-payments", "--group", "devs", "--events", "github"];
    let secret = ["--webhook-secret-name", "gh", "--webhook-secret-key", "secret"];
    let neither = pipewright(&[&base[..], &secret].concat(), dir.path());
    assert_eq!(neither.code, 2);
    assert!(neither.stderr.contains("needs --repository OWNER/NAME (repository webhooks) or --organization ORG"), "{}", neither.stderr);
    let both = pipewright(&[&base[..], &secret, &["--repository", "acme/api", "--organization", "acme"]].concat(), dir.path());
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(both.stderr.contains("cannot be used with"), "{}", both.stderr);
    let orgs = pipewright(&[&base[..], &secret, &["--organization", "acme", "--organization", "acme-labs"]].concat(), dir.path());
    assert_eq!(orgs.code, 0, "{}", orgs.stderr);
    let written = std::fs::read_to_string(dir.path().join("argo/events/teams/payments.yaml")).unwrap();
    let team: serde_json::Value = serde_yaml::from_str(&written).unwrap();
    assert_eq!(
        team["spec"]["events"]["github"],
        serde_json::json!({"webhookSecret": {"name": "gh", "key": "secret"}, "organizations": ["acme", "acme-labs"]})
    );
}
