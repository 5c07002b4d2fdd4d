//! SARIF 2.1.0, for code-scanning upload: one run, every rule described, one result per
//! finding with its file and region when known, and its object as a logical location.

use super::super::finding::Report;
use super::super::rules::Rule;
use super::{object, severity};
use serde_json::{Value, json};

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            let level = if r.severity() == crate::krm::Severity::Error { "error" } else { "warning" };
            json!({"id": r.id(), "shortDescription": {"text": r.summary()}, "defaultConfiguration": {"level": level}})
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut location =
                json!({"logicalLocations": [{"fullyQualifiedName": format!("{}:{}", object(f), f.path), "kind": "resource"}]});
            if let Some(file) = &f.file {
                let mut physical = json!({"artifactLocation": {"uri": file}});
                if let (Some(line), Some(column)) = (f.line, f.column) {
                    physical["region"] = json!({"startLine": line, "startColumn": column});
                }
                location["physicalLocation"] = physical;
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": Rule::ALL.iter().position(|r| r.id() == f.rule),
                "level": severity(f),
                "message": {"text": format!("{} ({} at {})", f.message, object(f), f.path)},
                "locations": [location],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pipewright lint", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
