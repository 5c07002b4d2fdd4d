//! The `sonar` template: sends the project to the Platform's SonarQube server with a token
//! read from a Secret, and optionally waits for the quality gate. Without a server it is a no-op.
//! A static script adds the properties the pipeline's toolchain needs (`sonar.java.binaries`
//! for maven and gradle) and skips dotnet, which the CLI scanner cannot analyse.

use super::container::{MEDIUM, env, hardened_container, input, network_retry, noop, secret_env, step, workspace_mount};
use crate::argo::{Parameter, RetryStrategy, Template};
use crate::model::Platform;
use crate::render::contract::{SOURCE_PATH, param, template};
use crate::render::scripts;

fn inputs(platform: &Platform) -> Vec<Parameter> {
    vec![
        Parameter::required(param::CONTEXT_DIR, "The project directory inside the repository."),
        Parameter::required(param::PROJECT_KEY, "The SonarQube project key."),
        Parameter::with_default(param::STEP_IMAGE, platform.images.sonar.as_str(), "The scanner image."),
        Parameter::with_default(
            param::TOOLCHAIN,
            "generic",
            "The pipeline's toolchain: maven and gradle get `sonar.java.binaries`, dotnet is skipped.",
        ),
    ]
}

pub(super) fn sonar(platform: &Platform) -> Template {
    let Some(sonar) = &platform.sonar else {
        return noop(template::SONAR, inputs(platform));
    };
    let mut c = hardened_container(&input(param::STEP_IMAGE), MEDIUM);
    c.command = Some(vec!["sh".into(), "-c".into(), scripts::SONAR.into(), "sonar".into()]);
    c.args = Some(vec![
        format!("-Dsonar.projectKey={}", input(param::PROJECT_KEY)),
        format!("-Dsonar.projectBaseDir={SOURCE_PATH}/{}", input(param::CONTEXT_DIR)),
        "-Dsonar.working.directory=/tmp/scannerwork".into(),
        format!("-Dsonar.qualitygate.wait={}", sonar.wait_quality_gate),
        format!("-Dsonar.qualitygate.timeout={}", sonar.quality_gate_timeout_seconds),
    ]);
    c.env = Some(vec![
        env("SONAR_HOST_URL", sonar.host_url.as_str()),
        secret_env("SONAR_TOKEN", sonar.token.name.as_str(), &sonar.token.key),
        env("SONAR_USER_HOME", "/workspace/.cache/sonar"),
        env("HOME", "/tmp"),
        env("PW_TOOLCHAIN", &input(param::TOOLCHAIN)),
        env("PW_PROJECT_DIR", &format!("{SOURCE_PATH}/{}", input(param::CONTEXT_DIR))),
        // The clone runs as another user: let the scanner's git (blame) trust the checkout.
        env("GIT_CONFIG_COUNT", "1"),
        env("GIT_CONFIG_KEY_0", "safe.directory"),
        env("GIT_CONFIG_VALUE_0", SOURCE_PATH),
    ]);
    c.volume_mounts = Some(vec![workspace_mount()]);
    let mut t = step(template::SONAR, inputs(platform), c);
    // The scanner exits 3 when the analysis or the quality gate failed: a verdict, like 2.
    let retry = network_retry();
    t.retry_strategy = Some(RetryStrategy {
        expression: retry.expression.map(|e| format!("{e} && lastRetry.exitCode != \"{SCANNER_VERDICT}\"")),
        ..retry
    });
    t
}

/// SonarScanner's exit code when the analysis or the quality gate failed.
const SCANNER_VERDICT: &str = "3";
