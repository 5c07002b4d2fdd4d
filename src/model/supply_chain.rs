//! Validated settings for static analysis, scans, the signed artifact and notifications.

use super::{HttpUrl, Name, SecretKeyRef};
pub use crate::spec::Forge;

/// SonarQube analysis, as the Platform configures it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sonar {
    /// The server's base URL.
    pub host_url: HttpUrl,
    /// The analysis token.
    pub token: SecretKeyRef,
    /// Whether the step waits for the quality gate.
    pub wait_quality_gate: bool,
    /// How long it waits, in seconds.
    pub quality_gate_timeout_seconds: u32,
}

/// How pushed images are signed.
#[derive(Debug, Clone, PartialEq)]
pub enum Signing {
    /// Fulcio certificate from the pipeline ServiceAccount's projected OIDC token.
    Keyless {
        /// The Fulcio URL.
        fulcio_url: HttpUrl,
        /// The Rekor URL.
        rekor_url: HttpUrl,
    },
    /// A cosign key pair from a Secret (`cosign.key`, `cosign.password`).
    Key {
        /// The Secret's name.
        secret: Name,
        /// The Rekor URL.
        rekor_url: HttpUrl,
    },
    /// No signature.
    Off,
}

/// What happens to a pushed image, keyed on its digest.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyChain {
    /// Scan the pushed image.
    pub scan_image: bool,
    /// Generate an SBOM.
    pub sbom: bool,
    /// Sign the image.
    pub signing: Signing,
    /// Attest the SBOM (only when `sbom` and signing are on).
    pub attest_sbom: bool,
}

impl SupplyChain {
    /// Whether any step runs after the build besides the image scan.
    pub fn any_provenance(&self) -> bool {
        self.sbom || self.signing != Signing::Off
    }
}

/// Where a Pipeline reports its runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Notify {
    /// A generic JSON webhook.
    pub webhook: Option<SecretKeyRef>,
    /// A Slack incoming webhook.
    pub slack: Option<SecretKeyRef>,
    /// A commit status on the forge.
    pub commit_status: Option<CommitStatusTarget>,
}

impl Notify {
    /// Whether any channel posts at the end of a run.
    pub fn any(&self) -> bool {
        self.webhook.is_some() || self.slack.is_some() || self.commit_status.is_some()
    }
}

/// Where commit statuses go.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitStatusTarget {
    /// GitHub or GitLab.
    pub forge: Forge,
    /// The API token.
    pub token: SecretKeyRef,
    /// The API base URL.
    pub api_url: HttpUrl,
    /// The repository's path on the forge, such as `acme/payments-api`.
    pub repo_path: String,
}
