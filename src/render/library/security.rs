//! The `scan` and `scan-image` templates: trivy scans of the source tree (vulnerabilities,
//! secrets, IaC misconfiguration) before the build, and of the pushed image after it. Both
//! fail on the stricter of the Platform's and the Pipeline's `failOn`.

use super::container::{MEDIUM, env, hardened_container, input, network_retry, noop, registry_credentials, step, workspace_mount};
use crate::argo::{Parameter, RetryStrategy, Template};
use crate::model::{Platform, Severity};
use crate::render::contract::{SOURCE_PATH, param, template};
use crate::render::scripts;
use k8s_openapi::api::core::v1::Container;

fn severity_name(s: Severity) -> String {
    format!("{s:?}").to_uppercase()
}

fn fail_on_input() -> Parameter {
    Parameter::with_default(
        param::FAIL_ON,
        "",
        "A stricter threshold than the platform's (UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL); empty keeps the platform's.",
    )
}

fn trivy(platform: &Platform, args: &[&str]) -> Container {
    let mut c = hardened_container(platform.images.scanner.as_str(), MEDIUM);
    c.command = Some(vec!["sh".into(), "-c".into(), scripts::SCAN.into(), "scan".into()]);
    c.args = Some(args.iter().map(|a| (*a).to_owned()).collect());
    c.env =
        Some(vec![env("HOME", "/tmp"), env("PLATFORM_FAIL_ON", &severity_name(platform.fail_on)), env("FAIL_ON", &input(param::FAIL_ON))]);
    c.volume_mounts = Some(vec![workspace_mount()]);
    c
}

/// trivy's exit code when it found what `failOn` forbids: a verdict, never worth a retry.
const FINDINGS: &str = "3";
/// trivy's vulnerability DB, in the run's own workspace: never on the pipeline's cache volume,
/// which pull-request code mounts read-write (a planted, "fresh" empty DB there would switch
/// the scans of later trusted runs off), and never shared between runs (trivy gives up after
/// five seconds on another process's lock).
const TRIVY_CACHE: &str = "/workspace/.cache/trivy";

/// Retries for a failed DB download or registry read (trivy exits 1), with the network steps'
/// backoff; findings (exit 3) fail at once.
fn retry() -> RetryStrategy {
    RetryStrategy { expression: Some(format!("lastRetry.exitCode != \"{FINDINGS}\"")), ..network_retry() }
}

pub(super) fn scan(platform: &Platform) -> Template {
    let mut c = trivy(
        platform,
        &[
            "filesystem",
            "--scanners",
            "vuln,secret,misconfig",
            "--exit-code",
            FINDINGS,
            "--no-progress",
            "--cache-dir",
            TRIVY_CACHE,
            "--skip-dirs",
            "node_modules",
            "--",
            &input(param::CONTEXT_DIR),
        ],
    );
    c.working_dir = Some(SOURCE_PATH.into());
    let mut t = step(
        template::SCAN,
        vec![Parameter::required(param::CONTEXT_DIR, "The project directory inside the repository."), fail_on_input()],
        c,
    );
    t.retry_strategy = Some(retry());
    t
}

fn scan_image_inputs() -> Vec<Parameter> {
    vec![
        Parameter::required(param::IMAGE, "The image repository."),
        Parameter::required(param::DIGEST, "The pushed image's digest."),
        fail_on_input(),
    ]
}

pub(super) fn scan_image(platform: &Platform) -> Template {
    if !platform.supply_chain.scan_image {
        return noop(template::SCAN_IMAGE, scan_image_inputs());
    }
    let reference = format!("{}@{}", input(param::IMAGE), input(param::DIGEST));
    let mut c = trivy(
        platform,
        &["image", "--scanners", "vuln,secret", "--exit-code", FINDINGS, "--no-progress", "--cache-dir", TRIVY_CACHE, "--", &reference],
    );
    let (volume, mount, docker_config) = registry_credentials(platform.registry_secret.as_str());
    c.volume_mounts.get_or_insert_default().push(mount);
    c.env.get_or_insert_default().push(docker_config);
    let mut t = step(template::SCAN_IMAGE, scan_image_inputs(), c);
    t.volumes = vec![volume];
    t.retry_strategy = Some(retry());
    t
}
