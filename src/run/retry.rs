//! `retryStrategy` as Argo's controller applies it (`processNodeRetries` in
//! `workflow/controller/operator.go`): `backoff.maxDuration` is a deadline counted from the
//! start of the first attempt, a retry whose back-off would end after it is not made, and the
//! retry's pod gets that deadline; the wait is `duration × factor^(attempts − 1)`, bounded by
//! `cap`; then `retryPolicy`, `limit` and `expression` decide.

use super::expr::{self, Value};
use super::node::Phase;
use std::time::{Duration, Instant};

/// A template's `retryStrategy`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    /// How many retries after the first attempt (None: unlimited, as in Argo).
    pub limit: Option<u32>,
    /// What kind of failure is retried.
    pub policy: Policy,
    /// An expr-lang condition over `lastRetry.*` that must also hold.
    pub expression: Option<String>,
    /// The wait between attempts.
    pub backoff: Option<Backoff>,
}

/// `retryPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Failed and errored attempts.
    Always,
    /// Failed attempts (the default).
    OnFailure,
    /// Errored attempts.
    OnError,
    /// Errors that look transient.
    OnTransientError,
}

/// `retryStrategy.backoff`.
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    /// The first wait.
    pub duration: Duration,
    /// The growth of the wait per attempt.
    pub factor: Option<u32>,
    /// A deadline counted from the first attempt's start.
    pub max_duration: Option<Duration>,
    /// The longest wait.
    pub cap: Option<Duration>,
}

/// One finished attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// How it ended.
    pub phase: Phase,
    /// The main container's exit code, when it ran.
    pub exit_code: Option<i32>,
    /// Why it ended so.
    pub message: String,
    /// When it started.
    pub started: Instant,
    /// When it ended.
    pub finished: Instant,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Wait, then try again; the next attempt must end by the deadline, if any.
    Retry {
        /// The back-off.
        wait: Duration,
        /// `maxDuration`'s deadline, which the next attempt inherits.
        deadline: Option<Instant>,
    },
    /// Give up, with the controller's reason.
    Stop(String),
}

