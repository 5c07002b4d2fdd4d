//! A small, hand-written, serialize-first subset of Argo Workflows' types (v3.6 to v4).
//! Kubernetes types (containers, volumes, claims) come from k8s-openapi.

pub mod events;

use k8s_openapi::api::core::v1::{Container, PersistentVolumeClaim, PodSecurityContext, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use std::collections::BTreeMap;

/// The apiVersion of every Argo Workflows object.
pub const API_VERSION: &str = "argoproj.io/v1alpha1";

/// A namespaced WorkflowTemplate or a ClusterWorkflowTemplate, told apart by `kind`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowTemplate {
    /// `argoproj.io/v1alpha1`.
    pub api_version: &'static str,
    /// `WorkflowTemplate` or `ClusterWorkflowTemplate`.
    pub kind: &'static str,
    /// Name, namespace, labels, annotations.
    pub metadata: ObjectMeta,
    /// The workflow spec.
    pub spec: WorkflowSpec,
}

/// The parts of a WorkflowSpec that pipewright sets.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSpec {
    /// The template a submitted workflow starts at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<String>,
    /// Workflow-level parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Arguments>,
    /// The ServiceAccount the workflow's pods run as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Whether pods get the ServiceAccount's token (the executor gets its own when false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// The ServiceAccount of the executor (the `wait` and `init` containers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executor: Option<Executor>,
    /// Seconds before the whole workflow is stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// When pods are deleted.
    #[serde(rename = "podGC", skip_serializing_if = "Option::is_none")]
    pub pod_gc: Option<PodGc>,
    /// When the finished workflow itself is deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_strategy: Option<TtlStrategy>,
    /// When the claims from `volumeClaimTemplates` are deleted.
    #[serde(rename = "volumeClaimGC", skip_serializing_if = "Option::is_none")]
    pub volume_claim_gc: Option<VolumeClaimGc>,
    /// Claims created per workflow and shared by its pods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    /// Volumes every template can mount.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// The template that runs when the workflow ends, whatever its outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_exit: Option<String>,
    /// Labels and annotations on the workflow's pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_metadata: Option<Metadata>,
    /// Labels and annotations on the submitted Workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_metadata: Option<Metadata>,
    /// Locks the whole run holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synchronization: Option<Synchronization>,
    /// The WorkflowTemplate a Workflow or CronWorkflow runs, instead of its own templates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_template_ref: Option<WorkflowTemplateRef>,
    /// The templates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<Template>,
}

/// Workflow-level locks (Argo ≥ 3.6 `mutexes`, plural).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Synchronization {
    /// Mutexes, each held by at most one run at a time.
    pub mutexes: Vec<Mutex>,
}

/// A mutex, named per namespace.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mutex {
    /// Its name; may use workflow parameters.
    pub name: String,
}

/// A reference to a namespaced WorkflowTemplate.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkflowTemplateRef {
    /// The WorkflowTemplate's name.
    pub name: String,
}

/// A CronWorkflow: runs a workflow spec on a schedule.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CronWorkflow {
    /// `argoproj.io/v1alpha1`.
    pub api_version: &'static str,
    /// `CronWorkflow`.
    pub kind: &'static str,
    /// Name, namespace, labels, annotations.
    pub metadata: ObjectMeta,
    /// The schedule and the workflow to run.
    pub spec: CronWorkflowSpec,
}

/// The parts of a CronWorkflowSpec that pipewright sets.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CronWorkflowSpec {
    /// Cron schedules (Argo v4 accepts only the plural form).
    pub schedules: Vec<String>,
    /// `Allow`, `Forbid` or `Replace`.
    pub concurrency_policy: String,
    /// How late a missed run may still start.
    pub starting_deadline_seconds: i64,
    /// Successful runs kept.
    pub successful_jobs_history_limit: i32,
    /// Failed runs kept.
    pub failed_jobs_history_limit: i32,
    /// The workflow each run submits.
    pub workflow_spec: WorkflowSpec,
}

/// The executor's settings.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Executor {
    /// The ServiceAccount whose token the executor uses.
    pub service_account_name: String,
}

/// Workflow or template arguments.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Arguments {
    /// Parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
}

/// A named string parameter.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Its value (for arguments and workflow parameters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Its default (for template inputs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Where an output parameter's value is read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ValueFrom>,
    /// What it means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Also publish an output as `workflow.outputs.parameters.<globalName>` (for exit handlers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_name: Option<String>,
}

