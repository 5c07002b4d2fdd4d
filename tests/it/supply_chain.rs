//! Static analysis, scans, the signed artifact and notifications: the supply-chain snapshot
//! cases, run through the real binary, must pass every Argo check with each Platform switch
//! on and off, and the settings must reach the containers as args, env or Secret references.

use super::argo_checks;
use super::support::{self, function, items};
use serde_json::Value;
use std::collections::BTreeSet;

fn render_case(name: &str) -> Vec<Value> {
    let input = std::fs::read(support::root().join(format!("tests/cases/valid/{name}/input.yaml"))).unwrap();
    let run = function(&input);
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    let docs = items(&run.stdout);
    if let Some(shared) = support::shared_argo() {
        let problems = argo_checks::check(&shared, &docs);
        assert!(problems.is_empty(), "{name}: Argo checks failed:\n{}", problems.join("\n"));
    }
    super::lint::assert_docs_lint_clean(name, &docs);
    docs
}

fn template<'a>(docs: &'a [Value], family: &str, name: &str) -> &'a Value {
    let cwt = docs.iter().find(|d| d["metadata"]["name"] == format!("pipewright-v1-{family}")).unwrap();
    cwt["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("{family}/{name}"))
}

fn env<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["container"]["env"].as_array().unwrap().iter().find(|e| e["name"] == name).unwrap_or_else(|| panic!("env {name}"))
}

