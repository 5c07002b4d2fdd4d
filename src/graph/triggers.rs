//! What starts a pipeline, read from the rendered Sensor (its dependencies' filters and the
//! `event` each trigger submits) and CronWorkflow (its schedules), plus manual submission.

use super::workflow::parameters;
use crate::krm::Object;
use serde_json::Value;

/// One way a run starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// The `event` parameter the run gets: push, tag, pull-request, schedule or manual.
    pub event: String,
    /// What starts it, in a few words ("push to main, release/*").
    pub summary: String,
    /// The payload it reads: github (GitHub and GitHub-compatible webhooks), gitlab, cron or manual.
    pub payload: String,
    /// The object that starts it (`Sensor/ns/name`, `CronWorkflow/ns/name`, or the WorkflowTemplate for manual runs).
    pub object: String,
}

/// Every trigger of the pipeline `namespace/name`: manual first, then the Sensor's triggers in
/// its order, then the CronWorkflow's schedules.
pub fn triggers(objects: &[Object], wt: &Object) -> Vec<Trigger> {
    let namespace = wt.namespace().unwrap_or("");
    let name = wt.name();
    let mut out = Vec::new();
    if let Some(event) = super::workflow::workflow_argument(wt, "event") {
        out.push(Trigger {
            event: event.to_owned(),
            summary: "manual submit".into(),
            payload: "manual".into(),
            object: wt.reference().to_string(),
        });
    }
    let here = |o: &&Object| o.group() == "argoproj.io" && o.namespace() == Some(namespace);
    for sensor in objects.iter().filter(here).filter(|o| o.kind() == "Sensor") {
        out.extend(sensor_triggers(sensor, name));
    }
    for cron in objects.iter().filter(here).filter(|o| o.kind() == "CronWorkflow") {
        if cron.0.pointer("/spec/workflowSpec/workflowTemplateRef/name").and_then(Value::as_str) != Some(name) {
            continue;
        }
        let event = parameters(cron.0.pointer("/spec/workflowSpec/arguments/parameters"))
            .find(|(n, _)| *n == "event")
            .map_or("schedule", |(_, v)| v)
            .to_owned();
        let zone = cron.0.pointer("/spec/timezone").and_then(Value::as_str).map(|z| format!(" ({z})")).unwrap_or_default();
        let schedules = cron.0.pointer("/spec/schedules").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
        let single = cron.0.pointer("/spec/schedule").and_then(Value::as_str);
        for schedule in schedules.chain(single) {
            out.push(Trigger {
                event: event.clone(),
                summary: format!("schedule {schedule}{zone}"),
                payload: "cron".into(),
                object: cron.reference().to_string(),
            });
        }
    }
    out
}

fn sensor_triggers(sensor: &Object, pipeline: &str) -> Vec<Trigger> {
    let dependencies = sensor.0.pointer("/spec/dependencies").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for trigger in sensor.0.pointer("/spec/triggers").and_then(Value::as_array).into_iter().flatten() {
        let template = &trigger["template"];
        let resource = &template["argoWorkflow"]["source"]["resource"];
        if resource.pointer("/spec/workflowTemplateRef/name").and_then(Value::as_str) != Some(pipeline) {
            continue;
        }
        let event = parameters(resource.pointer("/spec/arguments/parameters")).find(|(n, _)| *n == "event").map_or("", |(_, v)| v);
        let condition = template["conditions"].as_str().unwrap_or("");
        let dependency = dependencies.iter().find(|d| d["name"].as_str() == Some(condition));
        let filters = dependency.map(filters).unwrap_or_default();
        let gitlab = filters.iter().any(|(path, _)| path == "body.object_kind");
        out.push(Trigger {
            event: event.to_owned(),
            summary: summary(event, &filters, gitlab),
            payload: if gitlab { "gitlab" } else { "github" }.into(),
            object: sensor.reference().to_string(),
        });
    }
    out
}

/// `(path, first value)` of a dependency's data filters.
fn filters(dependency: &Value) -> Vec<(String, String)> {
    dependency
        .pointer("/filters/data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| Some((f["path"].as_str()?.to_owned(), f.pointer("/value/0")?.as_str()?.to_owned())))
        .collect()
}

fn summary(event: &str, filters: &[(String, String)], gitlab: bool) -> String {
    let reference = filters.iter().find(|(p, _)| p == "body.ref").map(|(_, v)| v.as_str());
    match (event, reference) {
        ("push", Some(re)) => match re.strip_prefix("^refs/heads/(").and_then(|r| r.strip_suffix(")$")) {
            Some(alternatives) => format!("push to {}", alternatives.split('|').map(glob).collect::<Vec<_>>().join(", ")),
            None => format!("push to a branch matching {re}"),
        },
        ("tag", Some(re)) if re.contains(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)") => "semver tag (v1.2.3)".into(),
        ("tag", Some(re)) => format!("tag matching {re}"),
        ("pull-request", _) if gitlab => "merge request".into(),
        ("pull-request", _) => "pull request".into(),
        (other, _) => format!("{other} event"),
    }
}

/// A branch alternative of the Sensor's regex as the glob it came from (`release/[A-Za-z0-9._-]+` → `release/*`).
fn glob(alternative: &str) -> String {
    alternative.replace("[A-Za-z0-9._-]+", "*").replace(r"\.", ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_regexes_read_back_as_globs() {
        let filters = vec![("body.ref".to_owned(), r"^refs/heads/(main|release/[A-Za-z0-9._-]+|v1\.x)$".to_owned())];
        assert_eq!(summary("push", &filters, false), "push to main, release/*, v1.x");
        assert_eq!(summary("pull-request", &[], true), "merge request");
    }
}
