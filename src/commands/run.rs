//! `pipewright run PIPELINE`: picks the Pipeline's rendered objects ([`crate::bundle`]),
//! checks that every template they reach can run here, chooses the executor, and runs them
//! ([`crate::run`]). Exit 0 when the pipeline succeeded, 1 when it ran and failed, 2 for bad
//! usage or input (nothing run).

use super::{Failure, Outcome, exit};
use crate::bundle;
use crate::run::executor::{Engine, Executor, Host};
use crate::run::git_server::GitServer;
use crate::run::{self, Console, Dirs, Options, Plan};
use std::io::Write;
use std::path::PathBuf;

/// Which executor runs the pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutorChoice {
    /// docker, else podman, when reachable; else the host.
    Auto,
    /// The host's tools, sandboxed.
    Host,
    /// The docker CLI.
    Docker,
    /// The podman CLI.
    Podman,
}

/// A run as asked for.
#[derive(Debug, Clone)]
pub struct Request {
    /// A YAML file holding the Pipeline, or its name in the GitOps tree.
    pub pipeline: String,
    /// The executor.
    pub executor: ExecutorChoice,
    /// The run's options.
    pub options: Options,
    /// `--work-dir`.
    pub work_dir: Option<PathBuf>,
    /// `--output json`.
    pub json: bool,
    /// Keep a live task board under the output (stdout is a terminal).
    pub live: bool,
}

fn usage(lines: Vec<String>) -> Failure {
    Failure { code: exit::USAGE, lines: lines.into_iter().map(|l| format!("error: {l}")).collect() }
}

/// Runs the request; the report goes to `out`, progress to `out` (text) or `err` (json).
pub fn run(request: Request, out: Box<dyn Write + Send>, err: Box<dyn Write + Send>) -> Outcome {
    let cwd = std::env::current_dir().map_err(|e| usage(vec![format!("cannot read the current directory: {e}")]))?;
    let selected = bundle::select(&request.pipeline, &cwd).map_err(|p| usage(p.0))?;
    let Some(template) = selected.workflow_template() else {
        return Err(usage(vec![format!(
            "{}: Pipeline/{}/{} rendered no WorkflowTemplate",
            selected.source, selected.namespace, selected.name
        )]));
    };
    let mut options = request.options;
    // A local repository is served on loopback: the clone step allows only https, http and ssh.
    let mut server = None;
    if let Some(source) = options.source.as_mut() {
        let path = cwd.join(&*source);
        if !source.contains("://") && path.exists() {
            let started = GitServer::start(&path).map_err(|e| usage(vec![e]))?;
            *source = started.url.clone();
            server = Some(started);
        }
    }
    let mut problems = run::check(template, &selected.objects);
    let parameters = run::parameters(template, &options).unwrap_or_else(|e| {
        problems.extend(e);
        Vec::new()
    });
    if !problems.is_empty() {
        return Err(usage(problems));
    }
    let executor = choose(request.executor, &options).map_err(|e| usage(vec![e]))?;
    let work = request.work_dir.unwrap_or_else(|| run::default_work_dir(&selected.namespace, &selected.name));
    let workflow = workflow_name(&selected.name);
    let dirs = Dirs { run: work.join("runs").join(&workflow), work };
    std::fs::create_dir_all(&dirs.run).map_err(|e| usage(vec![format!("cannot create {}: {e}", dirs.run.display())]))?;
    let mut console = Console::new(request.json, out, err, options.secrets.masks());
    if request.live {
        console = console.live();
    }
    for warning in &selected.warnings {
        console.note(&format!("warning: {warning}"));
    }
    console.note(&format!(
        "running WorkflowTemplate {}/{} from {} with the {} executor in {}{}",
        selected.namespace,
        selected.name,
        selected.source,
        executor.name(),
        dirs.run.display(),
        server.as_ref().map(|s| format!(" (--source served at {})", s.url)).unwrap_or_default()
    ));
    let plan = Plan { template, objects: &selected.objects, parameters, options: &options, dirs, workflow };
    let report = run::execute(&plan, executor.as_ref(), &console);
    console.summary(&report);
    drop(server);
    if report.succeeded() {
        return Ok(());
    }
    let at = report.failed_task.as_deref().map(|t| format!(" at task {t}")).unwrap_or_default();
    let ended = if report.status == "Error" { "ended in Error" } else { "failed" };
    let why = report.tasks.iter().find(|t| t.status.failed()).map(|t| format!(": {}", t.message)).unwrap_or_default();
    Err(Failure::one(format!("the pipeline {ended}{at}{why}")))
}

fn choose(choice: ExecutorChoice, options: &Options) -> Result<Box<dyn Executor>, String> {
    let visible = || {
        let mut paths: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
        if let Some(source) = &options.source {
            paths.push(PathBuf::from(source));
        }
        paths.extend(crate::run::executor::trust_paths());
        paths
    };
    let engine = |program: &str| {
        Engine::reachable(program)
            .ok_or_else(|| format!("--executor {program}: `{program} info` does not answer: is {program} installed and running?"))
    };
    Ok(match choice {
        ExecutorChoice::Host => Box::new(Host::new(visible())?),
        ExecutorChoice::Docker => Box::new(engine("docker")?),
        ExecutorChoice::Podman => Box::new(engine("podman")?),
        ExecutorChoice::Auto => match Engine::reachable("docker").or_else(|| Engine::reachable("podman")) {
            Some(engine) => Box::new(engine),
            None => Box::new(Host::new(visible())?),
        },
    })
}

/// `NAME-xxxxx`, as Argo names a workflow submitted from a template with `generateName`.
fn workflow_name(name: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let mut n = nanos ^ (u128::from(std::process::id()) << 40);
    let mut suffix = String::new();
    for _ in 0..5 {
        suffix.push(b"bcdfghjklmnpqrstvwxz2456789"[(n % 27) as usize] as char);
        n /= 27;
    }
    format!("{name}-{suffix}")
}
