//! The `Pipeline` kind: one project's CI pipeline, in about ten lines.

use super::SpecMeta;
use super::supply_chain::{CommitStatus, PipelineScan, PipelineSonar};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One project's CI pipeline. Expands into a WorkflowTemplate that calls the platform's
/// library, and the ServiceAccount, Role and RoleBinding it runs as.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(example = example_pipeline())]
pub struct Pipeline {
    /// Always `pipewright.dev/v1alpha1`.
    #[schemars(extend("const" = "pipewright.dev/v1alpha1"))]
    pub api_version: String,
    /// Always `Pipeline`.
    #[schemars(extend("const" = "Pipeline"))]
    pub kind: String,
    /// The name becomes the WorkflowTemplate's name; the namespace (default `argo`) is where it and its RBAC live.
    pub metadata: SpecMeta,
    /// What to build and how.
    pub spec: PipelineSpec,
}

fn example_pipeline() -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "pipewright.dev/v1alpha1",
        "kind": "Pipeline",
        "metadata": {"name": "payments-api", "namespace": "team-payments"},
        "spec": {
            "repo": "https://github.com/acme/payments-api.git",
            "toolchain": "node",
            "image": "registry.acme.io/payments/payments-api"
        }
    })
}

/// What a Pipeline builds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PipelineSpec {
    /// The git repository to clone: an `https://` URL, or `ssh://` / `git@host:path` for SSH.
    /// Credentials never go here; they belong in a Secret.
    #[schemars(example = &"https://github.com/acme/payments-api.git")]
    pub repo: String,
    /// The branch, tag or commit to build by default. Default: `main`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"main")]
    pub revision: Option<String>,
    /// The project's directory inside the repository, relative to its root. Default: `.`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"services/payments")]
    pub context_dir: Option<String>,
    /// The toolchain whose deps, lint and test steps the pipeline runs.
    pub toolchain: Toolchain,
    /// The image repository that gets published, without a tag (the tag is computed per run).
    /// Required unless `steps.build-image` is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"registry.acme.io/payments/payments-api")]
    pub image: Option<String>,
    /// How the image is built: the Dockerfile, build arguments and the target stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<ImageBuild>,
    /// Per-step overrides, keyed by task name. `false` switches a step off; for deps, lint and test an object replaces the command or image (sonar: the image only; security-scan and build-image: on or off only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Steps>,
    /// Where to report the result of every run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<Notify>,
    /// Scan settings: a stricter `failOn` than the Platform's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<PipelineScan>,
    /// SonarQube settings (the analysis runs when the Platform configures a server, unless `steps.sonar` is `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sonar: Option<PipelineSonar>,
    /// How the repository is cloned: credentials for a private repository, history depth, submodules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitSettings>,
    /// The dependency cache kept across runs. `false` switches it off; an object sizes its volume.
    /// Default: a 5Gi ReadWriteOnce PersistentVolumeClaim named `<pipeline>-cache`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheSetting>,
    /// The run's workspace: a PersistentVolumeClaim that every step of one run mounts (each step
    /// is its own pod), made from the WorkflowTemplate's `volumeClaimTemplates` and deleted when
    /// the run ends. Default: 2Gi, ReadWriteOnce, the cluster's default class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<ClaimSettings>,
    /// The library version the pipeline calls, such as `v1`: the Platform must emit it (`spec.versions`).
    /// Default: `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"v1")]
    pub library: Option<String>,
    /// What starts a run besides a manual submit: git pushes, tags, pull requests, a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Triggers>,
}

/// How the build-image step builds the image.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImageBuild {
    /// The Dockerfile, relative to `contextDir` (which stays the build context). Default: `Dockerfile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"docker/Dockerfile.prod")]
    pub dockerfile: Option<String>,
    /// Build arguments (the Dockerfile's `ARG`s), by name. Each value reaches BuildKit as data,
    /// one argument of its own, never through a shell. Not for secrets: build arguments stay
    /// in the image's history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = std::collections::BTreeMap::from([("NODE_ENV".to_owned(), "production".to_owned())]))]
    pub args: Option<std::collections::BTreeMap<String, String>>,
    /// The stage of a multi-stage Dockerfile to build. Default: the last stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"runtime")]
    pub target: Option<String>,
}

/// How the repository is cloned.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GitSettings {
    /// How many commits of history to fetch; `0` fetches the whole history. Default: `1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// Whether to check out submodules (recursively, at the same depth). Default: `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submodules: Option<bool>,
    /// HTTPS credentials: a `kubernetes.io/basic-auth` Secret in the pipeline's namespace whose
    /// `password` key holds the token and whose optional `username` key defaults to `x-access-token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<SecretRef>,
    /// SSH credentials: a Secret in the pipeline's namespace with the private key under
    /// `ssh-privatekey` (as in a `kubernetes.io/ssh-auth` Secret) and the server's host keys under
    /// `known_hosts`. Host keys are checked strictly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<SecretRef>,
}

/// A Secret in the pipeline's namespace, as Kubernetes writes a reference: `{name, key}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretRef {
    /// The Secret's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"git-credentials")]
    pub name: Option<String>,
    /// Deprecated: the old spelling of `name`. Still accepted, with a warning, until
    /// `pipewright.dev/v1beta1`, which will refuse it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// HTTPS only: the key that holds the token. Default: `password` (a
    /// `kubernetes.io/basic-auth` Secret). SSH reads `ssh-privatekey` and `known_hosts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The dependency cache switched on or off, or sized.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum CacheSetting {
    /// `true` keeps the default cache volume; `false` runs every step with a cold cache.
    Enabled(bool),
    /// The cache volume's settings.
    Volume(ClaimSettings),
}

