//! The `webhook` template: posts the run's status and failures to a URL read from a Secret.

use super::container::{SMALL, env, hardened_container, input, network_retry, step};
use crate::argo::{Parameter, Template};
use crate::model::Platform;
use crate::render::contract::{param, template};
use crate::render::scripts;
use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, SecretKeySelector};

pub(super) fn webhook(platform: &Platform) -> Template {
    let mut c = hardened_container(platform.images.notifier.as_str(), SMALL);
    c.command = Some(vec!["python3".into(), "-c".into(), scripts::NOTIFY.into()]);
    c.env = Some(vec![
        EnvVar {
            name: "WEBHOOK_URL".into(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: input(param::WEBHOOK_SECRET),
                    key: input(param::WEBHOOK_KEY),
                    optional: None,
                }),
                ..Default::default()
            }),
        },
        env("STATUS", &input(param::STATUS)),
        env("FAILURES", &input(param::FAILURES)),
        env("PIPELINE", &input(param::PIPELINE)),
        env("WORKFLOW_NAME", "{{workflow.name}}"),
        env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}"),
        env("DURATION", "{{workflow.duration}}"),
    ]);
    let mut t = step(
        template::WEBHOOK,
        vec![
            Parameter::required(param::STATUS, "The workflow's status."),
            Parameter::with_default(param::FAILURES, "null", "The workflow's failures, as JSON."),
            Parameter::required(param::PIPELINE, "The pipeline's name."),
            Parameter::required(param::WEBHOOK_SECRET, "The Secret that holds the webhook URL."),
            Parameter::required(param::WEBHOOK_KEY, "The key of the URL in that Secret."),
        ],
        c,
    );
    t.retry_strategy = Some(network_retry());
    t
}


#[cfg(test)]
mod tests {
    use crate::render::scripts;

    #[test]
    fn scripts_hold_no_argo_expressions() {
        for s in [scripts::CLONE, scripts::BUILD, scripts::LAUNCHER, scripts::NOTIFY] {
            assert!(!s.contains("{{"), "{s}");
        }
    }
}