/// Parses an Argo duration: a whole number of seconds, or a Go duration (`15s`, `1m30s`, `2h`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total = 0f64;
    let mut number = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    if chars.is_empty() {
        return Err("an empty duration".into());
    }
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            i += 1;
            continue;
        }
        let unit_len = if text[i..].starts_with("ms") || text[i..].starts_with("us") || text[i..].starts_with("ns") { 2 } else { 1 };
        let unit: String = chars[i..i + unit_len].iter().collect();
        let n: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration (e.g. 15s, 1m, 2h)"))?;
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" => 1e-6,
            "ns" => 1e-9,
            _ => return Err(format!("`{text}` is not a duration (e.g. 15s, 1m, 2h)")),
        };
        number.clear();
        i += unit_len;
    }
    if !number.is_empty() {
        return Err(format!("`{text}` is not a duration: the last number has no unit"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// Decides, as the controller does, whether a node whose attempts so far all failed is retried.
/// `scale` shrinks every duration of the strategy (1.0 on a real run; tests pass less).
pub fn decide(strategy: &Strategy, attempts: &[Attempt], scale: f64) -> Decision {
    let (Some(first), Some(last)) = (attempts.first(), attempts.last()) else {
        return Decision::Stop("no attempt was made".into());
    };
    let scaled = |d: Duration| d.mul_f64(scale);
    let mut wait = Duration::ZERO;
    let mut deadline = None;
    if let Some(backoff) = &strategy.backoff {
        if let Some(max) = backoff.max_duration {
            let max_deadline = first.started + scaled(max);
            if last.finished > max_deadline {
                return Decision::Stop("Max duration limit exceeded".into());
            }
            deadline = Some(max_deadline);
        }
        wait = backoff.duration;
        if let Some(factor) = backoff.factor.filter(|f| *f > 0) {
            let power = (factor as f64).powi(attempts.len() as i32 - 1);
            wait = Duration::from_secs_f64((backoff.duration.as_secs_f64() * power).min(1e12));
        }
        if let Some(cap) = backoff.cap {
            wait = wait.min(cap);
        }
        wait = scaled(wait);
        if deadline.is_some_and(|d| last.finished + wait > d) {
            return Decision::Stop("Backoff would exceed max duration limit".into());
        }
    }
    let (on_failed, on_error) = match strategy.policy {
        Policy::Always => (true, true),
        Policy::OnFailure => (true, false),
        Policy::OnError => (false, true),
        Policy::OnTransientError => (false, false),
    };
    if (last.phase == Phase::Failed && !on_failed) || (last.phase == Phase::Error && !on_error) {
        return Decision::Stop(last.message.clone());
    }
    if let Some(limit) = strategy.limit
        && attempts.len() as u32 > limit
    {
        return Decision::Stop("No more retries left".into());
    }
    if let Some(expression) = &strategy.expression {
        let lookup = |name: &str| -> Option<Value> {
            Some(Value::Str(match name {
                "retries" => (attempts.len() - 1).to_string(),
                "lastRetry.exitCode" => last.exit_code.map_or("-1".into(), |c| c.to_string()),
                "lastRetry.status" => last.phase.as_str().into(),
                "lastRetry.duration" => (last.finished - last.started).as_secs_f64().to_string(),
                "lastRetry.message" => last.message.clone(),
                _ => return None,
            }))
        };
        match expr::eval_bool(expression, &lookup) {
            Ok(true) => {}
            Ok(false) => return Decision::Stop("retryStrategy.expression evaluated to false".into()),
            Err(e) => return Decision::Stop(format!("retryStrategy.expression: {e}")),
        }
    }
    Decision::Retry { wait, deadline }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(max_duration: Option<&str>, cap: Option<&str>) -> Strategy {
        Strategy {
            limit: Some(2),
            policy: Policy::Always,
            expression: Some("lastRetry.exitCode != \"2\"".into()),
            backoff: Some(Backoff {
                duration: parse_duration("15s").unwrap(),
                factor: Some(2),
                max_duration: max_duration.map(|d| parse_duration(d).unwrap()),
                cap: cap.map(|d| parse_duration(d).unwrap()),
            }),
        }
    }

    fn failed_after(start: Instant, seconds: u64, code: i32) -> Attempt {
        Attempt {
            phase: Phase::Failed,
            exit_code: Some(code),
            message: format!("Error (exit code {code})"),
            started: start,
            finished: start + Duration::from_secs(seconds),
        }
    }

    #[test]
    fn durations_parse_as_argo_does() {
        assert_eq!(parse_duration("15").unwrap(), Duration::from_secs(15));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse_duration("5 minutes").is_err());
        assert!(parse_duration("5").is_ok() && parse_duration("1.5h").unwrap() == Duration::from_secs(5400));
    }

    #[test]
    fn max_duration_is_a_deadline_from_the_first_attempt() {
        let start = Instant::now();
        // A 50 s attempt, then a 15 s wait, ends after the 1 m deadline: Argo gives up.
        let decision = decide(&strategy(Some("1m"), None), &[failed_after(start, 50, 1)], 1.0);
        assert_eq!(decision, Decision::Stop("Backoff would exceed max duration limit".into()));
        // A 70 s attempt is past the deadline already.
        let decision = decide(&strategy(Some("1m"), None), &[failed_after(start, 70, 1)], 1.0);
        assert_eq!(decision, Decision::Stop("Max duration limit exceeded".into()));
    }

    #[test]
    fn cap_bounds_the_wait_without_a_deadline() {
        let start = Instant::now();
        let first = failed_after(start, 300, 1);
        assert_eq!(
            decide(&strategy(None, Some("1m")), &[first.clone()], 1.0),
            Decision::Retry { wait: Duration::from_secs(15), deadline: None }
        );
        let second = failed_after(start + Duration::from_secs(320), 300, 1);
        assert_eq!(
            decide(&strategy(None, Some("20s")), &[first.clone(), second.clone()], 1.0),
            Decision::Retry { wait: Duration::from_secs(20), deadline: None }
        );
        let third = failed_after(start + Duration::from_secs(700), 10, 1);
        assert_eq!(decide(&strategy(None, Some("1m")), &[first, second, third], 1.0), Decision::Stop("No more retries left".into()));
    }

    #[test]
    fn policy_and_expression_stop_retries() {
        let start = Instant::now();
        assert_eq!(
            decide(&strategy(None, None), &[failed_after(start, 1, 2)], 1.0),
            Decision::Stop("retryStrategy.expression evaluated to false".into())
        );
        let mut on_error = strategy(None, None);
        on_error.policy = Policy::OnError;
        assert_eq!(decide(&on_error, &[failed_after(start, 1, 1)], 1.0), Decision::Stop("Error (exit code 1)".into()));
    }
}
