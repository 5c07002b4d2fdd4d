//! `pipewright graph PIPELINE [--format mermaid|dot|svg] [--out FILE]`: draws a pipeline's DAG
//! from its rendered objects, to stdout or a file.

use super::{Failure, Outcome, selection_failure, write_output};
use crate::bundle;
use crate::graph::{self, Format};
use std::path::PathBuf;

/// What to draw, and where.
#[derive(Debug, Clone)]
pub struct Request {
    /// A YAML file holding the Pipeline, or its name (`NAME`, `NAMESPACE/NAME`) in the GitOps tree.
    pub pipeline: String,
    /// The directory `pipeline` is read from (the current directory).
    pub cwd: PathBuf,
    /// The format.
    pub format: Format,
    /// The file to write; stdout when none.
    pub out: Option<PathBuf>,
}

/// Draws the graph. The function's warnings go to `errors`.
pub fn run(request: &Request, out: &mut dyn std::io::Write, errors: &mut dyn std::io::Write) -> Outcome {
    let selected = bundle::select(&request.pipeline, &request.cwd).map_err(selection_failure)?;
    for warning in &selected.warnings {
        let _ = writeln!(errors, "pipewright: {warning}");
    }
    let graph = graph::build(&selected).map_err(Failure::input)?;
    write_output(&request.format.render(&graph), request.out.as_deref(), out)
}
