//! The command line as typed: clap types only. `app` turns them into actions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// pipewright: CI pipelines on Argo Workflows, declared in ten lines.
///
/// With no subcommand, pipewright is a KRM function: it reads a ResourceList on stdin and
/// writes one on stdout, for kustomize (`--enable-alpha-plugins --enable-exec`) and kpt.
/// `ABOUT` says the same in `--help` and `-h`.
#[derive(Debug, Parser)]
#[command(name = "pipewright", version, about = ABOUT, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// The subcommand; none runs the KRM function.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The top of `--help`: what pipewright is, and what it does with no subcommand.
pub const ABOUT: &str = "pipewright: CI pipelines on Argo Workflows, declared in ten lines\n\n\
With no subcommand, pipewright is a KRM function: it reads a ResourceList on stdin and writes one on\n\
stdout (for kustomize `build --enable-alpha-plugins --enable-exec`, and kpt).";

/// The exit-code table, shown in `--help`.
pub const EXIT_CODES: &str = "Exit codes:\n  0  success (warnings only)\n  1  errors in the input\n  2  usage error";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the KRM function explicitly (the default with no subcommand).
    Fn,
    /// Print the JSON Schema of a kind (all kinds when none is given).
    Schema {
        /// The kind: pipeline, platform or team (any case, singular or plural).
        #[arg(value_name = "KIND", value_parser = parse_kind)]
        kind: Option<KindArg>,
    },
    /// Scaffold the GitOps layout (argo/…) in DIR; never overwrites a file without --force.
    Init {
        /// The repo root to scaffold into.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace files that differ from the scaffold; a kustomization keeps its entries and only gets back the scaffold's missing ones.
        #[arg(long)]
        force: bool,
        /// `default`: one kustomization over everything (one Argo CD Application); `teams`: one folder per team namespace and one for the platform, each its own Application through argo/applicationset.yaml.
        #[arg(long, value_enum, default_value = "default")]
        layout: LayoutArg,
        /// With --layout teams in a repo of the default layout: move the specs into team folders and rewire the kustomizations (without it, init says what it would move).
        #[arg(long)]
        migrate: bool,
    },
    /// Add a spec to the GitOps tree and list it in its kustomization.
    #[command(subcommand)]
    Add(AddCommand),
    /// Expand the GitOps tree in-process into one file per object (no kustomize needed).
    Render(RenderArgs),
    /// Run one Pipeline's DAG on this machine, from the same objects Argo gets (no cluster needed).
    Run(RunArgs),
    /// Lint Argo manifests offline: Argo's own checks, and the faults Argo only finds at run time.
    Lint(LintArgs),
    /// Draw a Pipeline's DAG, from its rendered WorkflowTemplate, as mermaid, dot or SVG.
    Graph(GraphArgs),
    /// Say in plain words what a Pipeline becomes: steps, images, triggers, secrets, access, objects.
    Explain(ExplainArgs),
    /// Copy this pipewright binary into DIR (for init containers).
    Install {
        /// The directory to copy the binary into (created when absent).
        dir: PathBuf,
    },
}

/// What `add` adds.
#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// Write a Pipeline spec to argo/workflows/pipelines/NAME.yaml (NS/NAME.yaml when another namespace has NAME.yaml) and list it.
    Pipeline(AddPipelineArgs),
    /// Write a Team spec to argo/events/teams/NAME.yaml (NS/NAME.yaml when another namespace has NAME.yaml) and list it as a generator.
    Team(AddTeamArgs),
}

/// `add pipeline` as typed. Values are checked by the function's own validator.
#[derive(Debug, Args)]
pub struct AddPipelineArgs {
    /// The pipeline's name (a DNS-1123 label): its WorkflowTemplate's name.
    pub name: String,
    /// The git repository to clone (https://…, ssh://… or git@host:path).
    #[arg(long)]
    pub repo: String,
    /// The toolchain, such as node, python or go (`pipewright schema pipeline` lists every one).
    #[arg(long)]
    pub toolchain: String,
    /// The namespace the pipeline runs in (default: argo).
    #[arg(long)]
    pub namespace: Option<String>,
    /// The image repository to publish, without a tag (required unless --no-build-image).
    #[arg(long)]
    pub image: Option<String>,
    /// Publish no image: writes `steps: {build-image: false}`, so --image is not needed.
    #[arg(long, conflicts_with = "image")]
    pub no_build_image: bool,
    /// The project's directory inside the repository (default: its root).
    #[arg(long, value_name = "DIR")]
    pub context_dir: Option<String>,
    /// The branch, tag or commit built by default (default: main).
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,
    /// Run on pushes to this branch (repeat for several; `*` matches within a path segment).
    #[arg(long = "push", value_name = "BRANCH")]
    pub push: Vec<String>,
    /// Run on pushed semver tags, and publish them.
    #[arg(long)]
    pub tags: bool,
    /// Run on pull requests (without publishing).
    #[arg(long)]
    pub pull_requests: bool,
    /// Run on a cron schedule, such as "0 3 * * *" (without publishing).
    #[arg(long, value_name = "CRON")]
    pub schedule: Option<String>,
    /// Clone over HTTPS with the token in this Secret (NAME, or NAME.KEY for a key other than `password`).
    #[arg(long, value_name = "NAME[.KEY]", conflicts_with = "git_ssh_secret")]
    pub git_token_secret: Option<String>,
    /// Clone over SSH with the key (`ssh-privatekey`) and host keys (`known_hosts`) in this Secret.
    #[arg(long, value_name = "NAME")]
    pub git_ssh_secret: Option<String>,
    /// The repo root (default: the nearest directory, here or above, holding argo/workflows/kustomization.yaml).
    #[arg(long, short = 'C')]
    pub dir: Option<PathBuf>,
}

