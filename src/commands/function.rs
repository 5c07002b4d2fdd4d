//! The KRM function on stdin and stdout.

use super::exit;
use crate::function;
use crate::krm::{self, FieldRef, Limits, ResourceList, ResultItem, Severity};
use std::io::{Read, Write};

/// Reads a ResourceList from `input`, writes the result to `output` and diagnostics to `errors`.
pub fn run(input: &mut dyn Read, output: &mut dyn Write, errors: &mut dyn Write) -> i32 {
    let limits = Limits::default();
    let mut bytes = Vec::new();
    // Read one byte past the limit, so oversized input is reported rather than truncated.
    let read = input.take(limits.max_bytes as u64 + 1).read_to_end(&mut bytes);
    let parsed = match read {
        Ok(_) => krm::parse_resource_list(&bytes, &limits).map_err(|e| (e.field_path().to_owned(), e.to_string())),
        Err(e) => Err((".".to_owned(), format!("cannot read the input: {e}"))),
    };
    drop(bytes);
    let outcome = match parsed {
        Ok(list) => function::process(list),
        Err((path, message)) => input_error(path, message),
    };
    let mut results = outcome.list.results.clone();
    results.sort();
    for r in &results {
        let _ = writeln!(errors, "pipewright: {}", r.to_line());
    }
    let mut writer = std::io::BufWriter::with_capacity(64 * 1024, output);
    let written = krm::write_resource_list_to(&outcome.list, &mut writer).and_then(|_| writer.flush());
    drop(writer);
    // Freeing tens of thousands of trees takes a fifth of a large run; the process is about to
    // exit, so free them on another thread instead of making the caller wait.
    let failed = outcome.failed;
    std::thread::spawn(move || drop(outcome));
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(errors, "pipewright: error: cannot write the output: {e}");
        return exit::INPUT;
    }
    if failed { exit::INPUT } else { exit::OK }
}

/// An error in the input as a whole: no object to name, so the result points at the field of
/// the ResourceList at fault (`kind`, `items[2]`), or at its root (`.`) when the text itself
/// cannot be read.
fn input_error(path: String, message: String) -> function::Outcome {
    let result = ResultItem { resource_ref: None, field: Some(FieldRef { path }), file: None, severity: Severity::Error, message };
    function::Outcome { list: ResourceList { results: vec![result], ..Default::default() }, failed: true }
}
