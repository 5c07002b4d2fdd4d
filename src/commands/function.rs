//! The KRM function on stdin and stdout.

use super::exit;
use crate::function;
use crate::krm::{self, Limits, ResourceList, ResultItem, Severity};
use std::io::{Read, Write};

/// Reads a ResourceList from `input`, writes the result to `output` and diagnostics to `errors`.
pub fn run(input: &mut dyn Read, output: &mut dyn Write, errors: &mut dyn Write) -> i32 {
    let limits = Limits::default();
    let mut bytes = Vec::new();
    // Read one byte past the limit, so oversized input is reported rather than truncated.
    let read = input.take(limits.max_bytes as u64 + 1).read_to_end(&mut bytes);
    let outcome = match read.map_err(|e| e.to_string()).and_then(|_| krm::parse_resource_list(&bytes, &limits).map_err(|e| e.to_string())) {
        Ok(list) => function::process(list),
        Err(message) => function::Outcome {
            list: ResourceList {
                results: vec![ResultItem { resource_ref: None, field: None, file: None, severity: Severity::Error, message }],
                ..Default::default()
            },
            failed: true,
        },
    };
    let mut results = outcome.list.results.clone();
    results.sort();
    for r in &results {
        let _ = writeln!(errors, "pipewright: {}", r.to_line());
    }
    let text = krm::write_resource_list(&outcome.list);
    if let Err(e) = output.write_all(text.as_bytes()).and_then(|_| output.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(errors, "pipewright: error: cannot write the output: {e}");
            return exit::INPUT;
        }
    }
    if outcome.failed { exit::INPUT } else { exit::OK }
}
