//! `pipewright schema [KIND]`: the JSON Schema of each kind, from the same types the function uses.

use super::exit;
use crate::gitops::scaffold::schema_text;
use crate::spec::Kind;
use std::io::Write;

/// Prints one kind's schema, or a JSON object of all of them keyed by kind.
pub fn run(kind: Option<Kind>, output: &mut dyn Write) -> i32 {
    let text = match kind {
        Some(k) => schema_text(k),
        None => {
            let all = serde_json::Value::Object(Kind::ALL.into_iter().map(|k| (k.as_str().to_owned(), k.schema())).collect());
            format!("{}\n", serde_json::to_string_pretty(&all).unwrap_or_default())
        }
    };
    match output.write_all(text.as_bytes()) {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(_) => exit::INPUT,
    }
}
