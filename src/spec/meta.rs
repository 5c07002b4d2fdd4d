//! The `metadata` block that pipewright kinds accept.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Object metadata. Only these fields are accepted; anything else is an error.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SpecMeta {
    /// The object's name: a DNS-1123 label of at most 63 characters.
    #[schemars(example = &"payments-api")]
    pub name: String,
    /// The namespace the generated objects live in (namespaced kinds only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"team-payments")]
    pub namespace: Option<String>,
    /// Labels, copied onto nothing: they describe the spec object itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations, such as the `config.kubernetes.io/function` annotation that runs pipewright as a generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}
