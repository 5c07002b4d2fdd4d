//! Pipeline to WorkflowTemplate: a DAG whose tasks call the library through `templateRef`.

use super::cache;
use super::contract::{Family, WORKSPACE_VOLUME, event, output, param, template};
use super::meta;
use super::pipeline_steps;
use crate::argo::{
    self, Arguments, Dag, Metadata, Mutex, Parameter, PodGc, Synchronization, Task, TemplateRef, TtlStrategy, VolumeClaimGc, WorkflowSpec,
};
use crate::krm::Object;
use crate::model::{GitAuth, LibraryVersion, Pipeline, Step, Toolchain};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, PersistentVolumeClaimSpec, VolumeResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The DAG template every pipeline starts at.
pub const ENTRYPOINT: &str = "pipeline";
/// The exit-handler template, present when `notify` is set.
pub const EXIT_HANDLER: &str = "notify";
/// One hour: the longest a run may take before Argo stops it.
pub const ACTIVE_DEADLINE_SECONDS: i64 = 3600;

pub(super) fn workflow_param(name: &str) -> String {
    format!("{{{{workflow.parameters.{name}}}}}")
}

pub(super) fn task_ref(
    library: &LibraryVersion,
    name: &str,
    family: Family,
    template: &str,
    depends: Option<String>,
    args: Vec<Parameter>,
) -> Task {
    Task {
        name: name.into(),
        template_ref: Some(TemplateRef { name: family.cluster_template_name(library), template: template.into(), cluster_scope: true }),
        depends,
        arguments: Some(Arguments { parameters: args }),
        ..Default::default()
    }
}

fn step_args(step: &Step) -> Vec<Parameter> {
    let mut args = vec![
        Parameter::value(param::CONTEXT_DIR, workflow_param(param::CONTEXT_DIR)),
        Parameter::value(param::EVENT, workflow_param(param::EVENT)),
    ];
    if let Step::Custom { command, image } = step {
        if let Some(c) = command {
            args.push(Parameter::value(param::COMMAND, c.as_lines()));
        }
        if let Some(i) = image {
            args.push(Parameter::value(param::STEP_IMAGE, i.as_str()));
        }
    }
    args
}

/// The clone task: the template that fits the repository's credentials, and its settings.
fn clone_task(p: &Pipeline) -> Task {
    let mut args = vec![
        Parameter::value(param::REPO_URL, workflow_param(param::REPO_URL)),
        Parameter::value(param::REVISION, workflow_param(param::REVISION)),
        Parameter::value(param::COMMIT, workflow_param(param::COMMIT)),
        Parameter::value(param::IMAGE_TAG, workflow_param(param::IMAGE_TAG)),
        Parameter::value(param::DEPTH, p.git.depth.to_string()),
        Parameter::value(param::SUBMODULES, p.git.submodules.to_string()),
        Parameter::value(param::EVENT, workflow_param(param::EVENT)),
    ];
    let template = match &p.git.auth {
        GitAuth::None => template::CLONE,
        GitAuth::Https { .. } => template::CLONE_HTTPS,
        GitAuth::Ssh(_) => template::CLONE_SSH,
    };
    if let GitAuth::Https { name: secret, .. } | GitAuth::Ssh(secret) = &p.git.auth {
        args.push(Parameter::value(param::GIT_SECRET, secret.as_str()));
    }
    if let GitAuth::Https { key, .. } = &p.git.auth
        && key != crate::model::DEFAULT_TOKEN_KEY
    {
        args.push(Parameter::value(param::GIT_TOKEN_KEY, key.as_str()));
    }
    task_ref(&p.library, "clone", Family::Git, template, None, args)
}

/// Toolchains whose lint and test both build into the checkout (`target/`, `build/`) and one
/// local repository: running them at the same time on the shared workspace gives flaky
/// failures, so their test waits for lint.
fn builds_into_checkout(toolchain: Toolchain) -> bool {
    matches!(toolchain, Toolchain::Maven | Toolchain::Gradle)
}

fn dag(p: &Pipeline) -> Dag {
    let task_ref = |name: &str, family: Family, template: &str, depends: Option<String>, args: Vec<Parameter>| {
        task_ref(&p.library, name, family, template, depends, args)
    };
    let mut tasks = vec![clone_task(p)];
    tasks.extend(pipeline_steps::commit_status_pending(p));
    let toolchain = Family::Toolchain(p.toolchain);
    let after_deps = if p.steps.deps.enabled() { "deps" } else { "clone" };
    if p.steps.deps.enabled() {
        tasks.push(task_ref("deps", toolchain, template::DEPS, Some("clone".into()), step_args(&p.steps.deps)));
    }
    let mut checks = Vec::new();
    for (name, tmpl, step) in [("lint", template::LINT, &p.steps.lint), ("test", template::TEST, &p.steps.test)] {
        if step.enabled() {
            let after = if name == "test" && p.steps.lint.enabled() && builds_into_checkout(p.toolchain) { "lint" } else { after_deps };
            tasks.push(task_ref(name, toolchain, tmpl, Some(after.into()), step_args(step)));
            checks.push(name);
        }
    }
    if p.steps.security_scan.enabled() {
        let args = pipeline_steps::security_scan_args(p);
        tasks.push(task_ref("security-scan", Family::Security, template::SCAN, Some(after_deps.into()), args));
        checks.push("security-scan");
    }
    let after_tests = if p.steps.test.enabled() { "test" } else { after_deps };
    if let Some(sonar) = pipeline_steps::sonar(p, after_tests) {
        tasks.push(sonar);
        checks.push("sonar");
    }
    if p.image.is_some() {
        let depends = if checks.is_empty() { after_deps.to_owned() } else { checks.join(" && ") };
        let mut args = vec![
            Parameter::value(param::CONTEXT_DIR, workflow_param(param::CONTEXT_DIR)),
            Parameter::value(param::IMAGE, workflow_param(param::IMAGE)),
            Parameter::value(param::IMAGE_TAG, format!("{{{{tasks.clone.outputs.parameters.{}}}}}", output::IMAGE_TAG)),
            Parameter::value(param::PUSH, format!("{{{{tasks.clone.outputs.parameters.{}}}}}", output::PUSH)),
        ];
        let b = &p.build;
        args.extend(b.dockerfile.as_ref().map(|d| Parameter::value(param::DOCKERFILE, d.as_str())));
        if !b.args.is_empty() {
            let lines: Vec<String> = b.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
            args.push(Parameter::value(param::BUILD_ARGS, lines.join("\n")));
        }
        args.extend(b.target.as_ref().map(|t| Parameter::value(param::TARGET, t.as_str())));
        tasks.push(task_ref("build-image", Family::Image, template::BUILD, Some(depends), args));
    }
    // The steps that read the pushed image by digest only run when the build pushed it
    // (pull requests and schedules build without pushing).
    let pushed = format!("{{{{tasks.clone.outputs.parameters.{}}}}} == true", output::PUSH);
    tasks.extend(pipeline_steps::after_build(p).into_iter().map(|t| Task { when: Some(pushed.clone()), ..t }));
    Dag { tasks }
}

