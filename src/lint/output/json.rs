//! JSON: every finding with all its fields (null when unknown), and the counts.

use super::super::finding::Report;
use super::severity;
use serde_json::{Value, json};

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "severity": severity(f), "rule": f.rule, "file": f.file, "line": f.line, "column": f.column,
                "kind": f.kind, "namespace": f.namespace, "name": f.name, "path": f.path, "message": f.message,
            })
        })
        .collect();
    let doc = json!({"findings": findings, "errors": report.errors(), "warnings": report.warnings()});
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
