//! What the user sees while a run goes on: each task's state as it changes, each step's own
//! output prefixed with its task's name (Secret values masked), and the closing summary table
//! or JSON report. In `--output json` mode, stdout carries the report alone and everything
//! else goes to stderr.

use super::node::{Phase, TaskRecord};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The run's console.
pub struct Console {
    json: bool,
    out: Arc<Mutex<Box<dyn Write + Send>>>,
    err: Mutex<Box<dyn Write + Send>>,
    masks: Vec<String>,
    started: Instant,
    /// On a terminal: the task board kept under the scrolling output.
    live: Option<Arc<Mutex<Board>>>,
}

/// The live view's state: one line per task, redrawn below the step output.
#[derive(Debug, Default)]
pub struct Board {
    tasks: Vec<(String, Shown)>,
    /// Lines of the board now on screen.
    drawn: usize,
    done: bool,
}

#[derive(Debug, Clone, Copy)]
enum Shown {
    Pending,
    Running(Instant),
    Ended(Phase, f64),
}

impl Board {
    fn set(&mut self, task: &str, shown: Shown) {
        match self.tasks.iter_mut().find(|(n, _)| n == task) {
            Some(slot) => slot.1 = shown,
            None => self.tasks.push((task.to_owned(), shown)),
        }
    }

    /// The board's lines (no colour when `plain`).
    pub fn lines(&self, now: Instant) -> Vec<String> {
        let width = self.tasks.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        self.tasks
            .iter()
            .map(|(name, shown)| {
                let (mark, colour, state) = match shown {
                    Shown::Pending => ("·", "2", "pending".to_owned()),
                    Shown::Running(since) => ("▸", "36", format!("running {:.1}s", (now - *since).as_secs_f64())),
                    Shown::Ended(Phase::Succeeded, d) => ("✓", "32", format!("Succeeded {d:.1}s")),
                    Shown::Ended(phase @ (Phase::Failed | Phase::Error), d) => ("✗", "31", format!("{} {d:.1}s", phase.as_str())),
                    Shown::Ended(phase, _) => ("-", "2", phase.as_str().to_owned()),
                };
                format!("\x1b[{colour}m{mark} {name:<width$}  {state}\x1b[0m")
            })
            .collect()
    }
}

/// Clears the board from the screen, writes `text` (if any), then draws the board again.
fn redraw(w: &mut dyn Write, board: &mut Board, text: Option<&str>) {
    if board.drawn > 0 {
        let _ = write!(w, "\x1b[{}F\x1b[J", board.drawn);
    }
    if let Some(text) = text {
        let _ = writeln!(w, "{text}");
    }
    board.drawn = 0;
    if !board.done {
        for line in board.lines(Instant::now()) {
            let _ = writeln!(w, "{line}");
            board.drawn += 1;
        }
    }
    let _ = w.flush();
}

impl Console {
    /// A console writing the report to `out` and the rest to `out` (text) or `err` (json).
    /// `live` keeps a task board under the output (text mode on a terminal).
    pub fn new(json: bool, out: Box<dyn Write + Send>, err: Box<dyn Write + Send>, masks: Vec<String>) -> Self {
        Console { json, out: Arc::new(Mutex::new(out)), err: Mutex::new(err), masks, started: Instant::now(), live: None }
    }

    /// Keeps a live task board under the output, redrawn as tasks change and every quarter second.
    pub fn live(mut self) -> Self {
        if self.json {
            return self;
        }
        let board = Arc::new(Mutex::new(Board::default()));
        let (weak, out) = (Arc::downgrade(&board), Arc::downgrade(&self.out));
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(250));
                let (Some(board), Some(out)) = (weak.upgrade(), out.upgrade()) else { return };
                let (Ok(mut b), Ok(mut w)) = (board.lock(), out.lock()) else { return };
                if b.done {
                    return;
                }
                redraw(&mut **w, &mut b, None);
            }
        });
        self.live = Some(board);
        self
    }

    /// Lists the tasks the run will show as pending.
    pub fn plan(&self, tasks: &[String]) {
        if let Some(board) = &self.live
            && let Ok(mut b) = board.lock()
        {
            for t in tasks {
                b.set(t, Shown::Pending);
            }
        }
    }

    fn board(&self, task: &str, shown: Shown) {
        if let Some(board) = &self.live
            && let Ok(mut b) = board.lock()
        {
            b.set(task, shown);
        }
    }

    fn progress(&self, text: &str) {
        if !self.json
            && let Some(board) = &self.live
        {
            if let (Ok(mut b), Ok(mut w)) = (board.lock(), self.out.lock()) {
                redraw(&mut **w, &mut b, Some(text));
            }
            return;
        }
        let sink = if self.json { &self.err } else { &*self.out };
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
        self.board(task, Shown::Running(Instant::now()));
        self.progress(&format!("{:>7} {task} ({template}): Running", self.clock()));
    }

    /// A task is waiting before a retry.
    pub fn retrying(&self, task: &str, attempt: u32, wait: std::time::Duration, why: &str) {
        self.progress(&format!("{:>7} {task}: attempt {attempt} {why}; retrying in {:.1}s", self.clock(), wait.as_secs_f64()));
    }

    /// A task ended.
    pub fn finished(&self, record: &TaskRecord) {
        self.board(&record.name, Shown::Ended(record.status, record.duration_seconds));
        let why = if record.message.is_empty() { String::new() } else { format!(": {}", record.message) };
        self.progress(&format!("{:>7} {}: {} in {:.2}s{why}", self.clock(), record.name, record.status.as_str(), record.duration_seconds));
    }

    fn clock(&self) -> String {
        format!("{:.1}s", self.started.elapsed().as_secs_f64())
    }

    /// The closing summary (text) or report (json).
    pub fn summary(&self, report: &Report) {
        if let Some(board) = &self.live
            && let (Ok(mut b), Ok(mut w)) = (board.lock(), self.out.lock())
        {
            b.done = true;
            redraw(&mut **w, &mut b, None);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_shows_each_tasks_state() {
        let mut board = Board::default();
        let now = Instant::now();
        board.set("clone", Shown::Ended(Phase::Succeeded, 0.42));
        board.set("test", Shown::Running(now - Duration::from_millis(1500)));
        board.set("build-image", Shown::Pending);
        board.set("lint", Shown::Ended(Phase::Failed, 2.0));
        board.set("scan", Shown::Ended(Phase::Omitted, 0.0));
        let lines = board.lines(now);
        assert_eq!(lines[0], "\x1b[32m✓ clone        Succeeded 0.4s\x1b[0m");
        assert_eq!(lines[1], "\x1b[36m▸ test         running 1.5s\x1b[0m");
        assert_eq!(lines[2], "\x1b[2m· build-image  pending\x1b[0m");
        assert_eq!(lines[3], "\x1b[31m✗ lint         Failed 2.0s\x1b[0m");
        assert_eq!(lines[4], "\x1b[2m- scan         Omitted\x1b[0m");
    }

    #[test]
    fn output_scrolls_above_the_board() {
        let mut board = Board::default();
        board.set("clone", Shown::Pending);
        let mut screen = Vec::new();
        redraw(&mut screen, &mut board, Some("clone | hello"));
        redraw(&mut screen, &mut board, Some("clone | again"));
        let text = String::from_utf8(screen).unwrap();
        assert_eq!(text, "clone | hello\n\x1b[2m· clone  pending\x1b[0m\n\x1b[1F\x1b[Jclone | again\n\x1b[2m· clone  pending\x1b[0m\n");
    }
}
