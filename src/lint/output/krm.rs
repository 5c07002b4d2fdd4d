//! KRM results, for `pipewright lint` as a kustomize or kpt validator: the input items go out
//! unchanged, the findings become `results` (each naming its object, field and file).

use super::super::finding::Report;
use crate::krm::{FieldRef, FileRef, ObjectRef, ResultItem};

/// The findings as KRM results, sorted.
pub fn results(report: &Report) -> Vec<ResultItem> {
    let mut results: Vec<ResultItem> = report
        .findings
        .iter()
        .map(|f| ResultItem {
            resource_ref: (!f.kind.is_empty()).then(|| ObjectRef {
                api_version: f.api_version.clone(),
                kind: f.kind.clone(),
                name: f.name.clone(),
                namespace: f.namespace.clone(),
            }),
            field: (!f.path.is_empty()).then(|| FieldRef { path: f.path.clone() }),
            file: f.file.clone().map(|path| FileRef { path }),
            severity: f.severity,
            message: format!("{}: {}", f.rule, f.message),
        })
        .collect();
    results.sort();
    results
}
