//! The interpreter: walks the entrypoint's DAG or steps as Argo's controller does. A task runs
//! once its dependencies are fulfilled and its `depends` holds (else Omitted) and its `when`
//! holds (else Skipped); independent tasks run at the same time; a failed branch's omitted
//! descendants carry its failure to the DAG's result; `retryStrategy` and the deadlines apply
//! per node; the exit handler runs last with `workflow.status` and `workflow.failures`.

use super::console::{Console, Report};
use super::executor::{Executor, Exit, Mount, Pod};
use super::expr::{self, Value as ExprValue};
use super::node::{Outcome, Phase, TaskRecord};
use super::retry::{self, Attempt, Backoff, Decision, Policy, Strategy};
use super::scope::Scope;
use super::templates::{Found, Templates};
use super::{Outputs, Plan, volumes};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

const RESULTS: [&str; 8] = ["Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned", "AnySucceeded", "AllFailed"];

struct State<'a> {
    plan: &'a Plan<'a>,
    templates: Templates<'a>,
    executor: &'a dyn Executor,
    console: &'a Console,
    global: Mutex<Scope>,
    records: Mutex<Vec<TaskRecord>>,
    failures: Mutex<Vec<Value>>,
    deadline: Option<Instant>,
    pods: AtomicUsize,
    step_time: Mutex<f64>,
    started: Instant,
}

/// Runs the plan to its end, exit handler included.
pub fn run(plan: &Plan, executor: &dyn Executor, console: &Console) -> Report {
    let started = Instant::now();
    let template = plan.template;
    let namespace = template.namespace().unwrap_or("argo").to_owned();
    let spec = template.0.get("spec").cloned().unwrap_or(Value::Null);
    let mut global = Scope::default();
    for (name, value) in &plan.parameters {
        global.set(format!("workflow.parameters.{name}"), value.clone());
    }
    global.set("workflow.name", plan.workflow.clone());
    global.set("workflow.namespace", namespace.clone());
    global.set("workflow.uid", format!("local-{}", plan.workflow));
    global.set("workflow.serviceAccountName", spec.get("serviceAccountName").and_then(Value::as_str).unwrap_or("default"));
    global.set("workflow.creationTimestamp", rfc3339(SystemTime::now()));
    let scale = plan.options.time_scale;
    let deadline = spec.get("activeDeadlineSeconds").and_then(as_seconds).map(|s| started + Duration::from_secs_f64(s * scale));
    if spec.get("synchronization").is_some() {
        console.note("synchronization (the pipeline's mutex) has no effect locally: runs on this machine are not serialized");
    }
    let state = State {
        plan,
        templates: Templates::new(template, plan.objects, &namespace),
        executor,
        console,
        global: Mutex::new(global),
        records: Mutex::new(Vec::new()),
        failures: Mutex::new(Vec::new()),
        deadline,
        pods: AtomicUsize::new(0),
        step_time: Mutex::new(0.0),
        started,
    };
    for claim in spec.get("volumeClaimTemplates").and_then(Value::as_array).into_iter().flatten() {
        if let Some(name) = claim.pointer("/metadata/name").and_then(Value::as_str) {
            let _ = std::fs::create_dir_all(plan.dirs.claim_template(name));
        }
    }
    let entry = spec.get("entrypoint").and_then(Value::as_str).unwrap_or("");
    let mut outcome = match state.templates.local(0, entry) {
        Some(found) => state.invoke(found, &BTreeMap::new(), ""),
        None => Outcome::of(Phase::Error, format!("entrypoint {entry} is not a template")),
    };
    if deadline.is_some_and(|d| Instant::now() >= d) && outcome.phase != Phase::Error {
        outcome = Outcome::of(Phase::Failed, "Step exceeded its deadline (the workflow's activeDeadlineSeconds)");
    }
    let mut status = match outcome.phase {
        Phase::Failed => Phase::Failed,
        Phase::Error => Phase::Error,
        _ => Phase::Succeeded,
    };
    if status.failed() {
        state.failures.lock().map(|mut f| f.push(failure(&plan.workflow, entry, status, &outcome.message))).ok();
    }
    if let Some(exit) = spec.get("onExit").and_then(Value::as_str) {
        let failures = state.failures.lock().map(|f| Value::Array(f.clone()).to_string()).unwrap_or_default();
        if let Ok(mut g) = state.global.lock() {
            g.set("workflow.status", status.as_str());
            g.set("workflow.failures", failures);
        }
        let handler = match state.templates.local(0, exit) {
            Some(found) => state.invoke_exit(found, exit),
            None => Outcome::of(Phase::Error, format!("onExit template {exit} is not a template")),
        };
        if status == Phase::Succeeded && handler.phase.failed() {
            status = handler.phase;
        }
    }
    if !plan.options.keep {
        for dir in ["volumes", "pods"] {
            let _ = std::fs::remove_dir_all(plan.dirs.run.join(dir));
        }
    }
    let tasks = state.records.into_inner().unwrap_or_default();
    let failed_task = tasks.iter().find(|t| t.status.failed()).map(|t| t.name.clone());
    let global = state.global.into_inner().unwrap_or_default();
    let outputs =
        global.0.iter().filter_map(|(k, v)| Some((k.strip_prefix("workflow.outputs.parameters.")?.to_owned(), v.clone()))).collect();
    Report {
        status: status.as_str().into(),
        workflow: plan.workflow.clone(),
        workflow_template: format!("{namespace}/{}", template.name()),
        executor: executor.name().into(),
        failed_task,
        tasks,
        outputs,
        duration_seconds: started.elapsed().as_secs_f64(),
        step_seconds: state.step_time.into_inner().unwrap_or(0.0),
        run_dir: plan.dirs.run.display().to_string(),
    }
}