fn workspace_claim(p: &Pipeline) -> PersistentVolumeClaim {
    let w = &p.workspace;
    PersistentVolumeClaim {
        metadata: ObjectMeta { name: Some(WORKSPACE_VOLUME.into()), ..Default::default() },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec![w.access_mode.as_str().into()]),
            storage_class_name: w.storage_class.as_ref().map(|c| c.to_string()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".into(), Quantity(w.size.to_string()))])),
                limits: None,
            }),
            ..Default::default()
        }),
        status: None,
    }
}

/// A revision as a mutex key: Argo splits lock names on `/`, so every other character becomes `.`.
fn concurrency_key(revision: &str) -> String {
    revision.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '.' }).collect()
}

/// One mutex per pipeline and branch (or tag, or pull request): runs of the same branch wait
/// for each other; different branches run side by side.
fn mutex(p: &Pipeline) -> Synchronization {
    Synchronization { mutexes: vec![Mutex { name: format!("pipewright.{}.{}", p.name(), workflow_param(param::CONCURRENCY_KEY)) }] }
}

/// The pipeline's WorkflowTemplate.
pub fn render(p: &Pipeline) -> Object {
    let name = p.name().as_str();
    let pipeline_label = [("pipewright.dev/pipeline", name)];
    let mut metadata = meta::object_meta(&p.origin, name, Some(p.namespace().as_str()), &pipeline_label);
    let annotations = metadata.annotations.get_or_insert_default();
    annotations.insert("pipewright.dev/library".into(), p.library.to_string());
    annotations.insert("workflows.argoproj.io/description".into(), format!("CI pipeline for {}", p.repo));
    let image = p.image.as_ref().map(|i| i.as_str().to_owned()).unwrap_or_default();
    let mut arguments = Arguments {
        parameters: vec![
            Parameter::value(param::REPO_URL, p.repo.as_str()),
            Parameter::value(param::REVISION, p.revision.as_str()),
            // The event's commit, which the Sensor sets; empty builds the tip of `revision`.
            Parameter::value(param::COMMIT, ""),
            Parameter::value(param::CONTEXT_DIR, p.context_dir.as_str()),
            Parameter::value(param::IMAGE, image),
            Parameter::value(param::IMAGE_TAG, ""),
            Parameter::value(param::EVENT, event::MANUAL),
            Parameter::value(param::CONCURRENCY_KEY, concurrency_key(p.revision.as_str())),
        ],
    };
    arguments.parameters.extend(cache::argument(p));
    let mut templates = vec![argo::Template { name: ENTRYPOINT.into(), dag: Some(dag(p)), ..Default::default() }];
    templates.extend(pipeline_steps::exit_handler(p, EXIT_HANDLER));
    let labels = BTreeMap::from([("pipewright.dev/pipeline".to_owned(), name.to_owned())]);
    let spec = WorkflowSpec {
        entrypoint: Some(ENTRYPOINT.into()),
        arguments: Some(arguments),
        service_account_name: Some(name.into()),
        automount_service_account_token: Some(false),
        executor: Some(argo::Executor { service_account_name: name.into() }),
        active_deadline_seconds: Some(ACTIVE_DEADLINE_SECONDS),
        pod_gc: Some(PodGc { strategy: "OnWorkflowSuccess".into(), delete_delay_duration: Some("1h".into()) }),
        ttl_strategy: Some(TtlStrategy { seconds_after_success: 2 * 86_400, seconds_after_failure: 7 * 86_400 }),
        volume_claim_gc: Some(VolumeClaimGc { strategy: "OnWorkflowCompletion".into() }),
        volume_claim_templates: vec![workspace_claim(p)],
        volumes: vec![cache::volume(p)],
        on_exit: p.notify.any().then(|| EXIT_HANDLER.into()),
        pod_metadata: Some(Metadata { labels: labels.clone(), annotations: BTreeMap::new() }),
        workflow_metadata: Some(Metadata { labels, annotations: BTreeMap::new() }),
        synchronization: Some(mutex(p)),
        templates,
        ..Default::default()
    };
    Object::from_serialize(&argo::WorkflowTemplate { api_version: argo::API_VERSION, kind: "WorkflowTemplate", metadata, spec })
}