#[test]
fn every_switch_on_renders_valid_steps() {
    let docs = render_case("supply-chain-everything-on");
    let sign = template(&docs, "supply-chain", "sign");
    assert_eq!(
        env(sign, "COSIGN_PRIVATE_KEY")["valueFrom"]["secretKeyRef"]["name"],
        "cosign-key",
        "key-based signing reads the key from a Secret"
    );
    assert!(sign["volumes"].as_array().unwrap().iter().all(|v| v.get("projected").is_none()), "no OIDC token in key mode");
    let attest = template(&docs, "supply-chain", "attest");
    let args: Vec<&str> = attest["container"]["args"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(&args[..6], ["attest", "--yes", "--type", "spdxjson", "--predicate", "/workspace/sbom.spdx.json"]);
    let sonar = template(&docs, "analysis", "sonar");
    assert_eq!(env(sonar, "SONAR_TOKEN")["valueFrom"]["secretKeyRef"]["name"], "sonar-token");
    assert_eq!(env(sonar, "SONAR_HOST_URL")["value"], "http://sonarqube.sonar.svc:9000");
    assert!(sonar["container"]["args"].as_array().unwrap().contains(&"-Dsonar.qualitygate.wait=false".into()));
    let test = template(&docs, "python", "test");
    assert_eq!(
        test["outputs"]["artifacts"][0],
        serde_json::json!({"name": "test-reports", "path": "/workspace/reports/junit", "optional": true})
    );
    assert_eq!(env(template(&docs, "image", "build"), "CACHE_TAG")["value"], "layer-cache");
    assert_eq!(env(template(&docs, "notify", "slack"), "ARGO_SERVER_URL")["value"], "https://argo.acme.io/argo");
    let scan = template(&docs, "security", "scan-image");
    assert_eq!(env(scan, "PLATFORM_FAIL_ON")["value"], "HIGH");
    assert_eq!(env(scan, "DOCKER_CONFIG")["value"], "/etc/pipewright/docker");
}

#[test]
fn switched_off_steps_are_pod_less_and_still_resolve() {
    let docs = render_case("supply-chain-switched-off");
    for (family, name) in [("security", "scan-image"), ("supply-chain", "provenance"), ("analysis", "sonar")] {
        let t = template(&docs, family, name);
        assert_eq!(t["suspend"]["duration"], "0", "{family}/{name} is a no-op");
        assert!(t.get("container").is_none());
    }
    assert_eq!(env(template(&docs, "image", "build"), "CACHE_TAG")["value"], "", "the layer cache is off");
    assert!(template(&docs, "go", "test").get("outputs").is_none(), "no artifacts without `reports.junit`");
    let wt = docs.iter().find(|d| d["kind"] == "WorkflowTemplate").unwrap();
    let tasks: Vec<&str> =
        wt["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(tasks, ["clone", "commit-status", "deps", "lint", "security-scan", "build-image", "scan-image", "provenance"]);
    let pending = &wt["spec"]["templates"][0]["dag"]["tasks"][1]["arguments"]["parameters"];
    let arg = |name: &str| pending.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["value"].clone();
    assert_eq!(arg("api_url"), "https://github.example.com/api/v3", "GitHub Enterprise API from the repo host");
    assert_eq!(arg("repo_path"), "tools/tool");
    assert_eq!(arg("commit"), "{{tasks.clone.outputs.parameters.commit}}");
    assert_eq!(arg("status"), "Running");
}

/// User values and Argo expressions never become script text: every `sh -c` / `python3 -c`
/// script in the library is one of the static scripts, free of `{{`.
#[test]
fn scripts_stay_static() {
    for case in ["supply-chain-everything-on", "supply-chain-switched-off"] {
        for doc in render_case(case).iter().filter(|d| d["kind"] == "ClusterWorkflowTemplate") {
            for t in doc["spec"]["templates"].as_array().unwrap() {
                let command: Vec<&str> = t["container"]["command"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                if let Some(i) = command.iter().position(|c| *c == "-c") {
                    assert!(!command[i + 1].contains("{{"), "{case}: {} splices an expression into its script", t["name"]);
                }
            }
        }
    }
}

fn script(t: &Value) -> String {
    t["container"]["command"][2].as_str().unwrap().to_owned()
}

/// The scan wrapper as rendered: a pipeline may lower the threshold, never raise it.
#[test]
fn the_scan_script_keeps_the_stricter_threshold() {
    let docs = render_case("supply-chain-everything-on");
    let scan = template(&docs, "security", "scan-image");
    let dir = tempfile_dir("scan");
    std::fs::write(dir.join("trivy"), "#!/bin/sh\necho \"$@\"\n").unwrap();
    std::process::Command::new("chmod").arg("+x").arg(dir.join("trivy")).status().unwrap();
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    for (pipeline, expected) in
        [("", "HIGH,CRITICAL"), ("LOW", "LOW,MEDIUM,HIGH,CRITICAL"), ("CRITICAL", "HIGH,CRITICAL"), ("bogus", "HIGH,CRITICAL")]
    {
        let out = std::process::Command::new("sh")
            .args(["-c", &script(scan), "scan", "image", "--exit-code", "1", "--", "r@sha256:0"])
            .env("PATH", &path)
            .env("PLATFORM_FAIL_ON", "HIGH")
            .env("FAIL_ON", pipeline)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("image --severity {expected} --exit-code 1 -- r@sha256:0")), "{pipeline:?}: {stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pipewright-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Serves one HTTP request and returns its request line, headers and body.
fn one_request() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).unwrap();
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len = head
                    .lines()
                    .find_map(|l| l.to_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse::<usize>().unwrap()))
                    .unwrap_or(0);
                if body.len() >= len || n == 0 {
                    stream.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n").unwrap();
                    return text;
                }
            }
        }
    });
    (url, handle)
}

