//! What users write: the `pipewright.dev/v1alpha1` kinds, as serde and schemars types.
//! Every field carries a doc comment, which becomes its description in `pipewright schema`.

mod meta;
mod pipeline;
mod platform;
mod supply_chain;
mod team;

pub use meta::SpecMeta;
pub use pipeline::{
    AccessMode, CacheSetting, ClaimSettings, GitSettings, ImageBuild, Notify, Pipeline, PipelineSpec, PushTrigger, SecretKey, SecretRef,
    StepOverride, StepSetting, Steps, Toolchain, Triggers,
};
pub use platform::{LibraryRelease, Platform, PlatformImages, PlatformSpec, RegistrySettings, ScanSettings, Severity};
pub use supply_chain::{
    BuildSettings, CommitStatus, Forge, NotifySettings, PipelineScan, PipelineSonar, ReportSettings, SigningMode, SigningSettings,
    SonarSettings, SupplyChainSettings,
};
pub use team::{Access, GithubEvents, GitlabEvents, SecretNameKey, Team, TeamEvents, TeamSpec, WebhookEvents};

/// The API group of every pipewright kind.
pub const GROUP: &str = "pipewright.dev";
/// The apiVersion of every pipewright kind.
pub const API_VERSION: &str = "pipewright.dev/v1alpha1";

/// The kinds pipewright expands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The platform team's library of ClusterWorkflowTemplates.
    Platform,
    /// One project's CI pipeline.
    Pipeline,
    /// A team's SSO access to its namespace, and the namespace's webhook receiver.
    Team,
}

impl Kind {
    /// Every kind, in the order `pipewright schema` lists them.
    pub const ALL: [Kind; 3] = [Kind::Pipeline, Kind::Platform, Kind::Team];

    /// The kind's name as written in `kind:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Platform => "Platform",
            Kind::Pipeline => "Pipeline",
            Kind::Team => "Team",
        }
    }

    /// Parses a `kind:` value (exact match).
    pub fn parse(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// The JSON Schema of the kind, generated from its Rust type.
    pub fn schema(self) -> serde_json::Value {
        let schema = match self {
            Kind::Platform => schemars::schema_for!(Platform),
            Kind::Pipeline => schemars::schema_for!(Pipeline),
            Kind::Team => schemars::schema_for!(Team),
        };
        schema.to_value()
    }
}
