//! The interpreter: walks the entrypoint's DAG or steps as Argo's controller does. A task runs
//! once its dependencies are fulfilled and its `depends` holds (else Omitted) and its `when`
//! holds (else Skipped); independent tasks run at the same time; a failed branch's omitted
//! descendants carry its failure to the DAG's result; `retryStrategy` and the deadlines apply
//! per node; the exit handler runs last with `workflow.status` and `workflow.failures`.
//! Pods are in [`pod`], DAGs and steps in [`dag`].

mod dag;
mod pod;

use super::Plan;
use super::console::{Console, Report};
use super::executor::Executor;
use super::node::{Outcome, Phase, TaskRecord};
use super::retry::{self, Attempt, Backoff, Decision, Policy, Strategy};
use super::scope::Scope;
use super::templates::{Found, Templates};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant, SystemTime};

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)), "2023-11-14T22:13:20Z");
    }
}
