//! Retries as Argo's controller makes them (`processNodeRetries` in
//! `workflow/controller/operator.go`), applied to every `retryStrategy` of the rendered library:
//! the wait before retry n is `duration × factor^(n-1)`, bounded by `cap`; `maxDuration` is a
//! deadline counted from the start of the *first* attempt, a retry whose wait would end after it
//! is not made, and the retry pod's execution deadline is that same deadline.

use super::support::{function, items};
use serde_json::Value;

/// Seconds in an Argo duration string (`15s`, `1m`, `2h`, or a bare number of seconds).
fn seconds(text: &str) -> u64 {
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let n: u64 = number.parse().unwrap_or_else(|_| panic!("not a duration: {text}"));
    match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => panic!("unexpected duration unit in {text}"),
    }
}

/// What the controller does with a step whose every attempt fails after `attempt` seconds:
/// the waits before the retries it makes, and the execution deadline it gives them (seconds
/// after the first attempt started), if any.
fn argo_retries(strategy: &Value, attempt: u64) -> (Vec<u64>, Option<u64>) {
    let limit: u64 = strategy["limit"].as_str().expect("limit").parse().unwrap();
    let backoff = &strategy["backoff"];
    let base = seconds(backoff["duration"].as_str().expect("backoff.duration"));
    let factor: u32 = backoff["factor"].as_str().unwrap_or("1").parse().unwrap();
    let cap = backoff["cap"].as_str().map(seconds);
    let deadline = backoff["maxDuration"].as_str().map(seconds);
    let mut waits = Vec::new();
    let mut finished = attempt;
    let mut children = 1u32;
    loop {
        if deadline.is_some_and(|d| finished > d) {
            break;
        }
        let mut wait = base * u64::from(factor).pow(children - 1);
        if let Some(cap) = cap {
            wait = wait.min(cap);
        }
        if deadline.is_some_and(|d| finished + wait > d) {
            break;
        }
        if u64::from(children) > limit {
            break;
        }
        waits.push(wait);
        // The retry pod is killed at the deadline when there is one.
        let start = finished + wait;
        finished = deadline.map_or(start + attempt, |d| (start + attempt).min(d));
        children += 1;
    }
    (waits, deadline)
}

/// Every template of the default library that has a retry strategy, by name.
fn retried_templates() -> Vec<(String, Value)> {
    let input = b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Platform\n  metadata: {name: acme}\n  spec: {}\n";
    let run = function(input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut out = Vec::new();
    for item in items(&run.stdout) {
        for t in item["spec"]["templates"].as_array().into_iter().flatten() {
            if t.get("retryStrategy").is_some() {
                out.push((
                    format!("{}/{}", item["metadata"]["name"].as_str().unwrap(), t["name"].as_str().unwrap()),
                    t["retryStrategy"].clone(),
                ));
            }
        }
    }
    assert!(out.len() >= 5, "expected the network-bound steps to retry, found {}", out.len());
    out
}

/// A step that fails after a long attempt (ten minutes: a slow build or scan) is still retried
/// twice, 15 s then 30 s later, and no retry gets a deadline shorter than the step's own time.
#[test]
fn long_failing_attempts_are_retried_twice_after_15_then_30_seconds() {
    for (name, strategy) in retried_templates() {
        for attempt in [5, 45, 600] {
            let (waits, deadline) = argo_retries(&strategy, attempt);
            assert_eq!(waits, vec![15, 30], "{name}: an attempt that fails after {attempt}s gets retries after {waits:?}");
            assert_eq!(deadline, None, "{name}: maxDuration would kill retries {deadline:?}s after the first attempt started");
        }
        assert!(strategy["backoff"]["cap"].is_string(), "{name}: the back-off has no cap");
    }
}

/// The simulation itself sees the old settings' failure, so the test above can fail.
#[test]
fn a_one_minute_max_duration_stops_retries_of_long_attempts() {
    let old: Value = serde_json::json!({"limit": "2", "backoff": {"duration": "15s", "factor": "2", "maxDuration": "1m"}});
    assert_eq!(argo_retries(&old, 5), (vec![15, 30], Some(60)));
    assert_eq!(argo_retries(&old, 50), (vec![], Some(60)));
    let capped: Value = serde_json::json!({"limit": "3", "backoff": {"duration": "15s", "factor": "2", "cap": "20s"}});
    assert_eq!(argo_retries(&capped, 600), (vec![15, 20, 20], None));
}
