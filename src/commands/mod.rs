//! One thin adapter per subcommand. Each returns an exit code; none prints errors itself
//! except through the results it hands back.

pub mod add;
pub mod explain;
pub mod function;
pub mod graph;
pub mod init;
pub mod install;
pub mod lint;
pub mod render;
pub mod run;
pub mod schema;

/// Why a file-writing command failed: one line per problem (each already naming its file,
/// object or field, and what would be valid), and the exit code. `app` prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub code: i32,
    /// The problems, one line each, starting with their severity (`error: …`).
    pub lines: Vec<String>,
}

impl Failure {
    /// Errors in the input (exit 1), one line each.
    pub fn input<S: std::fmt::Display>(problems: impl IntoIterator<Item = S>) -> Self {
        Failure { code: exit::INPUT, lines: problems.into_iter().map(|p| format!("error: {p}")).collect() }
    }

    /// One error in the input (exit 1).
    pub fn one(problem: impl std::fmt::Display) -> Self {
        Failure::input([problem])
    }
}

/// A command's outcome.
pub type Outcome = Result<(), Failure>;

/// Writes a line of a command's report to stdout. A closed pipe is not an error.
fn say(out: &mut dyn std::io::Write, line: impl std::fmt::Display) -> Outcome {
    match writeln!(out, "{line}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::one(format!("cannot write the output: {e}"))),
        _ => Ok(()),
    }
}

/// Exit codes, one table for the whole program (also in `--help` and the README).
pub mod exit {
    /// Success, or warnings only.
    pub const OK: i32 = 0;
    /// Errors in the input.
    pub const INPUT: i32 = 1;
    /// Usage errors (bad flags or arguments).
    pub const USAGE: i32 = 2;
}

/// Writes a command's document to `file` (all at once, through a sibling temporary file) or,
/// when none is given, to stdout, where a closed pipe is not an error.
fn write_output(text: &str, file: Option<&std::path::Path>, out: &mut dyn std::io::Write) -> Outcome {
    match file {
        Some(path) => crate::gitops::files::write_atomic(path, text.as_bytes(), None)
            .map_err(|e| Failure::one(format!("cannot write {}: {e}", crate::gitops::display(path)))),
        None => match out.write_all(text.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::one(format!("cannot write the output: {e}"))),
            _ => Ok(()),
        },
    }
}

/// Why `bundle::select` found no Pipeline, as a failure: its lines may already carry their severity.
fn selection_failure(problems: crate::bundle::Problems) -> Failure {
    Failure::input(problems.0.into_iter().map(|p| p.strip_prefix("error: ").map(str::to_owned).unwrap_or(p)))
}
