//! The report's formats: plain text for people, JSON for scripts, SARIF for code scanning,
//! GitHub Actions annotations, and KRM results for the validator. One file per format.

mod github;
mod json;
pub mod krm;
mod sarif;
mod text;

use super::finding::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `file:line:col: severity rule: message (kind/namespace/name at path)`, one per line.
    Text,
    /// `{"findings": […], "errors": N, "warnings": N}`.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`).
    Github,
}

/// Writes the report in a format.
pub fn write(report: &Report, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Text => text::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
    }
}

/// `Kind/namespace/name`, or `Kind/name` without a namespace.
fn object(f: &super::Placed) -> String {
    match &f.namespace {
        Some(ns) => format!("{}/{ns}/{}", f.kind, f.name),
        None => format!("{}/{}", f.kind, f.name),
    }
}

/// `file:line:col`, `file`, or None for objects rendered in memory.
fn place(f: &super::Placed) -> Option<String> {
    let file = f.file.as_ref()?;
    Some(match (f.line, f.column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        _ => file.clone(),
    })
}

fn severity(f: &super::Placed) -> &'static str {
    match f.severity {
        crate::krm::Severity::Error => "error",
        crate::krm::Severity::Warning => "warning",
        crate::krm::Severity::Info => "note",
    }
}
