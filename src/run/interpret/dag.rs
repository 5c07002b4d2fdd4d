//! DAGs and steps: a task runs once its dependencies are fulfilled, its `depends` holds (else
//! Omitted) and its `when` holds (else Skipped); independent tasks run side by side; a DAG's
//! phase comes from its target tasks, an omitted or skipped task carrying its branch's failure.

use super::{State, template_label};
use crate::run::Outputs;
use crate::run::expr::{self, Value as ExprValue};
use crate::run::node::{Outcome, Phase, TaskRecord};
use crate::run::scope::Scope;
use crate::run::templates::Found;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

const RESULTS: [&str; 8] = ["Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned", "AnySucceeded", "AllFailed"];

impl State<'_> {
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

    pub(super) fn dag(&self, found: Found, local: &Scope, prefix: &str) -> Outcome {
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

    pub(super) fn steps(&self, found: Found, local: &Scope, prefix: &str) -> Outcome {
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
}
