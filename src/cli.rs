//! The command line as typed: clap types only. `app` turns them into actions.

use clap::{Parser, Subcommand, ValueEnum};

/// pipewright: CI pipelines on Argo Workflows, declared in ten lines.
///
/// With no subcommand, pipewright is a KRM function: it reads a ResourceList on stdin and
/// writes one on stdout, for kustomize (`--enable-alpha-plugins --enable-exec`) and kpt.
#[derive(Debug, Parser)]
#[command(name = "pipewright", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// The subcommand; none runs the KRM function.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The exit-code table, shown in `--help`.
pub const EXIT_CODES: &str = "Exit codes:\n  0  success (warnings only)\n  1  errors in the input\n  2  usage error";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the KRM function explicitly (the default with no subcommand).
    Fn,
    /// Print the JSON Schema of a kind (all kinds when none is given).
    Schema {
        /// The kind.
        #[arg(value_enum)]
        kind: Option<KindArg>,
    },
}

/// A kind on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Pipeline.
    Pipeline,
    /// Platform.
    Platform,
    /// Team.
    Team,
}