fn as_seconds(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn failure(display: &str, template: &str, phase: Phase, message: &str) -> Value {
    serde_json::json!({
        "displayName": display, "message": message, "templateName": template, "phase": phase.as_str(),
        "podName": display, "finishedAt": rfc3339(SystemTime::now()),
    })
}

fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// How a task or step names its template in the report.
fn template_label(call: &Value, found: &Found) -> String {
    let name = found.template.get("name").and_then(Value::as_str).unwrap_or("");
    match call.get("templateRef").and_then(|r| r.get("name")).and_then(Value::as_str) {
        Some(holder) => format!("{holder}/{name}"),
        None => name.to_owned(),
    }
}

impl State<'_> {
    /// The workflow's variables now: Argo's controller sets `workflow.duration` (seconds since
    /// the start, `%f`) on every reconcile, so every template may read it, not only the exit handler.
    fn global(&self) -> Scope {
        let mut scope = self.global.lock().map(|g| g.clone()).unwrap_or_default();
        scope.set("workflow.duration", format!("{:.6}", self.started.elapsed().as_secs_f64()));
        scope
    }

    fn record(&self, record: TaskRecord) {
        self.console.finished(&record);
        if record.status.failed() {
            let f = failure(&record.name, &record.template, record.status, &record.message);
            self.failures.lock().map(|mut v| v.push(f)).ok();
        }
        self.records.lock().map(|mut r| r.push(record)).ok();
    }

    /// The exit handler: a template run as its own node named after it.
    fn invoke_exit(&self, found: Found, name: &str) -> Outcome {
        self.console.started(name, name);
        let started = Instant::now();
        let (outcome, attempts) = self.invoke_counted(found, &BTreeMap::new(), &format!("{name}/"));
        let is_pod = found.template.get("container").is_some();
        if is_pod {
            self.record(TaskRecord {
                name: name.into(),
                template: name.into(),
                status: outcome.phase,
                message: outcome.message.clone(),
                exit_code: outcome.exit_code,
                duration_seconds: started.elapsed().as_secs_f64(),
                attempts,
                outputs: outcome.outputs.clone(),
            });
        }
        outcome
    }

    fn invoke(&self, found: Found, args: &BTreeMap<String, String>, prefix: &str) -> Outcome {
        self.invoke_counted(found, args, prefix).0
    }

    /// Runs a template with its arguments, retrying as its `retryStrategy` says; returns the
    /// outcome and the number of attempts. `prefix` names the tasks it holds (`provenance/`).
    fn invoke_counted(&self, found: Found, args: &BTreeMap<String, String>, prefix: &str) -> (Outcome, u32) {
        let t = found.template;
        let mut local = Scope::default();
        for p in t.pointer("/inputs/parameters").and_then(Value::as_array).into_iter().flatten() {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let value = args
                .get(name)
                .cloned()
                .or_else(|| p.get("value").and_then(Value::as_str).map(str::to_owned))
                .or_else(|| p.get("default").and_then(Value::as_str).map(str::to_owned));
            match value {
                Some(v) => local.set(format!("inputs.parameters.{name}"), v),
                None => {
                    return (Outcome::of(Phase::Error, format!("inputs.parameters.{name} was not supplied and has no default")), 1);
                }
            }
        }
        let strategy = match t.get("retryStrategy").map(|r| self.strategy(r, &local)).transpose() {
            Ok(s) => s,
            Err(e) => return (Outcome::of(Phase::Error, format!("retryStrategy: {e}")), 1),
        };
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut attempt_deadline = None;
        loop {
            let started = Instant::now();
            let outcome = self.once(found, &local, prefix, attempts.len(), attempt_deadline);
            let Some(strategy) = strategy.as_ref().filter(|_| outcome.phase.failed() && outcome.retryable) else {
                return (outcome, attempts.len() as u32 + 1);
            };
            attempts.push(Attempt {
                phase: outcome.phase,
                exit_code: outcome.exit_code,
                message: outcome.message.clone(),
                started,
                finished: Instant::now(),
            });
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return (outcome, attempts.len() as u32);
            }
            match retry::decide(strategy, &attempts, self.plan.options.time_scale) {
                Decision::Stop(why) => {
                    let mut outcome = outcome;
                    if !why.is_empty() && why != outcome.message {
                        outcome.message = format!("{} ({why})", outcome.message);
                    }
                    return (outcome, attempts.len() as u32);
                }
                Decision::Retry { wait, deadline } => {
                    let task = prefix.trim_end_matches('/');
                    self.console.retrying(task, attempts.len() as u32, wait, &format!("ended {}", outcome.message));
                    std::thread::sleep(wait);
                    attempt_deadline = deadline;
                }
            }
        }
    }

    fn strategy(&self, raw: &Value, local: &Scope) -> Result<Strategy, String> {
        let mut errors = Vec::new();
        let raw = self.global().with(local).substitute_json(raw, &mut errors);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        let text = |v: Option<&Value>| v.map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
        let limit =
            text(raw.get("limit")).map(|l| l.parse::<u32>().map_err(|_| format!("limit `{l}` is not a whole number"))).transpose()?;
        let policy = match raw.get("retryPolicy").and_then(Value::as_str).unwrap_or("OnFailure") {
            "Always" => Policy::Always,
            "OnFailure" => Policy::OnFailure,
            "OnError" => Policy::OnError,
            "OnTransientError" => Policy::OnTransientError,
            other => return Err(format!("retryPolicy `{other}` (valid: Always, OnFailure, OnError, OnTransientError)")),
        };
        let backoff = match raw.get("backoff") {
            None => None,
            Some(b) => Some(Backoff {
                duration: retry::parse_duration(&text(b.get("duration")).unwrap_or_default())?,
                factor: text(b.get("factor"))
                    .map(|f| f.parse::<u32>().map_err(|_| format!("backoff.factor `{f}` is not a whole number")))
                    .transpose()?,
                max_duration: text(b.get("maxDuration")).map(|d| retry::parse_duration(&d)).transpose()?,
                cap: text(b.get("cap")).map(|d| retry::parse_duration(&d)).transpose()?,
            }),
        };
        Ok(Strategy { limit, policy, expression: raw.get("expression").and_then(Value::as_str).map(str::to_owned), backoff })
    }

    /// One attempt of a template.
    fn once(&self, found: Found, local: &Scope, prefix: &str, retries: usize, retry_deadline: Option<Instant>) -> Outcome {
        let t = found.template;
        if t.get("container").is_some() {
            return self.pod(found, local, prefix.trim_end_matches('/'), retries, retry_deadline);
        }
        if t.get("dag").is_some() {
            return self.dag(found, local, prefix);
        }
        if t.get("steps").is_some() {
            return self.steps(found, local, prefix);
        }
        if let Some(suspend) = t.get("suspend") {
            let text = suspend.get("duration").map(|d| d.as_str().map(str::to_owned).unwrap_or_else(|| d.to_string()));
            return match text.map(|d| retry::parse_duration(&d)).transpose() {
                Ok(Some(d)) => {
                    std::thread::sleep(d.mul_f64(self.plan.options.time_scale));
                    Outcome::of(Phase::Succeeded, "")
                }
                Ok(None) => Outcome::of(Phase::Error, "suspend without a duration waits for a person to resume it: not possible locally"),
                Err(e) => Outcome::of(Phase::Error, format!("suspend.duration: {e}")),
            };
        }
        Outcome::of(Phase::Error, "the template has no container, dag, steps or suspend that pipewright run can execute")
    }

    fn pod(&self, found: Found, local: &Scope, task: &str, retries: usize, retry_deadline: Option<Instant>) -> Outcome {
        let t = found.template;
        let plan = self.plan;
        let seq = self.pods.fetch_add(1, Ordering::SeqCst);
        let pod_name = format!("{}-{}-{seq}", plan.workflow, task.replace('/', "-"));
        let mut scope = self.global().with(local);
        scope.set("pod.name", pod_name.clone());
        scope.set("retries", retries.to_string());
        let mut errors = Vec::new();
        let container = scope.substitute_json(t.get("container").unwrap_or(&Value::Null), &mut errors);
        let own_volumes = scope.substitute_json(t.get("volumes").unwrap_or(&Value::Array(Vec::new())), &mut errors);
        let spec = plan.template.0.get("spec").cloned().unwrap_or(Value::Null);
        let workflow_volumes = self.global().substitute_json(spec.get("volumes").unwrap_or(&Value::Array(Vec::new())), &mut errors);
        if !errors.is_empty() {
            return Outcome::of(Phase::Error, errors.join("; "));
        }
        let claim_templates: BTreeSet<&str> = spec
            .get("volumeClaimTemplates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.pointer("/metadata/name").and_then(Value::as_str))
            .collect();
        let mut mounts = Vec::new();
        for m in container.get("volumeMounts").and_then(Value::as_array).into_iter().flatten() {
            let name = m.get("name").and_then(Value::as_str).unwrap_or("");
            let path = m.get("mountPath").and_then(Value::as_str).unwrap_or("").to_owned();
            let read_only = m.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
            let find =
                |vs: &Value| vs.as_array().and_then(|a| a.iter().find(|v| v.get("name").and_then(Value::as_str) == Some(name)).cloned());
            let host = if let Some(v) = find(&own_volumes).or_else(|| find(&workflow_volumes)) {
                volumes::materialize(&v, &plan.dirs, &pod_name, &plan.options.secrets)
            } else if claim_templates.contains(name) {
                Ok(plan.dirs.claim_template(name))
            } else {
                Err(format!("volumeMount {name}: no volume of that name in the template, the workflow or its volumeClaimTemplates"))
            };
            match host {
                Ok(mut host) => {
                    if let Some(sub) = m.get("subPath").and_then(Value::as_str).filter(|s| !s.is_empty()) {
                        host = host.join(sub);
                        let _ = std::fs::create_dir_all(&host);
                    }
                    mounts.push(Mount { host, path, read_only });
                }
                Err(e) => return Outcome::of(Phase::Error, e),
            }
        }
        if !mounts.iter().any(|m| m.path == "/tmp") {
            let tmp = plan.dirs.pod(&pod_name).join("tmp");
            if let Err(e) = std::fs::create_dir_all(&tmp) {
                return Outcome::of(Phase::Error, format!("cannot create {}: {e}", tmp.display()));
            }
            mounts.push(Mount { host: tmp, path: "/tmp".into(), read_only: false });
        }
        let mut env = Vec::new();
        for e in container.get("env").and_then(Value::as_array).into_iter().flatten() {
            let name = e.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
            if let Some(reference) = e.pointer("/valueFrom/secretKeyRef") {
                let secret = reference.get("name").and_then(Value::as_str).unwrap_or("");
                let key = reference.get("key").and_then(Value::as_str).unwrap_or("");
                match plan.options.secrets.get(secret, key) {
                    Ok(data) => env.push((name, String::from_utf8_lossy(data).into_owned())),
                    Err(_) if reference.get("optional").and_then(Value::as_bool) == Some(true) => {}
                    Err(e) => return Outcome::of(Phase::Error, format!("env {name}: {e}")),
                }
            } else {
                env.push((name, e.get("value").and_then(Value::as_str).unwrap_or("").to_owned()));
            }
        }
        let strings = |key: &str| -> Vec<String> {
            container.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        };
        let command = strings("command");
        let mut argv = command.clone();
        argv.extend(strings("args"));
        let started = Instant::now();
        let own_deadline =
            t.get("activeDeadlineSeconds").and_then(as_seconds).map(|s| started + Duration::from_secs_f64(s * plan.options.time_scale));
        let deadline = [self.deadline, own_deadline, retry_deadline].into_iter().flatten().min();
        let pod = Pod {
            name: pod_name,
            image: container.get("image").and_then(Value::as_str).unwrap_or("").to_owned(),
            argv,
            has_command: !command.is_empty(),
            env,
            working_dir: container.get("workingDir").and_then(Value::as_str).map(str::to_owned),
            mounts,
            deadline,
        };
        let missing: Mutex<Option<String>> = Mutex::new(None);
        let exit = self.executor.run(&pod, &|line, _| {
            if let Some(program) = missing_program(line)
                && let Ok(mut m) = missing.lock()
            {
                *m = Some(program);
            }
            self.console.line(task, line)
        });
        let missing = missing.into_inner().ok().flatten();
        if let Ok(mut total) = self.step_time.lock() {
            *total += started.elapsed().as_secs_f64();
        }
        let mut outcome = match exit {
            Exit::Code(0) => Outcome { exit_code: Some(0), ..Outcome::of(Phase::Succeeded, "") },
            Exit::Code(127) if self.executor.name() == "host" => Outcome {
                exit_code: Some(127),
                retryable: false,
                ..Outcome::of(
                    Phase::Error,
                    format!(
                        "{} is not installed on this machine (exit code 127; not retried: a retry cannot install it): install it, pass --skip {task}, or use --executor docker|podman",
                        missing.map(|p| format!("`{p}`")).unwrap_or_else(|| "a program the step runs".into())
                    ),
                )
            },
            Exit::Code(code) => Outcome { exit_code: Some(code), ..Outcome::of(Phase::Failed, format!("Error (exit code {code})")) },
            Exit::Deadline => Outcome::of(Phase::Failed, "Pod was active on the node longer than the specified deadline"),
            Exit::NotStarted(why) if self.executor.name() == "host" => Outcome {
                retryable: false,
                ..Outcome::of(Phase::Error, format!("{why}: install it, pass --skip {task}, or use --executor docker|podman"))
            },
            Exit::NotStarted(why) => Outcome::of(Phase::Error, why),
        };
        if outcome.phase == Phase::Succeeded
            && let Err(e) = self.collect_outputs(t, &pod, task, &mut outcome.outputs)
        {
            outcome = Outcome::of(Phase::Error, e);
        }
        outcome
    }

    fn collect_outputs(&self, t: &Value, pod: &Pod, task: &str, outputs: &mut Outputs) -> Result<(), String> {
        for p in t.pointer("/outputs/parameters").and_then(Value::as_array).into_iter().flatten() {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let Some(path) = p.pointer("/valueFrom/path").and_then(Value::as_str) else { continue };
            let host = volumes::host_path(&pod.mounts, path);
            let value = match host.as_ref().map(std::fs::read) {
                Some(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
                _ => match p.pointer("/valueFrom/default").and_then(Value::as_str) {
                    Some(d) => d.to_owned(),
                    None => return Err(format!("outputs.parameters.{name}: the step wrote no file at {path}")),
                },
            };
            if let Some(global) = p.get("globalName").and_then(Value::as_str)
                && let Ok(mut g) = self.global.lock()
            {
                g.set(format!("workflow.outputs.parameters.{global}"), value.clone());
            }
            outputs.insert(name.to_owned(), value);
        }
        for a in t.pointer("/outputs/artifacts").and_then(Value::as_array).into_iter().flatten() {
            let name = a.get("name").and_then(Value::as_str).unwrap_or("");
            let path = a.get("path").and_then(Value::as_str).unwrap_or("");
            let optional = a.get("optional").and_then(Value::as_bool).unwrap_or(false);
            let source = volumes::host_path(&pod.mounts, path).filter(|p| p.exists());
            let Some(source) = source else {
                if optional {
                    continue;
                }
                return Err(format!("outputs.artifacts.{name}: nothing at {path}"));
            };
            let target = self.plan.dirs.run.join("artifacts").join(task).join(name);
            copy(&source, &target).map_err(|e| format!("outputs.artifacts.{name}: cannot save {path}: {e}"))?;
        }
        Ok(())
    }

    /// Runs one task or step: decides whether it runs, runs it, and records it.
    fn call(&self, owner: usize, call: &Value, scope: &Scope, path: &str) -> TaskRecord {
        let started = Instant::now();
        let name = path.rsplit('/').next().unwrap_or(path);
        let found = self.templates.called(owner, call);
        let template = found.as_ref().map(|f| template_label(call, f)).unwrap_or_default();
        let mut record = TaskRecord {
            name: path.into(),
            template: template.clone(),
            status: Phase::Skipped,
            message: String::new(),
            exit_code: None,
            duration_seconds: 0.0,
            attempts: 0,
            outputs: BTreeMap::new(),
        };
        let found = match found {
            Ok(f) => f,
            Err(e) => {
                record.status = Phase::Error;
                record.message = e;
                return record;
            }
        };
        if let Some(when) = call.get("when").and_then(Value::as_str) {
            let decided =
                scope.substitute(when).and_then(|w| expr::eval_bool(&w, &|_| None::<ExprValue>).map_err(|e| format!("when: {e}")));
            match decided {
                Ok(true) => {}
                Ok(false) => {
                    record.message = format!("when '{when}' evaluated false");
                    return record;
                }
                Err(e) => {
                    record.status = Phase::Error;
                    record.message = e;
                    return record;
                }
            }
        }
        if self.plan.options.skip.iter().any(|s| s == path || s == name) {
            record.message = "skipped by --skip".into();
            return record;
        }
        let mut args = BTreeMap::new();
        for p in call.pointer("/arguments/parameters").and_then(Value::as_array).into_iter().flatten() {
            let pname = p.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
            let raw = p.get("value").and_then(Value::as_str).unwrap_or("");
            match scope.substitute(raw) {
                Ok(v) => {
                    args.insert(pname, v);
                }
                Err(e) => {
                    record.status = Phase::Error;
                    record.message = format!("arguments.parameters.{pname}: {e}");
                    return record;
                }
            }
        }
        self.console.started(path, &template);
        let (outcome, attempts) = self.invoke_counted(found, &args, &format!("{path}/"));
        record.status = outcome.phase;
        record.message = outcome.message;
        record.exit_code = outcome.exit_code;
        record.outputs = outcome.outputs;
        record.attempts = attempts;
        record.duration_seconds = started.elapsed().as_secs_f64();
        record
    }

    fn dag(&self, found: Found, local: &Scope, prefix: &str) -> Outcome {
        let tasks: Vec<&Value> = found.template.pointer("/dag/tasks").and_then(Value::as_array).into_iter().flatten().collect();
        let names: Vec<String> = tasks.iter().map(|t| t.get("name").and_then(Value::as_str).unwrap_or("").to_owned()).collect();
        let mut deps: Vec<Vec<String>> = Vec::new();
        for (i, task) in tasks.iter().enumerate() {
            let d = dependencies(task);
            if let Some(bad) = d.iter().find(|d| !names.contains(d)) {
                return Outcome::of(Phase::Error, format!("dag.tasks[{i}] ({}): depends on {bad}, which is not a task", names[i]));
            }
            deps.push(d);
        }
        let mut phases: BTreeMap<String, Phase> = BTreeMap::new();
        let mut outputs: BTreeMap<String, Outputs> = BTreeMap::new();
        self.console.plan(&names.iter().map(|n| format!("{prefix}{n}")).collect::<Vec<_>>());
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel::<(String, TaskRecord)>();
            let mut pending: Vec<usize> = (0..tasks.len()).collect();
            let mut running = 0usize;
            loop {
                let mut progressed = true;
                while progressed {
                    progressed = false;
                    let ready: Vec<usize> = pending.iter().copied().filter(|i| deps[*i].iter().all(|d| phases.contains_key(d))).collect();
                    for i in ready {
                        pending.retain(|p| *p != i);
                        progressed = true;
                        let name = names[i].clone();
                        let path = format!("{prefix}{name}");
                        if !self.depends_met(tasks[i], &phases) {
                            let record = TaskRecord {
                                name: path,
                                template: String::new(),
                                status: Phase::Omitted,
                                message: "omitted: depends condition not met".into(),
                                exit_code: None,
                                duration_seconds: 0.0,
                                attempts: 0,
                                outputs: BTreeMap::new(),
                            };
                            phases.insert(name, Phase::Omitted);
                            self.record(record);
                            continue;
                        }
                        let mut scope = self.global().with(local);
                        for (task, outs) in &outputs {
                            for (k, v) in outs {
                                scope.set(format!("tasks.{task}.outputs.parameters.{k}"), v.clone());
                            }
                        }
                        let tx = tx.clone();
                        let task = tasks[i];
                        running += 1;
                        s.spawn(move || {
                            // A task that panics still reports, so the DAG never waits for it forever.
                            let record =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.call(found.owner, task, &scope, &path)))
                                    .unwrap_or_else(|_| TaskRecord {
                                        name: path.clone(),
                                        template: String::new(),
                                        status: Phase::Error,
                                        message: "pipewright run failed internally while running this task".into(),
                                        exit_code: None,
                                        duration_seconds: 0.0,
                                        attempts: 0,
                                        outputs: BTreeMap::new(),
                                    });
                            let _ = tx.send((name, record));
                        });
                    }
                }
                if running == 0 {
                    break;
                }
                let Ok((name, record)) = rx.recv() else { break };
                running -= 1;
                phases.insert(name.clone(), record.status);
                outputs.insert(name, record.outputs.clone());
                self.record(record);
            }
        });
        // The DAG's phase, from its target tasks (those no task depends on): an omitted or skipped
        // task carries the failure of the branch it is on.
        let mut branch: BTreeMap<&str, Phase> = BTreeMap::new();
        let order = topological(&names, &deps);
        for i in order {
            let own = phases.get(&names[i]).copied().unwrap_or(Phase::Omitted);
            let inherited = deps[i].iter().filter_map(|d| branch.get(d.as_str()).copied()).find(|p| p.failed()).unwrap_or(Phase::Succeeded);
            branch.insert(&names[i], if matches!(own, Phase::Skipped | Phase::Omitted) { inherited } else { own });
        }
        let targets: Vec<&str> = names.iter().filter(|n| !deps.iter().any(|d| d.contains(n))).map(String::as_str).collect();
        match targets.iter().filter_map(|t| branch.get(t).copied()).find(|p| p.failed()) {
            Some(phase) => {
                let failed: Vec<&str> = names.iter().filter(|n| phases.get(*n).is_some_and(|p| p.failed())).map(String::as_str).collect();
                Outcome::of(phase, format!("child '{}' failed", failed.first().copied().unwrap_or("?")))
            }
            None => Outcome::of(Phase::Succeeded, ""),
        }
    }

    /// `depends` (or the older `dependencies`) over the results of the tasks it names.
    fn depends_met(&self, task: &Value, phases: &BTreeMap<String, Phase>) -> bool {
        let lookup = |word: &str| -> Option<ExprValue> {
            let (name, result) = match word.rsplit_once('.') {
                Some((n, r)) if RESULTS.contains(&r) => (n, Some(r)),
                _ => (word, None),
            };
            let phase = *phases.get(name)?;
            Some(ExprValue::Bool(match result {
                None => matches!(phase, Phase::Succeeded | Phase::Skipped),
                Some("Succeeded" | "AnySucceeded") => phase == Phase::Succeeded,
                Some("Failed" | "AllFailed") => phase == Phase::Failed,
                Some("Errored") => phase == Phase::Error,
                Some("Skipped") => phase == Phase::Skipped,
                Some("Omitted") => phase == Phase::Omitted,
                _ => false,
            }))
        };
        if let Some(depends) = task.get("depends").and_then(Value::as_str).filter(|d| !d.trim().is_empty()) {
            return expr::eval_bool(depends, &lookup).unwrap_or(false);
        }
        dependencies(task).iter().all(|d| matches!(phases.get(d), Some(Phase::Succeeded | Phase::Skipped)))
    }

    fn steps(&self, found: Found, local: &Scope, prefix: &str) -> Outcome {
        let groups: Vec<&Value> = found.template.get("steps").and_then(Value::as_array).into_iter().flatten().collect();
        let mut outputs: BTreeMap<String, Outputs> = BTreeMap::new();
        for group in groups {
            let steps: Vec<&Value> = group.as_array().into_iter().flatten().collect();
            let mut scope = self.global().with(local);
            for (step, outs) in &outputs {
                for (k, v) in outs {
                    scope.set(format!("steps.{step}.outputs.parameters.{k}"), v.clone());
                }
            }
            let records: Vec<TaskRecord> = std::thread::scope(|s| {
                let handles: Vec<_> = steps
                    .iter()
                    .map(|step| {
                        let name = step.get("name").and_then(Value::as_str).unwrap_or("");
                        let path = format!("{prefix}{name}");
                        let scope = &scope;
                        s.spawn(move || self.call(found.owner, step, scope, &path))
                    })
                    .collect();
                handles.into_iter().filter_map(|h| h.join().ok()).collect()
            });
            let mut failed = None;
            for record in records {
                let name = record.name.rsplit('/').next().unwrap_or("").to_owned();
                if record.status.failed() && failed.is_none() {
                    failed = Some((name.clone(), record.status));
                }
                outputs.insert(name, record.outputs.clone());
                self.record(record);
            }
            if let Some((name, phase)) = failed {
                return Outcome::of(phase, format!("child '{name}' failed"));
            }
        }
        Outcome::of(Phase::Succeeded, "")
    }
}

