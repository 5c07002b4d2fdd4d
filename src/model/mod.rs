//! Validated domain types. Required things are not `Option`; names are newtypes that
//! can only be built by the validator, so `render` needs no error paths.

mod supply_chain;
mod team;
mod triggers;
mod values;

pub use crate::spec::{AccessMode, Severity, Toolchain};
pub use supply_chain::{CommitStatusTarget, Forge, Notify, Signing, Sonar, SupplyChain};
pub use team::{Access, Events, GithubSenders, Team};
pub use triggers::Triggers;
pub use values::{
    BranchPattern, Command, ContextDir, CronSchedule, GitRef, GitUrl, GroupName, HttpUrl, ImageRef, ImageRepo, LibraryVersion, Name,
    OrgName, RepoPath, SecretKeyRef, StorageSize,
};

/// The library version a Platform emits and a Pipeline calls when they name none.
pub const LIBRARY_VERSION: &str = "v1";

/// Identifies the spec object a generated object came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// `Pipeline`, `Platform` or `Team`.
    pub kind: &'static str,
    /// The namespace, for namespaced kinds.
    pub namespace: Option<Name>,
    /// The name.
    pub name: Name,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// One valid spec object.
// A handful of specs per run and never copied in a hot path: boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    /// A valid Platform.
    Platform(Platform),
    /// A valid Pipeline.
    Pipeline(Pipeline),
    /// A valid Team.
    Team(Team),
}

impl Spec {
    /// Where the spec came from.
    pub fn origin(&self) -> &Origin {
        match self {
            Spec::Platform(p) => &p.origin,
            Spec::Pipeline(p) => &p.origin,
            Spec::Team(t) => &t.origin,
        }
    }
}

/// A valid Pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Where it came from; its name and namespace are those of the generated objects.
    pub origin: Origin,
    /// The repository to clone.
    pub repo: GitUrl,
    /// The default revision.
    pub revision: GitRef,
    /// The project directory inside the repository.
    pub context_dir: ContextDir,
    /// The toolchain.
    pub toolchain: Toolchain,
    /// The repository to publish to; `None` when the build step is off.
    pub image: Option<ImageRepo>,
    /// How the image is built.
    pub build: ImageBuild,
    /// The steps that run, with their overrides.
    pub steps: StepPlan,
    /// Where to report results.
    pub notify: Notify,
    /// A stricter scan threshold than the Platform's, if the pipeline sets one.
    pub fail_on: Option<Severity>,
    /// The SonarQube project key.
    pub sonar_project_key: String,
    /// How the repository is cloned.
    pub git: GitCheckout,
    /// The dependency cache.
    pub cache: Cache,
    /// The run's workspace volume.
    pub workspace: ClaimSettings,
    /// The library version the pipeline calls.
    pub library: LibraryVersion,
    /// What starts its runs.
    pub triggers: Triggers,
}

/// How the image is built; every field unset keeps BuildKit's defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImageBuild {
    /// The Dockerfile, a normalized path relative to the context directory.
    pub dockerfile: Option<String>,
    /// Build arguments, sorted by name: names are `[A-Za-z_][A-Za-z0-9_]*`, values single-line.
    pub args: Vec<(String, String)>,
    /// The stage to build.
    pub target: Option<String>,
}

/// How the repository is cloned.
#[derive(Debug, Clone, PartialEq)]
pub struct GitCheckout {
    /// The credentials, if the repository is private.
    pub auth: GitAuth,
    /// Commits of history to fetch; 0 for all.
    pub depth: u32,
    /// Whether submodules are checked out.
    pub submodules: bool,
}

/// The key of an HTTPS token in its Secret when a Pipeline names none (a basic-auth Secret's).
pub const DEFAULT_TOKEN_KEY: &str = "password";

/// Credentials for the clone, each a Secret in the pipeline's namespace.
#[derive(Debug, Clone, PartialEq)]
pub enum GitAuth {
    /// A public repository.
    None,
    /// A token over HTTPS (under `key`, `password` by default; optional `username`).
    Https {
        /// The Secret.
        name: Name,
        /// The key of the token.
        key: String,
    },
    /// An SSH key (`ssh-privatekey`) and host keys (`known_hosts`).
    Ssh(Name),
}