/// `add team` as typed. Values are checked by the function's own validator.
#[derive(Debug, Args)]
pub struct AddTeamArgs {
    /// The team's name (a DNS-1123 label).
    pub name: String,
    /// The team's namespace, where its pipelines run (one Team per namespace).
    #[arg(long)]
    pub namespace: String,
    /// An SSO group whose members belong to the team (repeat for several).
    #[arg(long = "group", value_name = "GROUP", required = true)]
    pub groups: Vec<String>,
    /// What the team may do in the Argo UI (default: view).
    #[arg(long, value_enum)]
    pub access: Option<AccessArg>,
    /// Receive git webhooks in the namespace from this provider (gitlab: edit spec.events in the file).
    #[arg(long, value_enum)]
    pub events: Option<EventsArg>,
    /// With --events github: the Secret holding the webhook secret.
    #[arg(long, value_name = "SECRET", required_if_eq("events", "github"))]
    pub webhook_secret_name: Option<String>,
    /// With --events github: the key of the webhook secret in that Secret.
    #[arg(long, value_name = "KEY", required_if_eq("events", "github"))]
    pub webhook_secret_key: Option<String>,
    /// With --events github: a repository (owner/name) whose webhooks arrive here (repeat for several); or give --organization.
    #[arg(long = "repository", value_name = "OWNER/NAME")]
    pub repositories: Vec<String>,
    /// With --events github: an organization whose organization webhooks arrive here (repeat for several); or give --repository.
    #[arg(long = "organization", value_name = "ORG", conflicts_with = "repositories")]
    pub organizations: Vec<String>,
    /// With --events webhook: the Secret holding the token every delivery must send as `Authorization: Bearer <token>` (strongly recommended).
    #[arg(long, value_name = "SECRET", requires = "auth_secret_key")]
    pub auth_secret_name: Option<String>,
    /// With --events webhook: the key of that token in the Secret.
    #[arg(long, value_name = "KEY", requires = "auth_secret_name")]
    pub auth_secret_key: Option<String>,
    /// The repo root (default: the nearest directory, here or above, holding argo/workflows/kustomization.yaml).
    #[arg(long, short = 'C')]
    pub dir: Option<PathBuf>,
}

/// `init --layout` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// One kustomization over everything: one Argo CD Application (small repos).
    Default,
    /// One Application per team folder and one for the platform, through an ApplicationSet.
    Teams,
}

/// `--access` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AccessArg {
    /// Read runs and logs.
    View,
    /// Also resubmit, retry, stop, suspend and resume runs.
    Operate,
}

/// `--events` values: the providers whose settings fit on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventsArg {
    /// GitHub webhooks (needs --webhook-secret-name, --webhook-secret-key and --repository).
    Github,
    /// A generic webhook for GitHub-compatible payloads (Gitea, Forgejo); give it --auth-secret-name and --auth-secret-key.
    Webhook,
}

/// `render` as typed.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The kustomization directory to render (default: the argo/ tree of the repo around the current directory).
    pub dir: Option<PathBuf>,
    /// The rendered tree's directory (default: `rendered`, beside DIR).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write nothing; print a unified diff and exit 1 when OUT (or the docs pages) differ from a fresh render.
    #[arg(long)]
    pub check: bool,
    /// Also write (or with --check, check) one markdown page per Team, with each pipeline's graph and explanation, plus an index, into DIR (default when it exists: docs/pipelines beside the tree's directory).
    #[arg(long, value_name = "DIR")]
    pub docs: Option<PathBuf>,
}

/// `graph` as typed.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// A YAML file holding the Pipeline (with its Platform and Team, if any), or the Pipeline's name (NAME or NAMESPACE/NAME) in the GitOps tree around the current directory.
    pub pipeline: String,
    /// The output format.
    #[arg(long, value_enum, default_value = "mermaid")]
    pub format: GraphFormatArg,
    /// Write to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--format` values of `graph`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormatArg {
    /// A mermaid flowchart: paste it into GitHub or GitLab markdown in a ```mermaid block.
    Mermaid,
    /// Graphviz dot.
    Dot,
    /// A finished SVG picture, laid out by pipewright.
    Svg,
}

