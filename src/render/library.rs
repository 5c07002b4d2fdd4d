//! Platform to library: the versioned ClusterWorkflowTemplates that every Pipeline calls.

use super::contract::{Family, SOURCE_PATH, WORKSPACE_PATH, WORKSPACE_VOLUME, output, param, template};
use super::{meta, presets, scripts};
use crate::argo::{self, Inputs, Outputs, Parameter, RetryStrategy, Template, WorkflowSpec};
use crate::krm::Object;
use crate::model::{LIBRARY_VERSION, Platform, Severity, Toolchain};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, EnvVar, EnvVarSource, KeyToPath, PodSecurityContext, ResourceRequirements, SeccompProfile,
    SecretKeySelector, SecretVolumeSource, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// Every ClusterWorkflowTemplate of the library.
pub fn render(platform: &Platform) -> Vec<Object> {
    Family::ALL
        .into_iter()
        .map(|family| {
            let templates = match family {
                Family::Git => vec![clone(platform)],
                Family::Toolchain(t) => toolchain(platform, t),
                Family::Security => vec![scan(platform)],
                Family::Image => vec![build(platform)],
                Family::Notify => vec![notify(platform)],
            };
            let name = family.cluster_template_name();
            let mut metadata = meta::object_meta(&platform.origin, &name, None, &[("pipewright.dev/library", LIBRARY_VERSION)]);
            metadata.annotations.get_or_insert_default().insert(
                "workflows.argoproj.io/description".into(),
                format!("pipewright library {LIBRARY_VERSION}: {}", describe(family)),
            );
            Object::from_serialize(&argo::WorkflowTemplate {
                api_version: argo::API_VERSION,
                kind: "ClusterWorkflowTemplate",
                metadata,
                spec: WorkflowSpec { templates, ..Default::default() },
            })
        })
        .collect()
}

fn describe(family: Family) -> String {
    match family {
        Family::Git => "clones the repository into the shared workspace".into(),
        Family::Toolchain(t) => format!("deps, lint and test for {}", format!("{t:?}").to_lowercase()),
        Family::Security => "scans the source tree for vulnerabilities, secrets and misconfiguration".into(),
        Family::Image => "builds and pushes the image with rootless BuildKit".into(),
        Family::Notify => "posts the run's status to a webhook".into(),
    }
}

fn input(name: &str) -> String {
    format!("{{{{inputs.parameters.{name}}}}}")
}

fn env(name: &str, value: &str) -> EnvVar {
    EnvVar { name: name.into(), value: Some(value.into()), value_from: None }
}

fn workspace_mount() -> VolumeMount {
    VolumeMount { name: WORKSPACE_VOLUME.into(), mount_path: WORKSPACE_PATH.into(), ..Default::default() }
}

/// Resource requests and limits: (cpu request, memory request, cpu limit, memory limit).
fn resources(r: (&str, &str, &str, &str)) -> ResourceRequirements {
    let q = |s: &str| Quantity(s.to_owned());
    ResourceRequirements {
        requests: Some(BTreeMap::from([("cpu".into(), q(r.0)), ("memory".into(), q(r.1))])),
        limits: Some(BTreeMap::from([("cpu".into(), q(r.2)), ("memory".into(), q(r.3))])),
        ..Default::default()
    }
}

const SMALL: (&str, &str, &str, &str) = ("50m", "64Mi", "500m", "256Mi");
const LARGE: (&str, &str, &str, &str) = ("500m", "1Gi", "2", "4Gi");
const MEDIUM: (&str, &str, &str, &str) = ("250m", "512Mi", "1", "2Gi");

/// The user every non-builder step runs as.
const NON_ROOT: i64 = 65532;

fn hardened_container(image: &str, size: (&str, &str, &str, &str)) -> Container {
    Container {
        name: "main".into(),
        image: Some(image.into()),
        resources: Some(resources(size)),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), add: None }),
            run_as_non_root: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn non_root_pod() -> PodSecurityContext {
    PodSecurityContext {
        run_as_non_root: Some(true),
        run_as_user: Some(NON_ROOT),
        run_as_group: Some(NON_ROOT),
        fs_group: Some(NON_ROOT),
        fs_group_change_policy: Some("OnRootMismatch".into()),
        seccomp_profile: Some(SeccompProfile { type_: "RuntimeDefault".into(), localhost_profile: None }),
        ..Default::default()
    }
}

fn network_retry() -> RetryStrategy {
    RetryStrategy {
        limit: "3".into(),
        retry_policy: "OnError".into(),
        backoff: Some(argo::Backoff { duration: "10s".into(), factor: "2".into(), max_duration: "2m".into() }),
    }
}

fn step(name: &str, inputs: Vec<Parameter>, container: Container) -> Template {
    Template {
        name: name.into(),
        inputs: Some(Inputs { parameters: inputs }),
        security_context: Some(non_root_pod()),
        container: Some(container),
        ..Default::default()
    }
}

fn clone(platform: &Platform) -> Template {
    let mut c = hardened_container(platform.images.git.as_str(), SMALL);
    c.command = Some(vec!["sh".into(), "-c".into(), scripts::CLONE.into()]);
    c.env = Some(vec![
        env("REPO_URL", &input(param::REPO_URL)),
        env("REVISION", &input(param::REVISION)),
        env("IMAGE_TAG", &input(param::IMAGE_TAG)),
        env("PW_SOURCE", SOURCE_PATH),
        env("HOME", "/tmp"),
        env("GIT_ALLOW_PROTOCOL", "https:http:ssh"),
        env("GIT_TERMINAL_PROMPT", "0"),
    ]);
    c.volume_mounts = Some(vec![workspace_mount()]);
    let mut t = step(
        template::CLONE,
        vec![
            Parameter::required(param::REPO_URL, "The git repository to clone."),
            Parameter::required(param::REVISION, "The branch, tag or commit to check out."),
            Parameter::with_default(param::IMAGE_TAG, "", "The image tag to publish; empty computes <revision>-<short sha>."),
        ],
        c,
    );
    t.outputs = Some(Outputs {
        parameters: vec![
            Parameter::from_path(output::COMMIT, "/tmp/pipewright/commit"),
            Parameter::from_path(output::IMAGE_TAG, "/tmp/pipewright/image_tag"),
        ],
    });
    t.retry_strategy = Some(network_retry());
    t
}

