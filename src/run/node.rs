//! What a run records: each node's phase, as Argo names them, and the per-task record that the
//! summary and `--output json` show.

use std::collections::BTreeMap;

/// A node's phase, as Argo names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Phase {
    /// Ran and exited 0.
    Succeeded,
    /// Ran and exited non-zero, or exceeded its deadline.
    Failed,
    /// Could not run (a missing program, secret or output).
    Error,
    /// Its `when` was false.
    Skipped,
    /// Its `depends` was not met.
    Omitted,
}

impl Phase {
    /// The name Argo gives the phase.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
            Phase::Error => "Error",
            Phase::Skipped => "Skipped",
            Phase::Omitted => "Omitted",
        }
    }

    /// Failed or Error.
    pub fn failed(self) -> bool {
        matches!(self, Phase::Failed | Phase::Error)
    }
}

/// What one template invocation ended with.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Its phase.
    pub phase: Phase,
    /// Why (empty on success).
    pub message: String,
    /// Its output parameters.
    pub outputs: BTreeMap<String, String>,
    /// The main container's exit code, for pods.
    pub exit_code: Option<i32>,
    /// False when a retry cannot help here (a program missing on this machine).
    pub retryable: bool,
}

impl Outcome {
    /// An outcome with no outputs.
    pub fn of(phase: Phase, message: impl Into<String>) -> Self {
        Outcome { phase, message: message.into(), outputs: BTreeMap::new(), exit_code: None, retryable: true }
    }
}

/// One task or step, as the summary and the JSON report show it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRecord {
    /// Its path: `clone`, `provenance/sign`, `notify/webhook` (the exit handler's steps).
    pub name: String,
    /// The template it ran: `pipewright-v1-git/clone`, or a local template's name.
    pub template: String,
    /// How it ended.
    pub status: Phase,
    /// Why it ended so (empty on success).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// The main container's exit code, for pods.
    pub exit_code: Option<i32>,
    /// How long it took, retries and waits included.
    pub duration_seconds: f64,
    /// How many attempts ran (more than one when it was retried).
    pub attempts: u32,
    /// Its output parameters.
    pub outputs: BTreeMap<String, String>,
}
