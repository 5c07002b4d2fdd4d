//! The KRM function on stdin and stdout.

use super::exit;
use crate::function;
use crate::krm::{self, FieldRef, FileRef, Limits, ListWriter, ResultItem, Severity};
use std::io::{Read, Write};

/// Reads a ResourceList from `input`, writes the result to `output` and diagnostics to `errors`.
pub fn run(input: &mut dyn Read, output: &mut dyn Write, errors: &mut dyn Write) -> i32 {
    let limits = Limits::default();
    // Reserve the whole limit up front: the pages are only touched as input arrives, and the
    // buffer never doubles and copies itself on the way (which held 192 MB for a 64 MiB read).
    let mut bytes = Vec::with_capacity(limits.max_bytes + 1);
    // Read one byte past the limit, so oversized input is reported rather than truncated.
    let read = input.take(limits.max_bytes as u64 + 1).read_to_end(&mut bytes);
    let parsed = match read {
        Ok(_) => krm::parse_resource_list(&bytes, &limits),
        Err(e) => Err(krm::ReadError::NotResourceList { path: ".".to_owned(), message: format!("cannot read the input: {e}") }),
    };
    drop(bytes);
    // A functionConfig of `kind: Lint` asks for validation instead (kustomize `validators:`, kpt).
    let parsed = match parsed {
        Ok(list) if super::lint::wants_validation(&list) => return super::lint::validate(list, output, errors, false),
        other => other,
    };
    let outcome = match parsed {
        Ok(list) => function::process(list),
        Err(e) => input_error(&e),
    };
    for r in &outcome.results {
        let _ = writeln!(errors, "pipewright: {}", r.to_line());
    }
    let mut writer = std::io::BufWriter::with_capacity(64 * 1024, output);
    let written = write(&outcome, &mut writer).and_then(|_| writer.flush());
    drop(writer);
    let failed = outcome.failed;
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(errors, "pipewright: error: cannot write the output: {e}");
        return exit::INPUT;
    }
    if failed { exit::INPUT } else { exit::OK }
}

/// Streams the output: each spec's objects are rendered, written and dropped in turn.
fn write(outcome: &function::Outcome, out: &mut dyn Write) -> std::io::Result<()> {
    let mut list = ListWriter::new(out, outcome.has_items());
    for item in outcome.items() {
        list.item(&item)?;
    }
    list.finish(&outcome.results)
}

/// An input the reader refused. Inside an object whose kind and name it could read, the result
/// names that object and the field in it (`spec.repo`), as the validator's results do;
/// otherwise it points at the field of the ResourceList at fault (`kind`, `items[2]`), or at
/// its root (`.`) when the text itself cannot be read.
fn input_error(error: &krm::ReadError) -> function::Outcome {
    let (resource_ref, file) = match error {
        krm::ReadError::InObject { object, file, .. } => (Some(object.clone()), file.clone().map(|path| FileRef { path })),
        _ => (None, None),
    };
    let field = Some(FieldRef { path: error.field_path().to_owned() });
    let result = ResultItem { resource_ref, field, file, severity: Severity::Error, message: error.to_string() };
    function::Outcome::failure(vec![result])
}
