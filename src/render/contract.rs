//! The contract between the library (ClusterWorkflowTemplates) and the pipelines that call it:
//! template names and parameter names, defined once so the two sides cannot drift.

use crate::model::{LibraryVersion, Toolchain};

/// The volume that holds the cloned repository and caches, shared by every task of a run.
pub const WORKSPACE_VOLUME: &str = "workspace";
/// Where the workspace is mounted in every step.
pub const WORKSPACE_PATH: &str = "/workspace";
/// Where the repository is cloned inside the workspace.
pub const SOURCE_PATH: &str = "/workspace/src";
/// The dependency cache kept across runs: the pipeline's `<pipeline>-cache` claim, or an
/// `emptyDir` when its cache is off. Declared by the WorkflowTemplate, mounted by toolchain steps.
pub const CACHE_VOLUME: &str = "cache";
/// Where the cache volume is mounted.
pub const CACHE_PATH: &str = "/cache";
/// The volume that holds a private repository's credentials, declared by the clone template itself.
pub const GIT_CREDENTIALS_VOLUME: &str = "git-credentials";

/// Template input and workflow parameter names.
pub mod param {
    /// The repository URL.
    pub const REPO_URL: &str = "repo_url";
    /// The revision to check out.
    pub const REVISION: &str = "revision";
    /// The project directory inside the repository.
    pub const CONTEXT_DIR: &str = "context_dir";
    /// The image repository.
    pub const IMAGE: &str = "image";
    /// The image tag ("" lets the clone step compute `<revision>-<short sha>`).
    pub const IMAGE_TAG: &str = "image_tag";
    /// A step's command, one argument per line.
    pub const COMMAND: &str = "command";
    /// A step's container image.
    pub const STEP_IMAGE: &str = "step_image";
    /// A pipeline's stricter scan threshold ("" keeps the platform's).
    pub const FAIL_ON: &str = "fail_on";
    /// The pushed image's digest.
    pub const DIGEST: &str = "digest";
    /// The SonarQube project key.
    pub const PROJECT_KEY: &str = "project_key";
    /// The pipeline's toolchain (`maven`, `gradle`, …): picks the analysis properties it needs.
    pub const TOOLCHAIN: &str = "toolchain";
    /// The commit a run builds: the event's (set by the Sensor; empty for manual and scheduled
    /// runs, which build the tip of `revision`), and the checked-out one for commit statuses.
    pub const COMMIT: &str = "commit";
    /// `github` or `gitlab`.
    pub const FORGE: &str = "forge";
    /// The forge's API base URL.
    pub const API_URL: &str = "api_url";
    /// The repository's path on the forge.
    pub const REPO_PATH: &str = "repo_path";
    /// The Secret holding the forge token.
    pub const TOKEN_SECRET: &str = "token_secret";
    /// The key of the token in that Secret.
    pub const TOKEN_KEY: &str = "token_key";
    /// The workflow's status, for notifications.
    pub const STATUS: &str = "status";
    /// The workflow's failures (JSON), for notifications.
    pub const FAILURES: &str = "failures";
    /// The pipeline's name, for notifications.
    pub const PIPELINE: &str = "pipeline";
    /// How many commits of history to fetch (0: all).
    pub const DEPTH: &str = "depth";
    /// Whether to check out submodules (`true` or `false`).
    pub const SUBMODULES: &str = "submodules";
    /// The Secret with the clone's credentials.
    pub const GIT_SECRET: &str = "git_secret";
    /// The key of the HTTPS token in that Secret.
    pub const GIT_TOKEN_KEY: &str = "git_token_key";
    /// What started the run: `manual`, `push`, `tag`, `pull-request` or `schedule`. It picks the
    /// publishing rule (see the README's table).
    pub const EVENT: &str = "event";
    /// The branch, tag or pull request a run belongs to (no `/`): keys the run's mutex.
    pub const CONCURRENCY_KEY: &str = "concurrency_key";
    /// The dependency cache claim a run mounts: the pipeline's own, or for pull requests (set
    /// by the Sensor) one of their own, which trusted runs never mount.
    pub const CACHE_CLAIM: &str = "cache_claim";
    /// The Dockerfile, relative to the context directory.
    pub const DOCKERFILE: &str = "dockerfile";
    /// Build arguments, one `NAME=value` per line.
    pub const BUILD_ARGS: &str = "build_args";
    /// The Dockerfile stage to build ("" for the last).
    pub const TARGET: &str = "target";
    /// `true` to push the built image, `false` to build only.
    pub const PUSH: &str = "push";
    /// The Secret holding the webhook (or Slack webhook) URL.
    pub const WEBHOOK_SECRET: &str = "webhook_secret";
    /// The key of the webhook URL in that Secret.
    pub const WEBHOOK_KEY: &str = "webhook_key";
}

/// The library's ClusterWorkflowTemplates, each with the templates it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// `clone`.
    Git,
    /// `deps`, `lint`, `test` for one toolchain.
    Toolchain(Toolchain),
    /// `scan`.
    Security,
    /// `build`.
    Image,
    /// `webhook`, `slack`, `commit-status`.
    Notify,
    /// `sonar`.
    Analysis,
    /// `provenance` (and the `sbom`, `sign` and `attest` steps it runs).
    SupplyChain,
}

