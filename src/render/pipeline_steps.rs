//! The pipeline tasks for static analysis, the pushed image and reporting: `sonar`,
//! `scan-image` and `provenance` after the build, the pending commit status at the start,
//! and the exit handler that reports the outcome on every channel the pipeline names.

use super::contract::{Family, GLOBAL_COMMIT, output, param, template};
use super::workflow_template::{task_ref, workflow_param};
use crate::argo::{self, Parameter, Task};
use crate::model::{CommitStatusTarget, Forge, Pipeline, Severity, Step};

fn task_output(task: &str, name: &str) -> String {
    format!("{{{{tasks.{task}.outputs.parameters.{name}}}}}")
}

fn fail_on(p: &Pipeline) -> Option<Parameter> {
    p.fail_on.map(|s: Severity| Parameter::value(param::FAIL_ON, format!("{s:?}").to_uppercase()))
}

/// Arguments of the `scan` step: the project and the pipeline's stricter threshold, if any.
pub fn security_scan_args(p: &Pipeline) -> Vec<Parameter> {
    let mut args = vec![Parameter::value(param::CONTEXT_DIR, workflow_param(param::CONTEXT_DIR))];
    args.extend(fail_on(p));
    args
}

/// The `sonar` task, unless the pipeline opted out. It runs after the tests (for coverage).
pub fn sonar(p: &Pipeline, depends: &str) -> Option<Task> {
    if !p.steps.sonar.enabled() {
        return None;
    }
    let mut args = vec![
        Parameter::value(param::CONTEXT_DIR, workflow_param(param::CONTEXT_DIR)),
        Parameter::value(param::PROJECT_KEY, p.sonar_project_key.as_str()),
        Parameter::value(param::TOOLCHAIN, p.toolchain.as_str()),
    ];
    if let Step::Custom { image: Some(i), .. } = &p.steps.sonar {
        args.push(Parameter::value(param::STEP_IMAGE, i.as_str()));
    }
    Some(task_ref(&p.library, "sonar", Family::Analysis, template::SONAR, Some(depends.into()), args))
}

/// `scan-image` after `build-image`, then `provenance` (SBOM, signature, attestation) once the
/// scan passed, both keyed on the digest the build recorded.
pub fn after_build(p: &Pipeline) -> Vec<Task> {
    if p.image.is_none() {
        return Vec::new();
    }
    let image = || Parameter::value(param::IMAGE, workflow_param(param::IMAGE));
    let digest = || Parameter::value(param::DIGEST, task_output("build-image", output::DIGEST));
    let mut scan_args = vec![image(), digest()];
    scan_args.extend(fail_on(p));
    vec![
        task_ref(&p.library, "scan-image", Family::Security, template::SCAN_IMAGE, Some("build-image".into()), scan_args),
        task_ref(&p.library, "provenance", Family::SupplyChain, template::PROVENANCE, Some("scan-image".into()), vec![image(), digest()]),
    ]
}

fn forge(target: &CommitStatusTarget) -> &'static str {
    match target.forge {
        Forge::Github => "github",
        Forge::Gitlab => "gitlab",
    }
}

fn commit_status(p: &Pipeline, name: &str, target: &CommitStatusTarget, status: &str, commit: String, depends: Option<String>) -> Task {
    task_ref(
        &p.library,
        name,
        Family::Notify,
        template::COMMIT_STATUS,
        depends,
        vec![
            Parameter::value(param::STATUS, status),
            Parameter::value(param::PIPELINE, p.name().as_str()),
            Parameter::value(param::FORGE, forge(target)),
            Parameter::value(param::API_URL, target.api_url.as_str()),
            Parameter::value(param::REPO_PATH, target.repo_path.as_str()),
            Parameter::value(param::COMMIT, commit),
            Parameter::value(param::TOKEN_SECRET, target.token.name.as_str()),
            Parameter::value(param::TOKEN_KEY, target.token.key.as_str()),
        ],
    )
}

/// The `pending` commit status, set as soon as the clone knows the commit.
pub fn commit_status_pending(p: &Pipeline) -> Option<Task> {
    let target = p.notify.commit_status.as_ref()?;
    Some(commit_status(p, "commit-status", target, "Running", task_output("clone", output::COMMIT), Some("clone".into())))
}

/// The exit handler: one parallel step per channel, each given the run's status and failures.
pub fn exit_handler(p: &Pipeline, name: &str) -> Option<argo::Template> {
    if !p.notify.any() {
        return None;
    }
    let run = |channel: &str, tmpl: &str, secret: &crate::model::SecretKeyRef| {
        task_ref(
            &p.library,
            channel,
            Family::Notify,
            tmpl,
            None,
            vec![
                Parameter::value(param::STATUS, "{{workflow.status}}"),
                Parameter::value(param::FAILURES, "{{workflow.failures}}"),
                Parameter::value(param::PIPELINE, p.name().as_str()),
                Parameter::value(param::WEBHOOK_SECRET, secret.name.as_str()),
                Parameter::value(param::WEBHOOK_KEY, secret.key.as_str()),
            ],
        )
    };
    let mut steps = Vec::new();
    steps.extend(p.notify.webhook.as_ref().map(|s| run("webhook", template::WEBHOOK, s)));
    steps.extend(p.notify.slack.as_ref().map(|s| run("slack", template::SLACK, s)));
    if let Some(target) = &p.notify.commit_status {
        // The clone publishes the commit globally; a run that failed before it has none, and
        // Argo (4.1 and later) gives the expression `nil`, so `??` falls back to "" (skip).
        let commit = format!("{{{{= workflow.outputs.parameters.{GLOBAL_COMMIT} ?? ''}}}}");
        steps.push(commit_status(p, "commit-status", target, "{{workflow.status}}", commit, None));
    }
    Some(argo::Template { name: name.into(), steps: Some(vec![steps]), ..Default::default() })
}
