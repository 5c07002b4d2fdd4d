//! Where a pod's main container runs: on the host's tools in a sandbox, or in its real image
//! under a container engine. One small trait; the interpreter hands each a fully resolved pod.

mod container;
mod host;
mod process;

pub use container::Engine;
pub use host::{Host, trust_paths};

use std::path::PathBuf;
use std::time::Instant;

/// A pod's main container, every `{{…}}` already substituted.
#[derive(Debug, Clone)]
pub struct Pod {
    /// The pod's name (unique in the run).
    pub name: String,
    /// The container image.
    pub image: String,
    /// `command` then `args`.
    pub argv: Vec<String>,
    /// Whether the template gave a `command` (without one, the image's entrypoint runs).
    pub has_command: bool,
    /// The container's environment, in the template's order.
    pub env: Vec<(String, String)>,
    /// `workingDir`.
    pub working_dir: Option<String>,
    /// Host directories (or files) at their mount paths.
    pub mounts: Vec<Mount>,
    /// When the container must be stopped.
    pub deadline: Option<Instant>,
}

/// One mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The host path.
    pub host: PathBuf,
    /// The path in the container.
    pub path: String,
    /// Read-only.
    pub read_only: bool,
}

/// How the container ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// It was stopped at its deadline.
    Deadline,
    /// It could not be started (the reason).
    NotStarted(String),
}

/// A line of a step's output: the text, and whether it came from stderr.
pub type LineSink<'a> = &'a (dyn Fn(&str, bool) + Sync);

/// Runs pods.
pub trait Executor: Sync {
    /// Runs the pod's main container to its end, passing each line of its output to `lines`.
    fn run(&self, pod: &Pod, lines: LineSink) -> Exit;
    /// A short name for messages (`host`, `podman`, `docker`).
    fn name(&self) -> &str;
}
