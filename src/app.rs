//! Dispatch: parses the command line, runs one command, and picks the exit code.

use crate::cli::{Cli, Command, KindArg};
use crate::commands::{self, exit};
use crate::spec::Kind;
use clap::Parser;

/// Runs pipewright with the process's arguments and standard streams; returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::USAGE } else { exit::OK };
        }
    };
    let (stdin, stdout, stderr) = (std::io::stdin(), std::io::stdout(), std::io::stderr());
    match cli.command {
        None | Some(Command::Fn) => commands::function::run(&mut stdin.lock(), &mut stdout.lock(), &mut stderr.lock()),
        Some(Command::Schema { kind }) => commands::schema::run(
            kind.map(|k| match k {
                KindArg::Pipeline => Kind::Pipeline,
                KindArg::Platform => Kind::Platform,
                KindArg::Team => Kind::Team,
            }),
            &mut stdout.lock(),
        ),
    }
}
