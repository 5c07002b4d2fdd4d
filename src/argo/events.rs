//! A small, serialize-first subset of Argo Events' types: EventBus, EventSource and Sensor,
//! with only the fields pipewright sets (each present in Argo Events' own examples).

use super::Arguments;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// An Argo Events object: the same envelope for every kind.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Object<S> {
    /// `argoproj.io/v1alpha1`.
    pub api_version: &'static str,
    /// `EventBus`, `EventSource` or `Sensor`.
    pub kind: &'static str,
    /// Name, namespace, labels, annotations.
    pub metadata: ObjectMeta,
    /// The spec.
    pub spec: S,
}

/// A key of a Secret.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SecretKey {
    /// The Secret's name.
    pub name: String,
    /// The key.
    pub key: String,
}

/// An EventSource's spec: the Service that exposes it, and one provider map of named events.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct EventSourceSpec {
    /// The Service in front of the webhook.
    pub service: Service,
    /// GitHub events, by event name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github: Option<BTreeMap<String, Value>>,
    /// GitLab events, by event name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gitlab: Option<BTreeMap<String, Value>>,
    /// Generic webhook events, by event name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<BTreeMap<String, Value>>,
}

/// A Service's ports.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Service {
    /// The ports.
    pub ports: Vec<ServicePort>,
}

/// A Service port.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    /// The Service's port.
    pub port: i32,
    /// The pod's port.
    pub target_port: i32,
}

/// A webhook endpoint inside an event source.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Webhook {
    /// The HTTP path.
    pub endpoint: String,
    /// The port, as a string.
    pub port: String,
    /// The HTTP method.
    pub method: String,
    /// The public URL the provider calls (when the event source registers the hook).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The Secret key holding the token a request must send as `Authorization: Bearer <token>`
    /// (a generic webhook's only authentication).
    #[serde(rename = "authSecret", skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<SecretKey>,
}

/// A Sensor's spec.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SensorSpec {
    /// The sensor pod's settings.
    pub template: SensorTemplate,
    /// The events it waits for.
    pub dependencies: Vec<Dependency>,
    /// What it does when they arrive.
    pub triggers: Vec<Trigger>,
}

/// The sensor pod's settings.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SensorTemplate {
    /// The ServiceAccount it runs as.
    pub service_account_name: String,
}

/// One awaited event.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// Its name.
    pub name: String,
    /// The EventSource.
    pub event_source_name: String,
    /// The event inside it.
    pub event_name: String,
    /// The filters an event must pass.
    pub filters: Filters,
}

/// Event filters.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Filters {
    /// Filters on the payload; all must pass.
    pub data: Vec<DataFilter>,
}

/// A filter on one payload field.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DataFilter {
    /// The field's path (gjson syntax).
    pub path: String,
    /// `string` (values are regular expressions) or `bool`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The accepted values.
    pub value: Vec<String>,
}

/// A trigger, with its retry policy.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// What it does.
    pub template: TriggerTemplate,
    /// Retries when the submission fails.
    pub retry_strategy: TriggerRetry,
}

/// A trigger's retries.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TriggerRetry {
    /// How many attempts.
    pub steps: i32,
}

/// A trigger's template.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TriggerTemplate {
    /// Its name.
    pub name: String,
    /// The dependency expression that fires it.
    pub conditions: String,
    /// Submits an Argo Workflow.
    pub argo_workflow: ArgoWorkflowTrigger,
}

/// An `argoWorkflow` trigger.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArgoWorkflowTrigger {
    /// `submit`.
    pub operation: String,
    /// The Workflow to submit.
    pub source: Source,
    /// Values copied from the event into the Workflow.
    pub parameters: Vec<TriggerParameter>,
}

/// A trigger's resource.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Source {
    /// The Workflow.
    pub resource: SubmittedWorkflow,
}

/// The Workflow a Sensor submits: a reference and arguments only.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedWorkflow {
    /// `argoproj.io/v1alpha1`.
    pub api_version: &'static str,
    /// `Workflow`.
    pub kind: &'static str,
    /// `generateName` and labels.
    pub metadata: ObjectMeta,
    /// The WorkflowTemplate and the arguments.
    pub spec: SubmittedSpec,
}

/// The submitted Workflow's spec.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedSpec {
    /// The WorkflowTemplate to run.
    pub workflow_template_ref: super::WorkflowTemplateRef,
    /// Its arguments.
    pub arguments: Arguments,
}

/// A value copied from the event into the submitted Workflow.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TriggerParameter {
    /// Where the value comes from.
    pub src: ParameterSource,
    /// The Workflow field it goes to.
    pub dest: String,
}

/// The source of a trigger parameter: a payload field, or a Go template over the payload.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ParameterSource {
    /// The dependency whose event is read.
    pub dependency_name: String,
    /// A payload field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_key: Option<String>,
    /// A Go template over the payload (`.Input`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_template: Option<String>,
}
