//! Plain text: one line per finding, then a count.

use super::super::finding::Report;
use super::{object, place, severity};

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        let at = place(f).map(|p| format!("{p}: ")).unwrap_or_default();
        let path = if f.path.is_empty() { String::new() } else { format!(" at {}", f.path) };
        writeln!(out, "{at}{} {}: {} ({}{path})", severity(f), f.rule, f.message, object(f))?;
    }
    let (errors, warnings) = (report.errors(), report.warnings());
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    writeln!(out, "{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}