impl Parameter {
    /// An argument with a value.
    pub fn value(name: &str, value: impl Into<String>) -> Self {
        Parameter { name: name.into(), value: Some(value.into()), ..Default::default() }
    }
    /// A required input.
    pub fn required(name: &str, description: &str) -> Self {
        Parameter { name: name.into(), description: Some(description.into()), ..Default::default() }
    }
    /// An input with a default.
    pub fn with_default(name: &str, default: impl Into<String>, description: &str) -> Self {
        Parameter { name: name.into(), default: Some(default.into()), description: Some(description.into()), ..Default::default() }
    }
    /// An output read from a file.
    pub fn from_path(name: &str, path: &str) -> Self {
        Parameter { name: name.into(), value_from: Some(ValueFrom { path: path.into() }), ..Default::default() }
    }
}

/// Where an output parameter comes from.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ValueFrom {
    /// A file in the main container.
    pub path: String,
}

/// Pod garbage collection.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PodGc {
    /// `OnPodCompletion`, `OnPodSuccess`, `OnWorkflowCompletion` or `OnWorkflowSuccess`.
    pub strategy: String,
    /// How long finished pods are kept, so their logs can be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_delay_duration: Option<String>,
}

/// Workflow time-to-live.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TtlStrategy {
    /// Seconds a successful workflow is kept.
    pub seconds_after_success: i64,
    /// Seconds a failed workflow is kept.
    pub seconds_after_failure: i64,
}

/// Volume-claim garbage collection.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VolumeClaimGc {
    /// `OnWorkflowCompletion` or `OnWorkflowSuccess`.
    pub strategy: String,
}

/// Labels and annotations.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Metadata {
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// One template.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// Its name.
    pub name: String,
    /// Its inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Inputs>,
    /// Its outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Outputs>,
    /// Labels and annotations on its pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Whether the pod gets a ServiceAccount token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    /// The pod's security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    /// Template-level volumes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    /// Seconds before this template's pod is stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// Retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategy>,
    /// A container to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<Container>,
    /// A DAG of tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dag: Option<Dag>,
    /// Sequential groups of parallel steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<Vec<Task>>>,
    /// A pause; with a zero duration, a no-op that needs no pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspend: Option<Suspend>,
}

/// A suspend template.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Suspend {
    /// How long to wait, such as `0` (resume at once).
    pub duration: String,
}

/// Template inputs.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Inputs {
    /// Parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
}

/// Template outputs.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Outputs {
    /// Parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    /// Artifacts, stored in the cluster's artifact repository.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<Artifact>,
}

/// An output artifact read from a path in the main container.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Artifact {
    /// Its name.
    pub name: String,
    /// The file or directory to keep.
    pub path: String,
    /// When true, a missing path is not an error.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

/// Retry settings.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RetryStrategy {
    /// How many retries (an IntOrString; written as a string, as Argo's schema types it).
    pub limit: String,
    /// `Always`, `OnFailure`, `OnError` or `OnTransientError`.
    pub retry_policy: String,
    /// Waits between retries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    /// An Argo expression that must also hold for a retry (over `lastRetry.exitCode`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

/// Exponential back-off.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Backoff {
    /// The first wait, such as `10s`.
    pub duration: String,
    /// The growth factor (an IntOrString).
    pub factor: String,
    /// The longest single wait: `duration × factor^n` is bounded by it.
    pub cap: String,
    /// A deadline counted from the start of the first attempt (Argo gives it to every retry
    /// pod as its execution deadline, and makes no retry whose wait ends after it): left out,
    /// so that only the step's and the workflow's own deadlines bound an attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<String>,
}

/// A DAG.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Dag {
    /// Its tasks.
    pub tasks: Vec<Task>,
}

/// A DAG task or a step.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Its name.
    pub name: String,
    /// A template in another (Cluster)WorkflowTemplate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_ref: Option<TemplateRef>,
    /// A template in this workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The tasks it waits for (DAG only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depends: Option<String>,
    /// A condition; the task is skipped when it is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Its arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Arguments>,
}

/// A reference to a template in a (Cluster)WorkflowTemplate.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRef {
    /// The (Cluster)WorkflowTemplate's name.
    pub name: String,
    /// The template's name inside it.
    pub template: String,
    /// True for a ClusterWorkflowTemplate.
    pub cluster_scope: bool,
}