/// The program a shell says it could not find: `sh: 1: trivy: not found`,
/// `scan: 16: exec: trivy: not found`, `bash: trivy: command not found`.
fn missing_program(line: &str) -> Option<String> {
    let before = line.strip_suffix(": not found").or_else(|| line.strip_suffix(": command not found"))?;
    let program = before.rsplit(": ").next()?.trim();
    (!program.is_empty() && !program.contains(' ')).then(|| program.to_owned())
}

/// The tasks a DAG task waits for: the names in its `depends`, or its `dependencies`.
fn dependencies(task: &Value) -> Vec<String> {
    if let Some(depends) = task.get("depends").and_then(Value::as_str) {
        let mut out: Vec<String> = Vec::new();
        for word in depends.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '!' | '&' | '|')).filter(|w| !w.is_empty()) {
            let name = match word.rsplit_once('.') {
                Some((n, r)) if RESULTS.contains(&r) => n,
                _ => word,
            };
            if !out.iter().any(|o| o == name) {
                out.push(name.to_owned());
            }
        }
        return out;
    }
    task.get("dependencies").and_then(Value::as_array).into_iter().flatten().filter_map(|d| d.as_str().map(str::to_owned)).collect()
}

fn topological(names: &[String], deps: &[Vec<String>]) -> Vec<usize> {
    let mut done: Vec<bool> = vec![false; names.len()];
    let mut order = Vec::new();
    while order.len() < names.len() {
        let before = order.len();
        for i in 0..names.len() {
            if !done[i] && deps[i].iter().all(|d| names.iter().position(|n| n == d).is_none_or(|j| done[j])) {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            // A cycle: the rest in declaration order (the run already refused to start them).
            order.extend((0..names.len()).filter(|i| !done[*i]));
            break;
        }
    }
    order
}

fn copy(source: &std::path::Path, target: &std::path::Path) -> std::io::Result<()> {
    if source.is_dir() {
        std::fs::create_dir_all(target)?;
        for entry in std::fs::read_dir(source)? {
            let entry = entry?;
            copy(&entry.path(), &target.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(source, target).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depends_names_are_read_from_expressions() {
        let task = json!({"name": "d", "depends": "(build-image.Succeeded || lint.Failed) && !test.Omitted && scan"});
        assert_eq!(dependencies(&task), ["build-image", "lint", "test", "scan"]);
        assert_eq!(dependencies(&json!({"dependencies": ["a", "b"]})), ["a", "b"]);
    }

    #[test]
    fn missing_programs_are_named_from_the_shell_message() {
        assert_eq!(missing_program("scan: 16: exec: trivy: not found").as_deref(), Some("trivy"));
        assert_eq!(missing_program("sh: 1: npm: not found").as_deref(), Some("npm"));
        assert_eq!(missing_program("bash: syft: command not found").as_deref(), Some("syft"));
        assert_eq!(missing_program("the file was not found"), None);
    }

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)), "2023-11-14T22:13:20Z");
    }
}
