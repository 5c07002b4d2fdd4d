//! The `webhook`, `slack` and `commit-status` templates: report a run's status, duration,
//! failed step and Argo UI link, each from one static Python script that reads env only.

use super::container::{SMALL, env, hardened_container, input, network_retry, secret_env, step};
use crate::argo::{Parameter, Template};
use crate::model::Platform;
use crate::render::contract::{param, template};
use crate::render::scripts;
use k8s_openapi::api::core::v1::EnvVar;

fn secret_from_inputs(name: &str, secret: &str, key: &str) -> EnvVar {
    secret_env(name, &input(secret), &input(key))
}

fn notifier(
    platform: &Platform,
    name: &str,
    channel: &str,
    secret: EnvVar,
    mut extra_inputs: Vec<Parameter>,
    extra_env: Vec<EnvVar>,
) -> Template {
    let mut c = hardened_container(platform.images.notifier.as_str(), SMALL);
    c.command = Some(vec!["python3".into(), "-c".into(), scripts::NOTIFY.into()]);
    let mut vars = vec![
        env("PW_CHANNEL", channel),
        secret,
        env("STATUS", &input(param::STATUS)),
        env("FAILURES", &input(param::FAILURES)),
        env("PIPELINE", &input(param::PIPELINE)),
        env("WORKFLOW_NAME", "{{workflow.name}}"),
        env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}"),
        env("DURATION", "{{workflow.duration}}"),
        env("ARGO_SERVER_URL", platform.argo_server_url.as_ref().map_or("", |u| u.as_str())),
    ];
    vars.extend(extra_env);
    c.env = Some(vars);
    let mut inputs = vec![
        Parameter::required(param::STATUS, "The workflow's status."),
        Parameter::with_default(param::FAILURES, "null", "The workflow's failures, as JSON."),
        Parameter::required(param::PIPELINE, "The pipeline's name."),
    ];
    inputs.append(&mut extra_inputs);
    let mut t = step(name, inputs, c);
    t.retry_strategy = Some(network_retry());
    t
}

fn url_secret_inputs() -> Vec<Parameter> {
    vec![
        Parameter::required(param::WEBHOOK_SECRET, "The Secret that holds the webhook URL."),
        Parameter::required(param::WEBHOOK_KEY, "The key of the URL in that Secret."),
    ]
}

/// Posts a JSON summary to a generic webhook.
pub(super) fn webhook(platform: &Platform) -> Template {
    let secret = secret_from_inputs("TARGET_URL", param::WEBHOOK_SECRET, param::WEBHOOK_KEY);
    notifier(platform, template::WEBHOOK, "webhook", secret, url_secret_inputs(), Vec::new())
}

/// Posts a message to a Slack incoming webhook.
pub(super) fn slack(platform: &Platform) -> Template {
    let secret = secret_from_inputs("TARGET_URL", param::WEBHOOK_SECRET, param::WEBHOOK_KEY);
    notifier(platform, template::SLACK, "slack", secret, url_secret_inputs(), Vec::new())
}

/// Sets a commit status on GitHub or GitLab (`forge` picks the API).
pub(super) fn commit_status(platform: &Platform) -> Template {
    let secret = secret_from_inputs("FORGE_TOKEN", param::TOKEN_SECRET, param::TOKEN_KEY);
    let inputs = vec![
        Parameter::required(param::FORGE, "`github` or `gitlab`."),
        Parameter::required(param::API_URL, "The forge's API base URL."),
        Parameter::required(param::REPO_PATH, "The repository's path on the forge, such as acme/payments-api."),
        Parameter::required(param::COMMIT, "The commit to set the status on (empty skips)."),
        Parameter::required(param::TOKEN_SECRET, "The Secret that holds the API token."),
        Parameter::required(param::TOKEN_KEY, "The key of the token in that Secret."),
    ];
    let vars =
        vec![env("API_URL", &input(param::API_URL)), env("REPO_PATH", &input(param::REPO_PATH)), env("COMMIT", &input(param::COMMIT))];
    notifier(platform, template::COMMIT_STATUS, &input(param::FORGE), secret, inputs, vars)
}

#[cfg(test)]
mod tests {
    use crate::render::scripts;

    #[test]
    fn scripts_hold_no_argo_expressions() {
        for s in [scripts::CLONE, scripts::BUILD, scripts::LAUNCHER, scripts::NOTIFY, scripts::SCAN, scripts::SONAR] {
            assert!(!s.contains("{{"), "{s}");
        }
    }
}
