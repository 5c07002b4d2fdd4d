//! Settings for static analysis, scans, the signed artifact and notifications, as users
//! write them: the Platform's switches and the few a Pipeline may set on top of them.

use super::SecretKey;
use super::platform::Severity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// SonarQube (or SonarCloud) static analysis. When absent, the library's `sonar` step does nothing.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SonarSettings {
    /// The server's base URL, `https://` (or `http://` inside the cluster).
    #[schemars(example = &"https://sonar.acme.io")]
    pub host_url: String,
    /// The Secret (in every pipeline namespace) and key that hold the analysis token.
    pub token: SecretKey,
    /// Whether the step waits for the quality gate and fails when it fails. Default: `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_quality_gate: Option<bool>,
    /// How long to wait for the quality gate, in seconds (1 to 3600). Default: `300`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_gate_timeout_seconds: Option<u32>,
}

/// Test reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReportSettings {
    /// Keep the JUnit XML files the test step writes to `$PW_REPORTS_DIR` as an (optional)
    /// output artifact. Needs an artifact repository in the cluster. Default: `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub junit: Option<bool>,
}

/// Image build settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BuildSettings {
    /// Import and export BuildKit's layer cache as `<image>:<cacheTag>` in the registry. Default: `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<bool>,
    /// The tag of the registry cache. Default: `buildcache`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_tag: Option<String>,
}

/// What happens to the image after it is pushed, keyed on its digest.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SupplyChainSettings {
    /// Generate an SPDX SBOM of the pushed image with syft. Default: `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom: Option<bool>,
    /// Sign the image with cosign. Default: keyless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<SigningSettings>,
    /// Attach the SBOM as a signed cosign attestation (needs `sbom` and signing on). Default: `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attest_sbom: Option<bool>,
}

/// How images are signed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SigningSettings {
    /// `keyless` (Fulcio certificate from the pipeline's ServiceAccount token), `key` (a cosign
    /// key pair from a Secret) or `off`. Default: `keyless`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<SigningMode>,
    /// With `mode: key`: the Secret (in every pipeline namespace) holding `cosign.key` and
    /// `cosign.password`, as `cosign generate-key-pair k8s://<ns>/<name>` writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_secret: Option<String>,
    /// With `mode: keyless`: the Fulcio URL. Default: the public `https://fulcio.sigstore.dev`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulcio_url: Option<String>,
    /// The Rekor transparency log URL. Default: the public `https://rekor.sigstore.dev`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rekor_url: Option<String>,
}

/// Signing modes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SigningMode {
    /// A short-lived Fulcio certificate for the pipeline's ServiceAccount (OIDC).
    Keyless,
    /// A long-lived cosign key pair read from a Secret.
    Key,
    /// No signature and no attestation.
    Off,
}

/// Notification settings shared by every pipeline.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NotifySettings {
    /// The Argo Server's external URL; notifications link to `<url>/workflows/<namespace>/<run>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"https://argo.acme.io")]
    pub argo_server_url: Option<String>,
}

/// A Pipeline's own scan settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PipelineScan {
    /// A stricter threshold than the Platform's `scan.failOn` (a looser one is an error, and is
    /// ignored at run time if it reaches the cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Severity>,
}

/// A Pipeline's SonarQube settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PipelineSonar {
    /// The SonarQube project key. Default: `<namespace>_<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_key: Option<String>,
}

/// A commit status posted back to the forge: pending when the run starts, then its outcome.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CommitStatus {
    /// `github` or `gitlab`.
    pub provider: Forge,
    /// The Secret and key holding an API token allowed to set commit statuses.
    pub token: SecretKey,
    /// The API base URL. Default: `https://api.github.com` for github.com, `https://<host>/api/v3`
    /// for GitHub Enterprise, `https://<host>/api/v4` for GitLab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
}

/// The forges that take commit statuses.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Forge {
    /// GitHub or GitHub Enterprise (`POST /repos/<owner>/<repo>/statuses/<sha>`).
    Github,
    /// GitLab (`POST /projects/<path>/statuses/<sha>`).
    Gitlab,
}