/// The notifier as rendered, against a local server: Slack gets the status, duration, failed
/// step and run link; GitHub gets a commit status on the right path with the token.
#[test]
fn the_notifier_reports_status_failed_step_and_link() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let docs = render_case("supply-chain-everything-on");
    let common = [
        ("STATUS", "Failed"),
        ("PIPELINE", "billing"),
        ("WORKFLOW_NAME", "billing-x7"),
        ("WORKFLOW_NAMESPACE", "team-billing"),
        ("DURATION", "125.4"),
        ("ARGO_SERVER_URL", "https://argo.acme.io/argo"),
        ("FAILURES", r#"[{"displayName":"test","message":"Error (exit code 1)","templateName":"test"}]"#),
    ];
    let run = |t: &Value, extra: &[(&str, &str)]| {
        let (url, server) = one_request();
        let mut cmd = std::process::Command::new("python3");
        cmd.args(["-c", &script(t)]).envs(common).envs(extra.iter().copied());
        cmd.env("TARGET_URL", format!("{url}/hook")).env("API_URL", &url);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        server.join().unwrap()
    };
    let slack = run(template(&docs, "notify", "slack"), &[("PW_CHANNEL", "slack")]);
    for expected in [
        "POST /hook",
        "*billing* failed in 2m05s",
        "Failed step `test`: Error (exit code 1)",
        "<https://argo.acme.io/argo/workflows/team-billing/billing-x7|Open the run in Argo>",
    ] {
        assert!(slack.contains(expected), "{expected:?} not in {slack}");
    }
    // Argo builds workflow.failures from its map of nodes, in no set order, and lists every failed
    // node: the DAG (named after the workflow), the retry node and each attempt's pod (`test(1)`).
    let argo_order = r#"[{"displayName":"billing-x7","message":"child 'test' failed","templateName":"pipeline","phase":"Failed","podName":"billing-x7","finishedAt":"2026-12-04T10:00:09Z"},{"displayName":"test(1)","message":"Error (exit code 1)","templateName":"test","phase":"Failed","podName":"billing-x7-test-2","finishedAt":"2026-12-04T10:00:08Z"},{"displayName":"test","message":"Error (exit code 1)","templateName":"test","phase":"Failed","podName":"billing-x7-test-9","finishedAt":"2026-12-04T10:00:08Z"},{"displayName":"test(0)","message":"Error (exit code 1)","templateName":"test","phase":"Failed","podName":"billing-x7-test-1","finishedAt":"2026-12-04T10:00:03Z"}]"#;
    let slack = run(template(&docs, "notify", "slack"), &[("PW_CHANNEL", "slack"), ("FAILURES", argo_order)]);
    assert!(slack.contains("Failed step `test`: Error (exit code 1)"), "the step, not the workflow or an attempt: {slack}");
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let github = run(
        template(&docs, "notify", "commit-status"),
        &[("PW_CHANNEL", "github"), ("REPO_PATH", "acme/api"), ("COMMIT", sha), ("FORGE_TOKEN", "t0ken\n")],
    );
    for expected in [
        format!("POST /repos/acme/api/statuses/{sha}"),
        "Bearer t0ken".into(),
        "\"state\": \"failure\"".into(),
        "\"context\": \"pipewright/billing\"".into(),
    ] {
        assert!(github.contains(&expected), "{expected:?} not in {github}");
    }
    assert!(!github.contains("t0ken\n"), "the Secret's trailing newline is stripped");
    // A token that http.client refuses (a newline inside) makes it raise an error quoting the
    // header: the log names the error's type, never the token.
    let out = std::process::Command::new("python3")
        .args(["-c", &script(template(&docs, "notify", "commit-status"))])
        .envs(common)
        .envs([("PW_CHANNEL", "github"), ("REPO_PATH", "acme/api"), ("COMMIT", sha), ("FORGE_TOKEN", "ghp_leak\nX")])
        .env("API_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{log}");
    assert!(log.contains("request refused (ValueError)") && !log.contains("ghp_leak"), "{log}");
}

/// What each default image can run as `command[0]`, by repository: a path, or a name on the
/// image's PATH. `FROM scratch` and ko images have no shell, so only their binary's full path
/// runs there (the SBOM step once asked for `syft`, which `anchore/syft` does not have on a PATH).
const KNOWN_ENTRYPOINTS: &[(&str, &[&str])] = &[
    ("alpine/git", &["sh", "git"]),
    ("node", &["sh"]),
    ("python", &["sh", "python3"]),
    ("golang", &["sh"]),
    ("maven", &["sh"]),
    ("gradle", &["sh"]),
    ("rust", &["sh"]),
    ("mcr.microsoft.com/dotnet/sdk", &["sh"]),
    ("aquasec/trivy", &["sh", "trivy"]),
    ("moby/buildkit", &["sh", "buildctl-daemonless.sh"]),
    ("sonarsource/sonar-scanner-cli", &["sh", "sonar-scanner"]),
    ("anchore/syft", &["/syft"]),
    ("gcr.io/projectsigstore/cosign", &["/ko-app/cosign"]),
];

