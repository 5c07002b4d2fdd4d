//! GitHub Actions annotations: `::error file=…,line=…,col=…,title=…::message`, one per finding.

use super::super::finding::Report;
use super::{object, severity};

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        let mut props = Vec::new();
        if let Some(file) = &f.file {
            props.push(format!("file={}", property(file)));
        }
        if let (Some(line), Some(column)) = (f.line, f.column) {
            props.push(format!("line={line},col={column}"));
        }
        props.push(format!("title={}", property(f.rule)));
        let message = format!("{} ({} at {})", f.message, object(f), f.path);
        writeln!(out, "::{} {}::{}", severity(f), props.join(","), data(&message))?;
    }
    Ok(())
}

/// Escapes a message as the workflow-command format requires.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