impl Family {
    /// Every family, in the order the library emits them.
    pub const ALL: [Family; 14] = [
        Family::Git,
        Family::Toolchain(Toolchain::ALL[0]),
        Family::Toolchain(Toolchain::ALL[1]),
        Family::Toolchain(Toolchain::ALL[2]),
        Family::Toolchain(Toolchain::ALL[3]),
        Family::Toolchain(Toolchain::ALL[4]),
        Family::Toolchain(Toolchain::ALL[5]),
        Family::Toolchain(Toolchain::ALL[6]),
        Family::Toolchain(Toolchain::ALL[7]),
        Family::Security,
        Family::Image,
        Family::Notify,
        Family::Analysis,
        Family::SupplyChain,
    ];

    fn suffix(self) -> &'static str {
        match self {
            Family::Git => "git",
            Family::Toolchain(t) => t.as_str(),
            Family::Security => "security",
            Family::Image => "image",
            Family::Notify => "notify",
            Family::Analysis => "analysis",
            Family::SupplyChain => "supply-chain",
        }
    }

    /// The ClusterWorkflowTemplate's name in one library version, so that versions sit side by side.
    pub fn cluster_template_name(self, version: &LibraryVersion) -> String {
        format!("pipewright-{version}-{}", self.suffix())
    }
}

/// Template names inside the families.
pub mod template {
    /// Clones a public repository.
    pub const CLONE: &str = "clone";
    /// Clones over HTTPS with a token from a Secret.
    pub const CLONE_HTTPS: &str = "clone-https";
    /// Clones over SSH with a key and host keys from a Secret.
    pub const CLONE_SSH: &str = "clone-ssh";
    /// Installs dependencies.
    pub const DEPS: &str = "deps";
    /// Lints.
    pub const LINT: &str = "lint";
    /// Tests.
    pub const TEST: &str = "test";
    /// Scans the source tree.
    pub const SCAN: &str = "scan";
    /// Builds and pushes the image.
    pub const BUILD: &str = "build";
    /// Posts to a webhook.
    pub const WEBHOOK: &str = "webhook";
    /// Posts to Slack.
    pub const SLACK: &str = "slack";
    /// Sets a commit status on the forge.
    pub const COMMIT_STATUS: &str = "commit-status";
    /// Scans the pushed image by digest.
    pub const SCAN_IMAGE: &str = "scan-image";
    /// Sends the code to SonarQube.
    pub const SONAR: &str = "sonar";
    /// Runs the steps the platform switched on after the build (SBOM, signature, attestation).
    pub const PROVENANCE: &str = "provenance";
    /// Generates the SBOM (inside `provenance`).
    pub const SBOM: &str = "sbom";
    /// Signs the image (inside `provenance`).
    pub const SIGN: &str = "sign";
    /// Attests the SBOM (inside `provenance`).
    pub const ATTEST: &str = "attest";
}

/// Output artifact names.
pub mod artifact {
    /// The test step's JUnit XML reports.
    pub const TEST_REPORTS: &str = "test-reports";
}

/// Where the test step's JUnit XML reports go (`$PW_REPORTS_DIR`).
pub const REPORTS_PATH: &str = "/workspace/reports/junit";
/// Where the SBOM is written, for the attestation to read.
pub const SBOM_PATH: &str = "/workspace/sbom.spdx.json";
/// The global output that carries the commit to the exit handler.
pub const GLOBAL_COMMIT: &str = "pipewright_commit";

/// Output parameter names.
pub mod output {
    /// The checked-out commit SHA.
    pub const COMMIT: &str = "commit";
    /// The image tag to publish.
    pub const IMAGE_TAG: &str = "image_tag";
    /// The pushed image's digest.
    pub const DIGEST: &str = "digest";
    /// Whether the build pushes (`true` or `false`).
    pub const PUSH: &str = "push";
}

/// The values of the `event` parameter.
pub mod event {
    /// Submitted by hand (the default): publishes `<branch>-<short sha>`.
    pub const MANUAL: &str = "manual";
    /// A branch push: publishes `<branch>-<short sha>`.
    pub const PUSH: &str = "push";
    /// A semver tag push: publishes `<version>`.
    pub const TAG: &str = "tag";
    /// A pull request: builds without pushing.
    pub const PULL_REQUEST: &str = "pull-request";
    /// A scheduled run: builds without pushing.
    pub const SCHEDULE: &str = "schedule";
}

/// The conventions that tie Sensors to the namespace's EventSource, which its Team emits.
pub mod events {
    /// The EventSource every Sensor in a namespace listens to.
    pub const EVENT_SOURCE: &str = "pipewright-git";
    /// The event name inside it.
    pub const EVENT_NAME: &str = "git";
    /// The EventBus (Argo Events' default name, so neither side needs to name it).
    pub const EVENT_BUS: &str = "default";
    /// The webhook path.
    pub const ENDPOINT: &str = "/git";
    /// The webhook port.
    pub const PORT: i32 = 12000;
}
