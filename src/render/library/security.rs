//! The `scan` template: a trivy filesystem scan for vulnerabilities, secrets and misconfiguration.

use super::container::{MEDIUM, env, hardened_container, input, step, workspace_mount};
use crate::argo::{Parameter, RetryStrategy, Template};
use crate::model::{Platform, Severity};
use crate::render::contract::{SOURCE_PATH, param, template};

fn severities(fail_on: Severity) -> String {
    [Severity::Unknown, Severity::Low, Severity::Medium, Severity::High, Severity::Critical]
        .into_iter()
        .filter(|s| *s >= fail_on)
        .map(|s| format!("{s:?}").to_uppercase())
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) fn scan(platform: &Platform) -> Template {
    let mut c = hardened_container(platform.images.scanner.as_str(), MEDIUM);
    c.command = Some(vec!["trivy".into()]);
    c.args = Some(
        [
            "filesystem", "--scanners", "vuln,secret,misconfig", "--exit-code", "1", "--no-progress",
            "--severity", &input(param::SEVERITY), "--cache-dir", "/workspace/.cache/trivy",
            "--skip-dirs", "node_modules", "--", &input(param::CONTEXT_DIR),
        ]
        .map(String::from)
        .to_vec(),
    );
    c.env = Some(vec![env("HOME", "/tmp")]);
    c.working_dir = Some(SOURCE_PATH.into());
    c.volume_mounts = Some(vec![workspace_mount()]);
    let mut t = step(
        template::SCAN,
        vec![
            Parameter::required(param::CONTEXT_DIR, "The project directory inside the repository."),
            Parameter::with_default(param::SEVERITY, severities(platform.fail_on), "The severities that fail the scan."),
        ],
        c,
    );
    t.retry_strategy = Some(RetryStrategy { limit: "2".into(), retry_policy: "OnError".into(), backoff: None });
    t
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_at_and_above() {
        assert_eq!(severities(Severity::High), "HIGH,CRITICAL");
        assert_eq!(severities(Severity::Unknown), "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL");
    }
}
