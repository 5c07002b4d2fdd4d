//! One thin adapter per subcommand. Each returns an exit code; none prints errors itself
//! except through the results it hands back.

pub mod function;
pub mod schema;

/// Exit codes, one table for the whole program (also in `--help` and the README).
pub mod exit {
    /// Success, or warnings only.
    pub const OK: i32 = 0;
    /// Errors in the input.
    pub const INPUT: i32 = 1;
    /// Usage errors (bad flags or arguments).
    pub const USAGE: i32 = 2;
}
