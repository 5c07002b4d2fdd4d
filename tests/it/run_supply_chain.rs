//! The build and supply-chain steps run with `pipewright run --executor host`, with recording
//! fakes on PATH for the programs no Debian machine has (buildctl, trivy, syft, cosign,
//! sonar-scanner): each fake prints its argv, one argument a line, and writes what the step
//! reads back (the build's metadata file, the SBOM). The tests assert the exact arguments.

use crate::run_sc_support::{Forge, Recorder, RunResult, can_run, run, write, write_program};
use std::path::Path;

/// One fake for every tool: `FAKE-CALL name`, one `FAKE-ARG a` per argument, `FAKE-END name`,
/// on stderr; buildctl writes its metadata file with a digest, syft its SBOM, and cosign shows
/// the predicate it was given and whether its identity token file exists.
const FAKE: &str = r#"#!/bin/sh
name=${0##*/}
echo "FAKE-CALL $name" >&2
for a in "$@"; do printf 'FAKE-ARG %s\n' "$a" >&2; done
echo "FAKE-END $name" >&2
while [ $# -gt 0 ]; do
  case "$name:$1" in
    buildctl-daemonless.sh:--metadata-file) printf '{"containerimage.digest": "sha256:%s"}\n' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef > "$2" ;;
    syft:spdx-json=*) printf '{"spdxVersion": "SPDX-2.3", "name": "fake-sbom"}\n' > "${1#spdx-json=}" ;;
    cosign:--predicate) echo "FAKE-PREDICATE $(cat "$2")" >&2 ;;
    cosign:--identity-token=*) if [ -r "${1#--identity-token=}" ]; then echo "FAKE-TOKEN-FILE present" >&2; fi ;;
  esac
  shift
done
exit 0
"#;

const TOOLS: [&str; 5] = ["buildctl-daemonless.sh", "trivy", "syft", "cosign", "sonar-scanner"];
const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn fakes(dir: &Path) -> std::path::PathBuf {
    let bin = dir.join("fakes");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in TOOLS {
        write_program(&bin.join(tool), FAKE);
    }
    bin
}

/// Each call of `tool` by `task`: its arguments.
fn calls(r: &RunResult, task: &str, tool: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in r.lines_of(task) {
        if line == format!("FAKE-CALL {tool}") {
            current = Some(Vec::new());
        } else if line == format!("FAKE-END {tool}") {
            out.extend(current.take());
        } else if let (Some(args), Some(arg)) = (current.as_mut(), line.strip_prefix("FAKE-ARG ")) {
            args.push(arg.to_owned());
        }
    }
    out
}

