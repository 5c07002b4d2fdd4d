//! Cron schedules as Argo's CronWorkflow parser (robfig/cron, standard) accepts them: five
//! fields, or a descriptor such as `@daily`. Each complaint names the field and its range.

const DESCRIPTORS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// Whether `?` is allowed (day of month and day of week).
    question: bool,
}

const FIELDS: [Field; 5] = [
    Field { name: "minute", min: 0, max: 59, names: &[], question: false },
    Field { name: "hour", min: 0, max: 23, names: &[], question: false },
    Field { name: "day of month", min: 1, max: 31, names: &[], question: true },
    Field { name: "month", min: 1, max: 12, names: &MONTHS, question: false },
    Field { name: "day of week", min: 0, max: 6, names: &DAYS, question: true },
];

/// Checks a cron schedule: every bad field (every bad item of a list) is one complaint.
pub fn schedule(s: &str) -> Result<(), Vec<String>> {
    const VALID: &str = "use five fields (minute hour day-of-month month day-of-week), such as \"0 3 * * *\", or @hourly, @daily, @weekly, @monthly, @yearly";
    if s.starts_with('@') {
        return if DESCRIPTORS.contains(&s) { Ok(()) } else { Err(vec![format!("{s:?} is not a cron descriptor: {VALID}")]) };
    }
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != FIELDS.len() {
        return Err(vec![format!("{s:?} has {} fields: {VALID}", parts.len())]);
    }
    let complaints: Vec<String> = parts
        .iter()
        .zip(&FIELDS)
        .flat_map(|(part, field)| {
            part.split(',')
                .filter_map(move |item| check_item(item, field).err().map(|e| format!("{s:?}: {} field {item:?} {e}", field.name)))
        })
        .collect();
    if complaints.is_empty() { Ok(()) } else { Err(complaints) }
}

fn check_item(item: &str, f: &Field) -> Result<(), String> {
    let range = format!(
        "(valid: {}-{}{}, *, ranges a-b, lists a,b and steps */n)",
        f.min,
        f.max,
        if f.names.is_empty() { String::new() } else { format!(" or {}-{}", f.names[0], f.names[f.names.len() - 1]) }
    );
    let (base, step) = match item.split_once('/') {
        Some((b, s)) => (b, Some(s)),
        None => (item, None),
    };
    if let Some(step) = step {
        match step.parse::<u32>() {
            Ok(n) if n >= 1 && n <= f.max.max(1) => {}
            _ => return Err(format!("has an invalid step {step:?} {range}")),
        }
    }
    if base == "*" || (base == "?" && f.question) {
        return Ok(());
    }
    let (low, high) = match base.split_once('-') {
        Some((a, b)) => (value(a, f), Some(value(b, f))),
        None => (value(base, f), None),
    };
    let low = low.ok_or_else(|| format!("is out of range {range}"))?;
    if let Some(high) = high {
        let high = high.ok_or_else(|| format!("is out of range {range}"))?;
        if high < low {
            return Err(format!("is a range that runs backwards {range}"));
        }
    }
    Ok(())
}

fn value(s: &str, f: &Field) -> Option<u32> {
    if let Some(i) = f.names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return Some(f.min + i as u32);
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 2 {
        return None;
    }
    s.parse::<u32>().ok().filter(|v| (f.min..=f.max).contains(v))
}

#[cfg(test)]
mod tests {
    use super::schedule;

    #[test]
    fn accepts_what_argo_accepts() {
        for ok in ["0 3 * * *", "*/15 * * * *", "0 0 1,15 * MON-FRI", "30 2 ? JAN-MAR 0", "@daily", "0 22 * * 1-5", "5 4 * * sun"] {
            assert!(schedule(ok).is_ok(), "{ok}: {:?}", schedule(ok));
        }
    }

    #[test]
    fn rejects_the_rest() {
        for bad in [
            "",
            "0 3 * *",
            "60 * * * *",
            "* 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "*/0 * * * *",
            "5-1 * * * *",
            "@every 5m",
            "@nightly",
            "0 3 * * * *",
            "a b c d e",
            "0 0 ? * *x",
        ] {
            assert!(schedule(bad).is_err(), "{bad}");
        }
        assert!(schedule("61 * * * *").unwrap_err()[0].contains("minute field"));
    }

    #[test]
    fn reports_every_bad_field() {
        let complaints = schedule("61 24 0,32 13 7").unwrap_err();
        let fields: Vec<&str> = complaints.iter().map(|c| c.split(" field ").next().unwrap().rsplit(": ").next().unwrap()).collect();
        assert_eq!(fields, ["minute", "hour", "day of month", "day of month", "month", "day of week"], "{complaints:?}");
    }
}
