//! What every library step shares: parameter references, environment, the workspace mount,
//! resource sizes, and the hardened container and pod security contexts.

use super::super::contract::{WORKSPACE_PATH, WORKSPACE_VOLUME};
use crate::argo::{self, Inputs, Parameter, RetryStrategy, Template};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, EnvVar, EnvVarSource, KeyToPath, PodSecurityContext, ResourceRequirements, SeccompProfile, SecretKeySelector,
    SecretVolumeSource, SecurityContext, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

pub(super) fn input(name: &str) -> String {
    format!("{{{{inputs.parameters.{name}}}}}")
}

pub(super) fn env(name: &str, value: &str) -> EnvVar {
    EnvVar { name: name.into(), value: Some(value.into()), value_from: None }
}

pub(super) fn workspace_mount() -> VolumeMount {
    VolumeMount { name: WORKSPACE_VOLUME.into(), mount_path: WORKSPACE_PATH.into(), ..Default::default() }
}

/// Resource requests and limits: (cpu request, memory request, cpu limit, memory limit).
pub(super) fn resources(r: (&str, &str, &str, &str)) -> ResourceRequirements {
    let q = |s: &str| Quantity(s.to_owned());
    ResourceRequirements {
        requests: Some(BTreeMap::from([("cpu".into(), q(r.0)), ("memory".into(), q(r.1))])),
        limits: Some(BTreeMap::from([("cpu".into(), q(r.2)), ("memory".into(), q(r.3))])),
        ..Default::default()
    }
}

pub(super) const SMALL: (&str, &str, &str, &str) = ("50m", "64Mi", "500m", "256Mi");
pub(super) const LARGE: (&str, &str, &str, &str) = ("500m", "1Gi", "2", "4Gi");
pub(super) const MEDIUM: (&str, &str, &str, &str) = ("250m", "512Mi", "1", "2Gi");

/// The user every non-builder step runs as.
pub(super) const NON_ROOT: i64 = 65532;

pub(super) fn hardened_container(image: &str, size: (&str, &str, &str, &str)) -> Container {
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

pub(super) fn non_root_pod() -> PodSecurityContext {
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

/// The exit code of the library's scripts when they refuse their input: never worth a retry.
const REFUSED: &str = "2";

/// Retries for steps that talk to the network (clone, push, notify). A failed fetch or push
/// exits non-zero, which `OnError` (pod-level errors only) would never retry, so the policy is
/// `Always`, except when the script refused its input (exit 2). Two retries, 15s then 30s
/// (`cap` bounds the wait). No `maxDuration`: Argo counts it from the first attempt's start,
/// skips a retry whose wait would end after it and kills the retry pod there, so a step that
/// fails after a long attempt would never be retried.
pub(super) fn network_retry() -> RetryStrategy {
    RetryStrategy {
        limit: "2".into(),
        retry_policy: "Always".into(),
        backoff: Some(argo::Backoff { duration: "15s".into(), factor: "2".into(), cap: "30s".into(), max_duration: None }),
        expression: Some(format!("lastRetry.exitCode != \"{REFUSED}\"")),
    }
}

pub(super) fn step(name: &str, inputs: Vec<Parameter>, container: Container) -> Template {
    Template {
        name: name.into(),
        inputs: Some(Inputs { parameters: inputs }),
        // No library step calls the Kubernetes API (the executor has its own token).
        automount_service_account_token: Some(false),
        security_context: Some(non_root_pod()),
        container: Some(container),
        ..Default::default()
    }
}

/// A template that does nothing and needs no pod: what a step the Platform switched off
/// becomes, so that every pipeline's `templateRef` still resolves.
pub(super) fn noop(name: &str, inputs: Vec<Parameter>) -> Template {
    Template {
        name: name.into(),
        inputs: Some(Inputs { parameters: inputs }),
        suspend: Some(argo::Suspend { duration: "0".into() }),
        ..Default::default()
    }
}

/// An environment variable read from a Secret's key.
pub(super) fn secret_env(name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector { name: secret.into(), key: key.into(), optional: None }),
            ..Default::default()
        }),
    }
}

/// Where registry credentials are mounted for the steps that read the pushed image.
pub(super) const DOCKER_CONFIG_DIR: &str = "/etc/pipewright/docker";

/// The push-credentials Secret as a `config.json` volume (optional: public registries need none),
/// its read-only mount and the `DOCKER_CONFIG` variable that points the tools at it.
pub(super) fn registry_credentials(secret: &str) -> (Volume, VolumeMount, EnvVar) {
    let volume = Volume {
        name: "registry-credentials".into(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.into()),
            items: Some(vec![KeyToPath { key: ".dockerconfigjson".into(), path: "config.json".into(), mode: None, user: None }]),
            optional: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mount = VolumeMount {
        name: "registry-credentials".into(),
        mount_path: DOCKER_CONFIG_DIR.into(),
        read_only: Some(true),
        ..Default::default()
    };
    (volume, mount, env("DOCKER_CONFIG", DOCKER_CONFIG_DIR))
}