/// A PersistentVolumeClaim's settings: the dependency cache's or the workspace's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClaimSettings {
    /// The claim's size, as a Kubernetes quantity. Default: `5Gi` for the cache, `2Gi` for the
    /// workspace (the checkout plus what the steps write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"10Gi")]
    pub size: Option<String>,
    /// The StorageClass of the claim. Default: the cluster's default class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// `ReadWriteOnce` (default) or `ReadWriteMany`, which lets pods on different nodes mount
    /// it at once: runs sharing the cache, or the steps of one run that go side by side (lint,
    /// test, security-scan) sharing the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_mode: Option<AccessMode>,
}

/// A PersistentVolumeClaim access mode.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub enum AccessMode {
    /// Mountable by the pods of one node at a time.
    ReadWriteOnce,
    /// Mountable by pods on many nodes.
    ReadWriteMany,
}

impl AccessMode {
    /// The mode as Kubernetes writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadWriteMany => "ReadWriteMany",
        }
    }
}

/// What starts a run. Git events arrive through the namespace's EventSource (see `Team.spec.events`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Triggers {
    /// Pushes to these branches run the pipeline and publish `image:<branch>-<short sha>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<PushTrigger>,
    /// Pushing a semver tag (`v1.2.3` or `1.2.3`) runs the pipeline and publishes `image:1.2.3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<bool>,
    /// Opening or updating a pull request runs the pipeline without publishing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_requests: Option<bool>,
    /// A cron schedule (five fields, or `@daily` and the like) that runs the default revision
    /// without publishing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"0 3 * * *")]
    pub schedule: Option<String>,
}

/// Branch pushes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PushTrigger {
    /// The branches; `*` matches within one path segment, as in `release/*`.
    #[schemars(example = vec!["main"])]
    pub branches: Vec<String>,
}

/// The toolchains the library knows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Toolchain {
    /// Node.js with npm: `npm ci`, `npm run lint`, `npm test`.
    Node,
    /// Python with pip in a virtualenv: `pip install`, `ruff check`, `pytest`.
    Python,
    /// Go modules: `go mod download`, `go vet`, `go test`.
    Go,
    /// Maven: `mvn dependency:go-offline`, `mvn verify -DskipTests`, `mvn test`.
    Maven,
    /// Gradle: `gradle testClasses`, `gradle check -x test`, `gradle test`.
    Gradle,
    /// Rust with cargo: `cargo fetch`, `cargo check --all-targets`, `cargo test`.
    Rust,
    /// .NET: `dotnet restore`, `dotnet format --verify-no-changes`, `dotnet test`.
    Dotnet,
    /// No preset: every deps, lint and test step that runs names its own `command` and `image`.
    Generic,
}

impl Toolchain {
    /// Every toolchain, in the order the library emits them.
    pub const ALL: [Toolchain; 8] = [
        Toolchain::Node,
        Toolchain::Python,
        Toolchain::Go,
        Toolchain::Maven,
        Toolchain::Gradle,
        Toolchain::Rust,
        Toolchain::Dotnet,
        Toolchain::Generic,
    ];

    /// The toolchain's name as written in `toolchain:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Toolchain::Node => "node",
            Toolchain::Python => "python",
            Toolchain::Go => "go",
            Toolchain::Maven => "maven",
            Toolchain::Gradle => "gradle",
            Toolchain::Rust => "rust",
            Toolchain::Dotnet => "dotnet",
            Toolchain::Generic => "generic",
        }
    }
}

/// Overrides for the default steps, keyed by DAG task name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    /// Installs dependencies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deps: Option<StepSetting>,
    /// Lints the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lint: Option<StepSetting>,
    /// Runs the tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<StepSetting>,
    /// Scans the source tree for vulnerabilities, secrets and misconfiguration.
    #[serde(default, rename = "security-scan", skip_serializing_if = "Option::is_none")]
    pub security_scan: Option<StepSetting>,
    /// Builds and publishes the image.
    #[serde(default, rename = "build-image", skip_serializing_if = "Option::is_none")]
    pub build_image: Option<StepSetting>,
    /// Sends the code to SonarQube. `false` opts this pipeline out; an object may replace its image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sonar: Option<StepSetting>,
}

/// A step switched on or off, or overridden.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum StepSetting {
    /// `true` keeps the default step, `false` removes it.
    Enabled(bool),
    /// Replaces the step's command or image.
    Override(StepOverride),
}

/// A step's replacement command or image.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StepOverride {
    /// The command and its arguments, as a list of strings. It runs without a shell, in the project's directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = vec!["npm", "test", "--", "--ci"])]
    pub command: Option<Vec<String>>,
    /// The container image to run the command in, instead of the platform's toolchain image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"node:22-bookworm-slim")]
    pub image: Option<String>,
}

/// Where run results are reported. Every channel is optional; set at least one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Notify {
    /// A webhook that receives a JSON summary of every run. Its URL is read from a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<SecretKey>,
    /// A Slack incoming webhook. Its URL is read from a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack: Option<SecretKey>,
    /// A commit status on GitHub or GitLab: pending at the start, then the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_status: Option<CommitStatus>,
}

/// A key of a Secret in the pipeline's namespace, as Kubernetes writes it: `{name, key}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretKey {
    /// The Secret's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"ci-webhook")]
    pub name: Option<String>,
    /// Deprecated: the old spelling of `name`. Still accepted, with a warning, until
    /// `pipewright.dev/v1beta1`, which will refuse it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// The key inside the Secret.
    #[schemars(example = &"url")]
    pub key: String,
}
