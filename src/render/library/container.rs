//! What every library step shares: parameter references, environment, the workspace mount,
//! resource sizes, and the hardened container and pod security contexts.

use super::super::contract::{WORKSPACE_PATH, WORKSPACE_VOLUME};
use crate::argo::{self, Inputs, Parameter, RetryStrategy, Template};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, EnvVar, PodSecurityContext, ResourceRequirements, SeccompProfile, SecurityContext, VolumeMount,
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

pub(super) fn network_retry() -> RetryStrategy {
    RetryStrategy {
        limit: "3".into(),
        retry_policy: "OnError".into(),
        backoff: Some(argo::Backoff { duration: "10s".into(), factor: "2".into(), max_duration: "2m".into() }),
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