/// The dependency cache across runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Cache {
    /// No cache kept: each step starts cold.
    Off,
    /// A PersistentVolumeClaim named `<pipeline>-cache`.
    Volume(ClaimSettings),
}

/// A PersistentVolumeClaim's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimSettings {
    /// Its size.
    pub size: StorageSize,
    /// Its StorageClass, if not the default.
    pub storage_class: Option<Name>,
    /// Its access mode.
    pub access_mode: AccessMode,
}

impl Pipeline {
    /// The pipeline's name (also the name of its WorkflowTemplate and RBAC objects).
    pub fn name(&self) -> &Name {
        &self.origin.name
    }

    /// The pipeline's namespace.
    pub fn namespace(&self) -> &Name {
        // Pipelines always have a namespace; the validator fills in the default.
        self.origin.namespace.as_ref().unwrap_or(&self.origin.name)
    }
}

/// A step's resolved setting.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Step {
    /// The library's default.
    #[default]
    Default,
    /// Switched off.
    Off,
    /// Overridden command and/or image.
    Custom {
        /// The replacement command.
        command: Option<Command>,
        /// The replacement image.
        image: Option<ImageRef>,
    },
}

impl Step {
    /// Whether the step runs.
    pub fn enabled(&self) -> bool {
        !matches!(self, Step::Off)
    }
}

/// Every overridable step's setting.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepPlan {
    /// Dependencies.
    pub deps: Step,
    /// Lint.
    pub lint: Step,
    /// Test.
    pub test: Step,
    /// Security scan.
    pub security_scan: Step,
    /// Image build and publish.
    pub build_image: Step,
    /// SonarQube analysis.
    pub sonar: Step,
}

/// A valid Platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    /// Where it came from.
    pub origin: Origin,
    /// The images the library runs.
    pub images: Images,
    /// The push-credentials Secret's name.
    pub registry_secret: Name,
    /// The lowest severity that fails the scan.
    pub fail_on: Severity,
    /// SonarQube analysis; `None` makes the `sonar` step a no-op.
    pub sonar: Option<Sonar>,
    /// Whether the test step keeps JUnit XML reports as an artifact.
    pub junit_reports: bool,
    /// The registry cache tag; `None` switches the layer cache off.
    pub build_cache_tag: Option<String>,
    /// Image scan, SBOM, signature and attestation.
    pub supply_chain: SupplyChain,
    /// The Argo Server's external URL, for links in notifications.
    pub argo_server_url: Option<HttpUrl>,
    /// The library versions installed side by side, each with its images.
    pub versions: Vec<Release>,
}

/// One installed library version.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Its name.
    pub version: LibraryVersion,
    /// The images its steps run.
    pub images: Images,
}

/// The images the library's steps run.
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    /// git clone.
    pub git: ImageRef,
    /// Node.js steps.
    pub node: ImageRef,
    /// Python steps.
    pub python: ImageRef,
    /// Go steps.
    pub go: ImageRef,
    /// Maven steps.
    pub maven: ImageRef,
    /// Gradle steps.
    pub gradle: ImageRef,
    /// Rust steps.
    pub rust: ImageRef,
    /// .NET steps.
    pub dotnet: ImageRef,
    /// Security scanner.
    pub scanner: ImageRef,
    /// Image builder.
    pub builder: ImageRef,
    /// Notifier.
    pub notifier: ImageRef,
    /// SonarQube scanner.
    pub sonar: ImageRef,
    /// SBOM generator.
    pub sbom: ImageRef,
    /// Signer.
    pub signer: ImageRef,
}

impl Images {
    /// The toolchain's default image; `None` for `generic`, whose pipelines name their own.
    pub fn toolchain(&self, t: Toolchain) -> Option<&ImageRef> {
        match t {
            Toolchain::Node => Some(&self.node),
            Toolchain::Python => Some(&self.python),
            Toolchain::Go => Some(&self.go),
            Toolchain::Maven => Some(&self.maven),
            Toolchain::Gradle => Some(&self.gradle),
            Toolchain::Rust => Some(&self.rust),
            Toolchain::Dotnet => Some(&self.dotnet),
            Toolchain::Generic => None,
        }
    }
}