fn one_call(r: &RunResult, task: &str, tool: &str) -> Vec<String> {
    let all = calls(r, task, tool);
    assert_eq!(all.len(), 1, "{task} calls {tool} once: {all:?}\n{}", r.stderr);
    all.into_iter().next().unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

/// tests/cases/valid/supply-chain-everything-on, with its webhook, Slack and GitLab status on a
/// loopback recorder: build with the registry cache, both scans at the pipeline's stricter
/// threshold, sonar, then provenance (SBOM, key-based signature, SBOM attestation) and the
/// exit handler's three notifiers.
#[test]
fn everything_on_push_gives_each_tool_its_exact_arguments() {
    if !can_run() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let forge = Forge::new(root, "billing");
    let bin = fakes(root);
    let hooks = Recorder::start();
    let input = std::fs::read_to_string(crate::support::root().join("tests/cases/valid/supply-chain-everything-on/input.yaml")).unwrap();
    let list: serde_json::Value = serde_yaml::from_str(&input).unwrap();
    let mut docs = String::new();
    for item in list["items"].as_array().unwrap() {
        let mut item = item.clone();
        if item["kind"] == "Pipeline" {
            item["spec"]["notify"]["commitStatus"]["apiUrl"] = format!("{}/api/v4", hooks.url).into();
        }
        docs.push_str("---\n");
        docs.push_str(&serde_yaml::to_string(&item).unwrap());
    }
    write(root, "billing.yaml", &docs);
    let webhook = format!("ci-webhook.url={}/hook", hooks.url);
    let slack = format!("ci-slack.url={}/slack", hooks.url);
    let secrets = [
        "cosign-key.cosign.key=-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----fake-cosign-key",
        "cosign-key.cosign.password=cosign-pass-7781",
        "sonar-token.token=sqa_sonar_token_5521",
        "gitlab-token.token=glpat-status-token-9931",
        &webhook,
        &slack,
    ];
    let mut args = vec!["billing.yaml", "--source", forge.bare.to_str().unwrap(), "--event", "push", "--revision", "refs/heads/main"];
    args.extend(["--work-dir", "work", "--skip", "deps", "--skip", "lint", "--skip", "test"]);
    for s in &secrets {
        args.extend(["--secret", s]);
    }
    let r = run(root, &args, Some(&bin), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let short = &forge.main[..7];
    let image = format!("registry.acme.io/billing/api:main-{short}");
    let by_digest = format!("registry.acme.io/billing/api@sha256:{HEX}");
    assert_eq!(r.output("build-image", "digest"), format!("sha256:{HEX}"), "no trailing newline");

    assert_eq!(
        one_call(&r, "build-image", "buildctl-daemonless.sh"),
        strings(&[
            "build",
            "--frontend",
            "dockerfile.v0",
            "--local",
            "context=/workspace/src/.",
            "--local",
            "dockerfile=/workspace/src/.",
            "--output",
            &format!("type=image,name={image},push=true"),
            "--metadata-file",
            "/tmp/pipewright/build.json",
            "--import-cache",
            "type=registry,ref=registry.acme.io/billing/api:layer-cache",
            "--export-cache",
            "type=registry,ref=registry.acme.io/billing/api:layer-cache,mode=max,ignore-error=true",
        ])
    );
    // The Platform fails on HIGH; the pipeline's LOW is stricter, so it wins.
    let severities = "LOW,MEDIUM,HIGH,CRITICAL";
    assert_eq!(
        one_call(&r, "security-scan", "trivy"),
        strings(&[
            "filesystem",
            "--severity",
            severities,
            "--scanners",
            "vuln,secret,misconfig",
            "--exit-code",
            "3",
            "--no-progress",
            "--cache-dir",
            "/workspace/.cache/trivy",
            "--skip-dirs",
            "node_modules",
            "--",
            ".",
        ])
    );
    assert_eq!(
        one_call(&r, "scan-image", "trivy"),
        strings(&[
            "image",
            "--severity",
            severities,
            "--scanners",
            "vuln,secret",
            "--exit-code",
            "3",
            "--no-progress",
            "--cache-dir",
            "/workspace/.cache/trivy",
            "--",
            &by_digest
        ])
    );
    assert_eq!(
        one_call(&r, "sonar", "sonar-scanner"),
        strings(&[
            "-Dsonar.projectKey=billing:api",
            "-Dsonar.projectBaseDir=/workspace/src/.",
            "-Dsonar.working.directory=/tmp/scannerwork",
            "-Dsonar.qualitygate.wait=false",
            "-Dsonar.qualitygate.timeout=600",
        ])
    );
    assert_eq!(
        one_call(&r, "provenance/sbom", "syft"),
        strings(&["scan", &format!("registry:{by_digest}"), "--output", "spdx-json=/workspace/sbom.spdx.json"])
    );
    assert_eq!(
        one_call(&r, "provenance/sign", "cosign"),
        strings(&["sign", "--yes", "--key=env://COSIGN_PRIVATE_KEY", "--rekor-url=https://rekor.acme.io", &by_digest])
    );
    assert_eq!(
        one_call(&r, "provenance/attest", "cosign"),
        strings(&[
            "attest",
            "--yes",
            "--type",
            "spdxjson",
            "--predicate",
            "/workspace/sbom.spdx.json",
            "--key=env://COSIGN_PRIVATE_KEY",
            "--rekor-url=https://rekor.acme.io",
            &by_digest,
        ])
    );
    assert!(
        r.lines_of("provenance/attest").contains(&r#"FAKE-PREDICATE {"spdxVersion": "SPDX-2.3", "name": "fake-sbom"}"#.to_owned()),
        "the attestation reads the SBOM the sbom step wrote: {}",
        r.stderr
    );
    for task in
        ["provenance/sbom", "provenance/sign", "provenance/attest", "provenance", "notify/webhook", "notify/slack", "notify/commit-status"]
    {
        assert_eq!(r.status(task), "Succeeded", "{task}: {}", r.stderr);
    }

    // The pending status, then the exit handler: webhook, Slack and the final GitLab status.
    let received = hooks.received();
    let lines: Vec<&str> = received.iter().map(|q| q.line.as_str()).collect();
    let status_line = format!("POST /api/v4/projects/billing%2Fapi/statuses/{} HTTP/1.1", forge.main);
    assert_eq!(lines.iter().filter(|l| **l == status_line).count(), 2, "running and success: {lines:?}");
    assert!(lines.contains(&"POST /hook HTTP/1.1") && lines.contains(&"POST /slack HTTP/1.1"), "{lines:?}");
    let hook = received.iter().find(|q| q.line.starts_with("POST /hook")).unwrap();
    let body: serde_json::Value = serde_json::from_str(&hook.body).unwrap();
    assert_eq!(body["status"], "Succeeded", "{body}");
    assert_eq!(body["pipeline"], "billing", "{body}");
    let statuses: Vec<serde_json::Value> =
        received.iter().filter(|q| q.line == status_line).map(|q| serde_json::from_str(&q.body).unwrap()).collect();
    assert_eq!(statuses.iter().map(|s| s["state"].as_str().unwrap_or("")).collect::<Vec<_>>(), ["running", "success"], "{statuses:?}");
    let token_header = received
        .iter()
        .find(|q| q.line == status_line)
        .unwrap()
        .headers
        .iter()
        .any(|(k, v)| k == "private-token" && v == "glpat-status-token-9931");
    assert!(token_header, "GitLab's token goes in its header: {:?}", received[0].headers);

    // No Secret value reaches the output, the report or an argument.
    for s in secrets {
        let value = s.split_once('=').unwrap().1;
        assert!(!r.all_output().contains(value), "{s} shows in the run's output");
    }
}

/// The default Platform (keyless signing, failOn HIGH, no SonarQube): a pull request builds without pushing,
/// never writes the layer cache and never scans, signs or attests an image it did not push; a
/// push signs keylessly with the projected identity token.
#[test]
fn default_platform_pull_request_builds_without_pushing_and_push_signs_keylessly() {
    if !can_run() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let forge = Forge::new(root, "api");
    let bin = fakes(root);
    write(
        root,
        "api.yaml",
        "apiVersion: pipewright.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: api, namespace: team-a}\nspec: {repo: https://example.com/a/api.git, toolchain: node, image: registry.example.com/a/api}\n",
    );
    let base =
        ["api.yaml", "--source", forge.bare.to_str().unwrap(), "--work-dir", "work", "--skip", "deps", "--skip", "lint", "--skip", "test"];
    let mut args = base.to_vec();
    args.extend(["--event", "pull-request", "--revision", "refs/pull/7/head"]);
    let r = run(root, &args, Some(&bin), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tag = format!("pr-{}", &forge.pull[..7]);
    assert_eq!(
        one_call(&r, "build-image", "buildctl-daemonless.sh"),
        strings(&[
            "build",
            "--frontend",
            "dockerfile.v0",
            "--local",
            "context=/workspace/src/.",
            "--local",
            "dockerfile=/workspace/src/.",
            "--output",
            &format!("type=image,name=registry.example.com/a/api:{tag},push=false"),
            "--metadata-file",
            "/tmp/pipewright/build.json",
            "--import-cache",
            "type=registry,ref=registry.example.com/a/api:buildcache",
        ]),
        "no push, and the layer cache is read, never written"
    );
    // The default Platform fails on HIGH and above.
    let scan = one_call(&r, "security-scan", "trivy");
    assert_eq!(scan[..3], strings(&["filesystem", "--severity", "HIGH,CRITICAL"]));
    for task in ["scan-image", "provenance"] {
        assert_eq!(r.status(task), "Skipped", "{task}");
    }
    assert!(calls(&r, "provenance/sign", "cosign").is_empty());
    assert_eq!(r.status("sonar"), "Succeeded", "a no-op without a SonarQube server");
    assert!(calls(&r, "sonar", "sonar-scanner").is_empty());

    let mut args = base.to_vec();
    args.extend(["--event", "push", "--revision", "refs/heads/main"]);
    let r = run(root, &args, Some(&bin), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let by_digest = format!("registry.example.com/a/api@sha256:{HEX}");
    let build = one_call(&r, "build-image", "buildctl-daemonless.sh");
    assert!(build.contains(&format!("type=image,name=registry.example.com/a/api:main-{},push=true", &forge.main[..7])), "{build:?}");
    assert_eq!(
        build[build.len() - 2..],
        strings(&["--export-cache", "type=registry,ref=registry.example.com/a/api:buildcache,mode=max,ignore-error=true"]),
        "a push writes the layer cache"
    );
    assert_eq!(one_call(&r, "scan-image", "trivy").last(), Some(&by_digest));
    let keyless = [
        "--yes",
        "--fulcio-url=https://fulcio.sigstore.dev",
        "--rekor-url=https://rekor.sigstore.dev",
        "--identity-token=/var/run/sigstore/cosign/oidc-token",
    ];
    let mut sign = strings(&["sign"]);
    sign.extend(strings(&keyless));
    sign.push(by_digest.clone());
    assert_eq!(one_call(&r, "provenance/sign", "cosign"), sign);
    let attest = one_call(&r, "provenance/attest", "cosign");
    assert_eq!(attest[..6], strings(&["attest", "--yes", "--type", "spdxjson", "--predicate", "/workspace/sbom.spdx.json"]));
    assert_eq!(attest.last(), Some(&by_digest));
}
