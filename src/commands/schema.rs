//! `pipewright schema [KIND]`: the JSON Schema of each kind, from the same types the function uses.

use super::exit;
use crate::spec::Kind;
use std::io::Write;

/// Prints one kind's schema, or a JSON object of all of them keyed by kind.
pub fn run(kind: Option<Kind>, output: &mut dyn Write) -> i32 {
    let value = match kind {
        Some(k) => k.schema(),
        None => serde_json::Value::Object(Kind::ALL.into_iter().map(|k| (k.as_str().to_owned(), k.schema())).collect()),
    };
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    match writeln!(output, "{text}") {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(_) => exit::INPUT,
    }
}