/// `explain` as typed.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A YAML file holding the Pipeline (with its Platform and Team, if any), or the Pipeline's name (NAME or NAMESPACE/NAME) in the GitOps tree around the current directory.
    pub pipeline: String,
    /// The output form.
    #[arg(long, value_enum, default_value = "markdown")]
    pub output: ExplainOutputArg,
}

/// `--output` values of `explain`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExplainOutputArg {
    /// A markdown page.
    Markdown,
    /// The same facts as JSON.
    Json,
}

/// `run` as typed.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes:\n  0  the pipeline succeeded\n  1  it ran and failed (the failing task is named)\n  2  bad usage or input (nothing ran)"
)]
pub struct RunArgs {
    /// A YAML file that holds the Pipeline (and possibly a Platform, Teams…), or a Pipeline's name (NAME or NAMESPACE/NAME) in the GitOps tree.
    pub pipeline: String,
    /// Where steps run: `host` (this machine's tools, in a bubblewrap sandbox), `docker` or `podman` (each step in its image). Default: docker or podman when one answers, else host.
    #[arg(long, value_enum)]
    pub executor: Option<ExecutorArg>,
    /// Clone from here instead of the Pipeline's repository: a local repository (bare or not), or any URL.
    #[arg(long, value_name = "PATH|URL")]
    pub source: Option<String>,
    /// The revision to build: a full ref (refs/heads/main, refs/tags/v1.2.3, refs/pull/7/head), or a branch, tag or commit.
    #[arg(long, value_name = "REF")]
    pub revision: Option<String>,
    /// What started the run, as the Sensors pass it: push, tag, pull-request, manual or schedule.
    #[arg(long)]
    pub event: Option<String>,
    /// Set a workflow parameter (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Mark a task Skipped instead of running it (repeatable).
    #[arg(long = "skip", value_name = "TASK")]
    pub skip: Vec<String>,
    /// A Secret's key for the steps (repeatable); the value is never printed.
    #[arg(long = "secret", value_name = "NAME.KEY=VALUE")]
    pub secrets: Vec<String>,
    /// A directory of Secrets: DIR/NAME/KEY files.
    #[arg(long, value_name = "DIR")]
    pub secrets_dir: Option<PathBuf>,
    /// The pipeline's work directory: its persistent claims (the cache) and its runs (default: ~/.cache/pipewright/run/NAMESPACE/NAME).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Keep the run's workspace and pod directories (they are removed at the end otherwise).
    #[arg(long)]
    pub keep: bool,
    /// `text` (live progress and a summary table) or `json` (one report on stdout; progress and step output on stderr).
    #[arg(long, value_enum, default_value = "text")]
    pub output: RunOutputArg,
}

/// `run --executor` values.
/// `lint` as typed.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes:\n  0  no errors (warnings only, unless --warnings-as-errors)\n  1  errors found\n  2  unreadable input or usage error"
)]
pub struct LintArgs {
    /// Files, directories (every *.yaml and *.yml below) or `-` for stdin (a YAML stream or a ResourceList); none lints the GitOps tree's rendered output.
    pub paths: Vec<PathBuf>,
    /// The output format; `krm` reads a ResourceList on stdin and writes it back with the findings as results (a KRM validator).
    #[arg(long, short = 'o', value_enum, default_value = "text")]
    pub output: LintOutputArg,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub warnings_as_errors: bool,
}

/// `lint --output` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintOutputArg {
    /// `file:line:col: severity rule: message (kind/namespace/name at path)`.
    Text,
    /// `{"findings": [...], "errors": N, "warnings": N}`.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// A KRM validator: ResourceList in, the same items and the findings as results out.
    Krm,
}

/// A kind on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExecutorArg {
    /// This machine's tools, in a sandbox.
    Host,
    /// Each step in its image, with docker.
    Docker,
    /// Each step in its image, with podman.
    Podman,
}

/// `run --output` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunOutputArg {
    /// Progress lines and a summary table.
    Text,
    /// One JSON report on stdout.
    Json,
}

/// A kind on the command line, written as users write it: `Pipeline`, `pipeline`, `pipelines`
/// and `PIPELINE` all name the Pipeline kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Pipeline.
    Pipeline,
    /// Platform.
    Platform,
    /// Team.
    Team,
}

/// Reads a kind as users write it: any case, singular or plural.
pub fn kind_word(word: &str) -> Option<KindArg> {
    let lower = word.to_ascii_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    KindArg::value_variants().iter().copied().find(|k| k.to_possible_value().is_some_and(|v| v.get_name() == singular))
}

fn parse_kind(word: &str) -> Result<KindArg, String> {
    kind_word(word).ok_or_else(|| format!("unknown kind {word:?} (valid: pipeline, platform, team; any case, singular or plural)"))
}

/// The process's arguments with the kind after `add` written as its subcommand's name, so
/// `add Pipeline`, `add pipelines` and `add TEAM` work as `schema` does.
pub fn args(raw: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = raw.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "add")
        && let Some(kind) = args.get(2).and_then(|a| a.to_str()).and_then(kind_word)
        && kind != KindArg::Platform
    {
        args[2] = kind.to_possible_value().expect("kinds are not hidden").get_name().into();
    }
    args
}