fn toolchain(platform: &Platform, toolchain: Toolchain) -> Vec<Template> {
    let preset = presets::preset(toolchain);
    let image = platform.images.toolchain(toolchain).as_str();
    [(template::DEPS, preset.deps), (template::LINT, preset.lint), (template::TEST, preset.test)]
        .into_iter()
        .map(|(name, command)| {
            let mut c = hardened_container(&input(param::STEP_IMAGE), LARGE);
            c.command = Some(vec!["sh".into(), "-c".into(), scripts::LAUNCHER.into()]);
            let mut vars = vec![
                env("PW_COMMAND", &input(param::COMMAND)),
                env("PW_CONTEXT_DIR", &input(param::CONTEXT_DIR)),
                env("HOME", "/tmp"),
            ];
            vars.extend(preset.env.iter().map(|(k, v)| env(k, v)));
            c.env = Some(vars);
            c.working_dir = Some(SOURCE_PATH.into());
            c.volume_mounts = Some(vec![workspace_mount()]);
            step(
                name,
                vec![
                    Parameter::required(param::CONTEXT_DIR, "The project directory inside the repository."),
                    Parameter::with_default(param::COMMAND, command.join("\n"), "The command, one argument per line."),
                    Parameter::with_default(param::STEP_IMAGE, image, "The container image to run it in."),
                ],
                c,
            )
        })
        .collect()
}

fn severities(fail_on: Severity) -> String {
    [Severity::Unknown, Severity::Low, Severity::Medium, Severity::High, Severity::Critical]
        .into_iter()
        .filter(|s| *s >= fail_on)
        .map(|s| format!("{s:?}").to_uppercase())
        .collect::<Vec<_>>()
        .join(",")
}

fn scan(platform: &Platform) -> Template {
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

fn build(platform: &Platform) -> Template {
    const BUILDER_USER: i64 = 1000;
    let mut c = hardened_container(platform.images.builder.as_str(), LARGE);
    c.command = Some(vec!["sh".into(), "-c".into(), scripts::BUILD.into()]);
    c.env = Some(vec![
        env("IMAGE", &input(param::IMAGE)),
        env("IMAGE_TAG", &input(param::IMAGE_TAG)),
        env("PW_CONTEXT", &format!("{SOURCE_PATH}/{}", input(param::CONTEXT_DIR))),
        env("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"),
        env("DOCKER_CONFIG", "/home/user/.docker"),
    ]);
    // Rootless BuildKit needs its user namespace helpers (setuid newuidmap) and an
    // unconfined seccomp profile: the one documented exception to the hardening rules.
    c.security_context = Some(SecurityContext {
        allow_privilege_escalation: Some(true),
        run_as_non_root: Some(true),
        run_as_user: Some(BUILDER_USER),
        run_as_group: Some(BUILDER_USER),
        seccomp_profile: Some(SeccompProfile { type_: "Unconfined".into(), localhost_profile: None }),
        app_armor_profile: Some(k8s_openapi::api::core::v1::AppArmorProfile { type_: "Unconfined".into(), localhost_profile: None }),
        ..Default::default()
    });
    c.volume_mounts = Some(vec![
        workspace_mount(),
        VolumeMount { name: "registry-credentials".into(), mount_path: "/home/user/.docker".into(), read_only: Some(true), ..Default::default() },
        VolumeMount { name: "buildkit-state".into(), mount_path: "/home/user/.local/share/buildkit".into(), ..Default::default() },
    ]);
    let mut t = step(
        template::BUILD,
        vec![
            Parameter::required(param::CONTEXT_DIR, "The directory holding the Dockerfile, inside the repository."),
            Parameter::required(param::IMAGE, "The image repository to push to."),
            Parameter::required(param::IMAGE_TAG, "The tag to push."),
        ],
        c,
    );
    t.security_context = Some(PodSecurityContext { run_as_non_root: Some(true), ..Default::default() });
    t.volumes = vec![
        Volume {
            name: "registry-credentials".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(platform.registry_secret.as_str().into()),
                items: Some(vec![KeyToPath { key: ".dockerconfigjson".into(), path: "config.json".into(), mode: None, user: None }]),
                optional: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        },
        Volume { name: "buildkit-state".into(), empty_dir: Some(Default::default()), ..Default::default() },
    ];
    t.outputs = Some(Outputs { parameters: vec![Parameter::from_path(output::DIGEST, "/tmp/pipewright/digest")] });
    t.retry_strategy = Some(network_retry());
    t
}

fn notify(platform: &Platform) -> Template {
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
    use super::*;

    #[test]
    fn severities_at_and_above() {
        assert_eq!(severities(Severity::High), "HIGH,CRITICAL");
        assert_eq!(severities(Severity::Unknown), "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL");
    }

    #[test]
    fn scripts_hold_no_argo_expressions() {
        for s in [scripts::CLONE, scripts::BUILD, scripts::LAUNCHER, scripts::NOTIFY] {
            assert!(!s.contains("{{"), "{s}");
        }
        
    }
}