/// The repository of an image reference: without its digest and tag.
fn repository(image: &str) -> &str {
    let name = image.split('@').next().unwrap();
    match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => &name[..i],
        _ => name,
    }
}

/// Every default image's template runs a binary that image has: no `command[0]` the image
/// cannot start, and no default image missing from the table.
#[test]
fn every_template_runs_a_binary_its_default_image_has() {
    let mut checked = BTreeSet::new();
    let mut problems = Vec::new();
    for case in ["supply-chain-everything-on", "supply-chain-switched-off", "platform-defaults"] {
        for doc in render_case(case).iter().filter(|d| d["kind"] == "ClusterWorkflowTemplate") {
            for t in doc["spec"]["templates"].as_array().unwrap().iter().filter(|t| t.get("container").is_some()) {
                let image = t["container"]["image"].as_str().unwrap();
                let image = match image.strip_prefix("{{inputs.parameters.").and_then(|s| s.strip_suffix("}}")) {
                    Some(input) => {
                        let params = t["inputs"]["parameters"].as_array().unwrap();
                        match params.iter().find(|p| p["name"] == input).unwrap()["default"].as_str() {
                            Some(default) => default,
                            None => continue, // the generic toolchain: the Pipeline's own image
                        }
                    }
                    None => image,
                };
                let repo = repository(image);
                let command0 = t["container"]["command"][0].as_str().unwrap_or("<the image's entrypoint>");
                match KNOWN_ENTRYPOINTS.iter().find(|(r, _)| *r == repo) {
                    None => problems.push(format!("{}: image {repo} is not in KNOWN_ENTRYPOINTS", t["name"])),
                    Some((_, known)) if !known.contains(&command0) => {
                        problems.push(format!("{}: {repo} cannot run {command0:?} (it has {known:?})", t["name"]))
                    }
                    Some(_) => {
                        checked.insert(repo.to_owned());
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(checked.len(), KNOWN_ENTRYPOINTS.len(), "every default image is checked: {checked:?}");
}

#[test]
fn repositories_drop_tags_and_digests() {
    assert_eq!(repository("alpine/git:2.47.2@sha256:0"), "alpine/git");
    assert_eq!(repository("registry:5000/a/b@sha256:0"), "registry:5000/a/b");
    assert_eq!(repository("sonarsource/sonar-scanner-cli@sha256:0"), "sonarsource/sonar-scanner-cli");
}

/// The sonar script as rendered: maven and gradle get `sonar.java.binaries` (relative to the
/// project) once the classes exist, dotnet is skipped, the rest pass the arguments unchanged.
#[test]
fn the_sonar_script_adds_what_each_toolchain_needs() {
    let docs = render_case("supply-chain-everything-on");
    let sonar = template(&docs, "analysis", "sonar");
    assert_eq!(env(sonar, "GIT_CONFIG_VALUE_0")["value"], "/workspace/src", "git trusts the checkout");
    let dir = tempfile_dir("sonar");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("sonar-scanner"), "#!/bin/sh\necho \"scanner $*\"\n").unwrap();
    std::process::Command::new("chmod").arg("+x").arg(bin.join("sonar-scanner")).status().unwrap();
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let run = |toolchain: &str| {
        let out = std::process::Command::new("sh")
            .args(["-c", &script(sonar), "sonar", "-Dsonar.projectKey=k"])
            .env("PATH", &path)
            .env("PW_TOOLCHAIN", toolchain)
            .env("PW_PROJECT_DIR", &project)
            .output()
            .unwrap();
        (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    };
    assert_eq!(run("python"), (Some(0), "scanner -Dsonar.projectKey=k\n".into()));
    let (code, out) = run("maven");
    assert!(code == Some(2) && out.contains("no compiled classes in any module's target/classes"), "{out}");
    // A multi-module build: the classes are in the modules only.
    std::fs::create_dir_all(project.join("core/target/classes")).unwrap();
    std::fs::create_dir_all(project.join("api/target/classes")).unwrap();
    assert_eq!(run("maven").1, "scanner -Dsonar.projectKey=k -Dsonar.java.binaries=**/target/classes\n");
    let (code, _) = run("gradle");
    assert_eq!(code, Some(2), "no build/classes yet");
    std::fs::create_dir_all(project.join("build/classes/java/main")).unwrap();
    assert_eq!(run("gradle").1, "scanner -Dsonar.projectKey=k -Dsonar.java.binaries=**/build/classes\n");
    let (code, out) = run("dotnet");
    assert!(code == Some(0) && out.contains("cannot analyse C#") && !out.contains("scanner -D"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Findings (exit 3) fail the scan at once; a DB download or registry error (exit 1) is
/// retried. The DB lives in the run's workspace, never on the cache volume, which pull-request
/// code mounts read-write.
#[test]
fn scans_retry_errors_but_not_findings() {
    let docs = render_case("supply-chain-everything-on");
    for name in ["scan", "scan-image"] {
        let t = template(&docs, "security", name);
        assert_eq!(t["retryStrategy"]["retryPolicy"], "Always", "{name}");
        assert_eq!(t["retryStrategy"]["expression"], "lastRetry.exitCode != \"3\"", "{name}");
        let args: Vec<&str> = t["container"]["args"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        let after = |flag: &str| args[args.iter().position(|a| *a == flag).unwrap() + 1];
        assert_eq!(after("--exit-code"), "3", "{name}");
        assert_eq!(after("--cache-dir"), "/workspace/.cache/trivy", "{name}");
        assert!(!t["container"]["volumeMounts"].as_array().unwrap().iter().any(|m| m["name"] == "cache"), "{name} mounts the cache");
    }
}

/// `DEFAULT_IMAGES` as written in `src/validate/platform.rs`: (key, reference) pairs.
fn default_images() -> Vec<(String, String)> {
    let source = std::fs::read_to_string(support::root().join("src/validate/platform.rs")).unwrap();
    let start = source.find("pub const DEFAULT_IMAGES").unwrap();
    let end = start + source[start..].find("];").unwrap();
    source[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("(\"")?.strip_suffix("\"),").map(str::to_owned))
        .map(|l| {
            let (key, reference) = l.split_once("\", \"").unwrap();
            (key.to_owned(), reference.to_owned())
        })
        .collect()
}

/// The docs' image tables say what the code pins: the "Default images" table the reference
/// with the digest's first 8 hex digits, the other tables the tag (or, without one, the same
/// short digest).
#[test]
fn the_docs_name_the_default_images_the_code_pins() {
    let readme = support::docs_text();
    let images = default_images();
    assert_eq!(images.len(), 14, "{images:?}");
    let mut problems = Vec::new();
    for (key, reference) in &images {
        let (name, digest) = reference.split_once("@sha256:").unwrap();
        let short = format!("{name}@sha256:{}…", &digest[..8]);
        if !readme.contains(&format!("| `{key}` | `{short}`")) {
            problems.push(format!("Default images: `{key}` should be `{short}`"));
        }
        let tagged = name.rsplit_once(':').is_some_and(|(_, tag)| !tag.contains('/'));
        let plain = if tagged { name.to_owned() } else { short.clone() };
        for row in readme.lines().filter(|l| l.starts_with(&format!("| `images.{key}` |")) || l.starts_with(&format!("| `{key}` | `"))) {
            let cell = row.split('|').nth(2).unwrap().trim();
            let shown = cell.split('`').nth(1).unwrap_or("");
            if shown != short && shown != plain {
                problems.push(format!("{row}: the default is `{plain}`"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
