//! CronWorkflow schedules and time zone: each schedule parses as Argo's cron parser reads it
//! (five fields, a descriptor, `@every <duration>`, optionally after `CRON_TZ=<zone>`), and the
//! time zone is an IANA name.

use super::super::finding::Finding;
use super::super::index::{Index, list};
use super::super::rules::Rule;
use super::did_you_mean;
use super::timezones::ZONES;
use serde_json::Value;

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for (doc, object) in index.objects_of("CronWorkflow") {
        let spec = &object.0["spec"];
        let mut schedules: Vec<(String, &Value)> =
            list(&spec["schedules"]).iter().enumerate().map(|(i, s)| (format!("spec.schedules[{i}]"), s)).collect();
        if let Some(s) = spec.get("schedule") {
            schedules.push(("spec.schedule".into(), s));
        }
        for (path, s) in schedules {
            if let Err(e) = schedule(s.as_str().unwrap_or("")) {
                out.push(Finding::new(Rule::CronSchedule, doc, path, e));
            }
        }
        if let Some(zone) = spec.get("timezone").and_then(Value::as_str)
            && let Err(e) = timezone(zone)
        {
            out.push(Finding::new(Rule::CronTimezone, doc, "spec.timezone", e));
        }
    }
}

fn timezone(zone: &str) -> Result<(), String> {
    if zone.is_empty() || zone == "Local" || ZONES.binary_search(&zone).is_ok() {
        return Ok(());
    }
    Err(format!(
        "{zone:?} is not an IANA time zone{}: use a name such as \"Europe/Berlin\" or \"UTC\"",
        did_you_mean(zone, ZONES.iter().copied())
    ))
}

fn schedule(s: &str) -> Result<(), String> {
    let s = s.trim();
    let mut rest = s;
    for prefix in ["CRON_TZ=", "TZ="] {
        if let Some(tail) = s.strip_prefix(prefix) {
            let (zone, after) = tail.split_once(' ').unwrap_or((tail, ""));
            timezone(zone)?;
            rest = after.trim_start();
        }
    }
    if let Some(every) = rest.strip_prefix("@every ") {
        return duration(every.trim()).then_some(()).ok_or_else(|| format!("{s:?}: @every needs a duration such as 5m or 1h30m"));
    }
    crate::validate::cron_schedule(rest).map_err(|every_bad_field| every_bad_field.join("; "))
}

/// A Go duration: numbers with units (`1h30m`, `90s`, `1.5h`).
fn duration(s: &str) -> bool {
    let mut rest = s;
    let mut parts = 0;
    while !rest.is_empty() {
        let number = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if number == 0 {
            return false;
        }
        rest = &rest[number..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"].iter().filter(|u| rest.starts_with(*u)).max_by_key(|u| u.len());
        let Some(unit) = unit else { return false };
        rest = &rest[unit.len()..];
        parts += 1;
    }
    parts > 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_schedules_as_argo_does() {
        for ok in ["0 3 * * *", "@daily", "@every 1h30m", "CRON_TZ=Europe/Berlin 0 3 * * *"] {
            assert_eq!(super::schedule(ok), Ok(()), "{ok}");
        }
        for bad in ["0 3 * *", "@every soon", "CRON_TZ=Mars/Base 0 3 * * *", "61 * * * *"] {
            assert!(super::schedule(bad).is_err(), "{bad}");
        }
        assert!(super::timezone("Europe/Berlni").unwrap_err().contains("did you mean `Europe/Berlin`"));
    }
}
