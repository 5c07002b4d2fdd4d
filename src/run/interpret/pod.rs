//! One pod of a template: its `{{…}}` substituted, its volumes, Secrets and `/tmp` made, its
//! deadline set, run on the executor, and its output parameters and artifacts collected.

use super::State;
use super::as_seconds;
use crate::run::executor::{Exit, Mount, Pod};
use crate::run::node::{Outcome, Phase};
use crate::run::scope::Scope;
use crate::run::templates::Found;
use crate::run::{Outputs, volumes};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

impl State<'_> {
    pub(super) fn pod(&self, found: Found, local: &Scope, task: &str, retries: usize, retry_deadline: Option<Instant>) -> Outcome {
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
}

/// The program a shell says it could not find: `sh: 1: trivy: not found`,
/// `scan: 16: exec: trivy: not found`, `bash: trivy: command not found`.
fn missing_program(line: &str) -> Option<String> {
    let before = line.strip_suffix(": not found").or_else(|| line.strip_suffix(": command not found"))?;
    let program = before.rsplit(": ").next()?.trim();
    (!program.is_empty() && !program.contains(' ')).then(|| program.to_owned())
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

    #[test]
    fn missing_programs_are_named_from_the_shell_message() {
        assert_eq!(missing_program("scan: 16: exec: trivy: not found").as_deref(), Some("trivy"));
        assert_eq!(missing_program("sh: 1: npm: not found").as_deref(), Some("npm"));
        assert_eq!(missing_program("bash: syft: command not found").as_deref(), Some("syft"));
        assert_eq!(missing_program("the file was not found"), None);
    }
}
