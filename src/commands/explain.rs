//! `pipewright explain PIPELINE [--output markdown|json]`: what a pipeline becomes, in plain
//! words, from its rendered objects.

use super::{Failure, Outcome, selection_failure, write_output};
use crate::bundle;
use crate::explain;
use std::path::PathBuf;

/// The forms of the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A markdown page.
    Markdown,
    /// JSON.
    Json,
}

/// What to explain.
#[derive(Debug, Clone)]
pub struct Request {
    /// A YAML file holding the Pipeline, or its name (`NAME`, `NAMESPACE/NAME`) in the GitOps tree.
    pub pipeline: String,
    /// The directory `pipeline` is read from (the current directory).
    pub cwd: PathBuf,
    /// The form.
    pub output: Output,
}

/// Prints the explanation. The function's warnings go to `errors`.
pub fn run(request: &Request, out: &mut dyn std::io::Write, errors: &mut dyn std::io::Write) -> Outcome {
    let selected = bundle::select(&request.pipeline, &request.cwd).map_err(selection_failure)?;
    for warning in &selected.warnings {
        let _ = writeln!(errors, "pipewright: {warning}");
    }
    let explanation = explain::explain(&selected).map_err(Failure::input)?;
    let text = match request.output {
        Output::Markdown => explain::markdown::render(&explanation, 1),
        Output::Json => {
            let json = serde_json::to_string_pretty(&explanation).map_err(|e| Failure::one(format!("cannot write JSON: {e}")))?;
            json + "\n"
        }
    };
    write_output(&text, None, out)
}
