//! What the user sees while a run goes on: each task's state as it changes, each step's own
//! output prefixed with its task's name (Secret values masked), and the closing summary table
//! or JSON report. In `--output json` mode, stdout carries the report alone and everything
//! else goes to stderr.

use super::node::{Phase, TaskRecord};
use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

/// The run's console.
pub struct Console {
    json: bool,
    out: Mutex<Box<dyn Write + Send>>,
    err: Mutex<Box<dyn Write + Send>>,
    masks: Vec<String>,
    started: Instant,
}

impl Console {
    /// A console writing the report to `out` and the rest to `out` (text) or `err` (json).
    pub fn new(json: bool, out: Box<dyn Write + Send>, err: Box<dyn Write + Send>, masks: Vec<String>) -> Self {
        Console { json, out: Mutex::new(out), err: Mutex::new(err), masks, started: Instant::now() }
    }

    fn progress(&self, text: &str) {
        let sink = if self.json { &self.err } else { &self.out };
        if let Ok(mut w) = sink.lock() {
            let _ = writeln!(w, "{text}");
            let _ = w.flush();
        }
    }

    /// A line to stderr in both modes (warnings, notices).
    pub fn note(&self, text: &str) {
        if let Ok(mut w) = self.err.lock() {
            let _ = writeln!(w, "pipewright run: {text}");
        }
    }

    /// A line of a step's output.
    pub fn line(&self, task: &str, text: &str) {
        let mut shown = text.to_owned();
        for mask in &self.masks {
            if shown.contains(mask.as_str()) {
                shown = shown.replace(mask.as_str(), "***");
            }
        }
        self.progress(&format!("{task} | {shown}"));
    }

    /// A task started.
    pub fn started(&self, task: &str, template: &str) {
        self.progress(&format!("{:>7} {task} ({template}): Running", self.clock()));
    }

    /// A task is waiting before a retry.
    pub fn retrying(&self, task: &str, attempt: u32, wait: std::time::Duration, why: &str) {
        self.progress(&format!("{:>7} {task}: attempt {attempt} {why}; retrying in {:.1}s", self.clock(), wait.as_secs_f64()));
    }

    /// A task ended.
    pub fn finished(&self, record: &TaskRecord) {
        let why = if record.message.is_empty() { String::new() } else { format!(": {}", record.message) };
        self.progress(&format!("{:>7} {}: {} in {:.2}s{why}", self.clock(), record.name, record.status.as_str(), record.duration_seconds));
    }

    fn clock(&self) -> String {
        format!("{:.1}s", self.started.elapsed().as_secs_f64())
    }

    /// The closing summary (text) or report (json).
    pub fn summary(&self, report: &Report) {
        let Ok(mut w) = self.out.lock() else { return };
        if self.json {
            let _ = writeln!(w, "{}", serde_json::to_string_pretty(report).unwrap_or_default());
            return;
        }
        let width = report.tasks.iter().map(|t| t.name.len()).max().unwrap_or(4).max(4);
        let _ = writeln!(w, "\n{:<width$}  {:<9}  {:>8}  OUTPUTS", "TASK", "STATUS", "DURATION");
        for t in &report.tasks {
            let outputs: Vec<String> = t.outputs.iter().map(|(k, v)| format!("{k}={}", shorten(v))).collect();
            let retries = if t.attempts > 1 { format!(" ({} attempts)", t.attempts) } else { String::new() };
            let _ =
                writeln!(w, "{:<width$}  {:<9}  {:>7.2}s  {}{retries}", t.name, t.status.as_str(), t.duration_seconds, outputs.join(" "));
        }
        let failed = report.failed_task.as_deref().map(|t| format!(" at {t}")).unwrap_or_default();
        let _ = writeln!(
            w,
            "\n{} {}{failed} in {:.2}s (run directory: {})",
            report.workflow, report.status, report.duration_seconds, report.run_dir
        );
    }
}

fn shorten(v: &str) -> String {
    let one_line = v.lines().next().unwrap_or("");
    if one_line.chars().count() > 48 || v.contains('\n') {
        format!("{}…", one_line.chars().take(47).collect::<String>())
    } else {
        one_line.to_owned()
    }
}

/// The run's report: what `--output json` prints.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// `Succeeded`, `Failed` or `Error`.
    pub status: String,
    /// The local workflow's name.
    pub workflow: String,
    /// The WorkflowTemplate run (`namespace/name`).
    pub workflow_template: String,
    /// The executor (`host`, `podman`, `docker`).
    pub executor: String,
    /// The first task that failed, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_task: Option<String>,
    /// Every task and step, the exit handler's included, in the order they ended.
    pub tasks: Vec<TaskRecord>,
    /// The workflow's global outputs.
    pub outputs: std::collections::BTreeMap<String, String>,
    /// Wall time of the whole run.
    pub duration_seconds: f64,
    /// Wall time spent in the steps' own processes (summed over tasks).
    pub step_seconds: f64,
    /// Where the run's artifacts and logs are.
    pub run_dir: String,
}

impl Report {
    /// Whether the run succeeded.
    pub fn succeeded(&self) -> bool {
        self.status == Phase::Succeeded.as_str()
    }
}
