//! The `Platform` kind: the platform team's settings for the library of ClusterWorkflowTemplates.

use super::SpecMeta;
use super::supply_chain::{BuildSettings, NotifySettings, ReportSettings, SonarSettings, SupplyChainSettings};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The platform team's library of steps. Cluster-scoped: it has a name and no namespace.
/// Expands into versioned ClusterWorkflowTemplates that every Pipeline calls.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(example = example_platform())]
pub struct Platform {
    /// Always `pipewright.dev/v1alpha1`.
    #[schemars(extend("const" = "pipewright.dev/v1alpha1"))]
    pub api_version: String,
    /// Always `Platform`.
    #[schemars(extend("const" = "Platform"))]
    pub kind: String,
    /// The Platform's name. A Platform has no namespace.
    pub metadata: SpecMeta,
    /// Settings for the library. Every field has a default, so `spec: {}` is a complete Platform.
    #[serde(default)]
    pub spec: PlatformSpec,
}

fn example_platform() -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "pipewright.dev/v1alpha1",
        "kind": "Platform",
        "metadata": {"name": "platform"},
        "spec": {"registry": {"credentialsSecret": "registry-credentials"}, "scan": {"failOn": "HIGH"}}
    })
}

/// Library settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlatformSpec {
    /// The images the library's steps run. Each has a default, pinned by digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<PlatformImages>,
    /// The registry the build step pushes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistrySettings>,
    /// The security scan's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanSettings>,
    /// SonarQube static analysis. Default: off (the `sonar` step does nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sonar: Option<SonarSettings>,
    /// Test reports kept as artifacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<ReportSettings>,
    /// The image build's registry layer cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildSettings>,
    /// SBOM, signature and attestation of every pushed image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply_chain: Option<SupplyChainSettings>,
    /// Settings every pipeline's notifications share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<NotifySettings>,
    /// The library versions to install side by side, each a complete set of ClusterWorkflowTemplates
    /// named `pipewright-<version>-<family>`. Pipelines pin one with `spec.library`.
    /// Default: `[{version: v1}]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<LibraryRelease>>,
}

/// One installed library version.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LibraryRelease {
    /// The version's name: `v` and a number, such as `v2`.
    #[schemars(example = &"v2")]
    pub version: String,
    /// Images for this version only, over `spec.images` and the defaults: how a new version rolls
    /// out new tools while pipelines pinned to the old one keep theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<PlatformImages>,
}

/// Image overrides for the library's steps.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlatformImages {
    /// Runs the git clone. Needs `git` and `sh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<String>,
    /// Runs node steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Runs python steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    /// Runs go steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<String>,
    /// Runs maven steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maven: Option<String>,
    /// Runs gradle steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gradle: Option<String>,
    /// Runs rust steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust: Option<String>,
    /// Runs dotnet steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dotnet: Option<String>,
    /// Runs the security scan (trivy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanner: Option<String>,
    /// Builds and pushes images (BuildKit, rootless).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder: Option<String>,
    /// Posts notifications (needs `python3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifier: Option<String>,
    /// Runs the SonarQube scan (sonar-scanner-cli).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sonar: Option<String>,
    /// Generates SBOMs (syft).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom: Option<String>,
    /// Signs and attests images (cosign).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
}

/// Registry settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RegistrySettings {
    /// The `kubernetes.io/dockerconfigjson` Secret, present in every pipeline namespace, that
    /// holds the push credentials. Default: `registry-credentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"registry-credentials")]
    pub credentials_secret: Option<String>,
}

/// Security scan settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScanSettings {
    /// The lowest severity that fails the scan. Default: `HIGH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Severity>,
    /// Scan the pushed image (by digest) after the build. Default: `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<bool>,
}

/// Vulnerability severities, lowest first.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Unknown severity.
    Unknown,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}
