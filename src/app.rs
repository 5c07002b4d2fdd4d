//! Dispatch: parses the command line, runs one command, and picks the exit code.

use crate::cli::{
    AccessArg, AddCommand, AddPipelineArgs, AddTeamArgs, Cli, Command, EventsArg, ExecutorArg, ExplainArgs, ExplainOutputArg, GraphArgs,
    GraphFormatArg, KindArg, LayoutArg, LintArgs, LintOutputArg, RenderArgs, RunArgs, RunOutputArg,
};
use crate::commands::{self, Failure, Outcome, exit};
use crate::gitops;
use crate::spec::Kind;
use clap::{CommandFactory, Parser};
use std::path::{Path, PathBuf};

/// Where `render` finds the Team pages when `--docs` is not given: beside the tree's directory.
pub const DEFAULT_DOCS: &str = "docs/pipelines";

/// What bare `pipewright` says before it waits on a terminal, where a user who typed it
/// expected help rather than silence; nothing when stdin is piped (the KRM function's case) or
/// the function was asked for by name (`pipewright fn`).
fn stdin_hint(bare: bool, stdin_is_terminal: bool) -> Option<&'static str> {
    (bare && stdin_is_terminal).then_some("pipewright: reading a ResourceList from stdin; see `pipewright --help`\n")
}

/// Runs pipewright with the process's arguments and standard streams; returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse_from(crate::cli::args(std::env::args_os())).and_then(check_usage) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::USAGE } else { exit::OK };
        }
    };
    let (stdin, stdout, stderr) = (std::io::stdin(), std::io::stdout(), std::io::stderr());
    match cli.command {
        None | Some(Command::Fn) => {
            if let Some(hint) = stdin_hint(cli.command.is_none(), std::io::IsTerminal::is_terminal(&stdin)) {
                let _ = std::io::Write::write_all(&mut stderr.lock(), hint.as_bytes());
            }
            commands::function::run(&mut stdin.lock(), &mut stdout.lock(), &mut stderr.lock())
        }
        Some(Command::Schema { kind }) => commands::schema::run(
            kind.map(|k| match k {
                KindArg::Pipeline => Kind::Pipeline,
                KindArg::Platform => Kind::Platform,
                KindArg::Team => Kind::Team,
            }),
            &mut stdout.lock(),
        ),
        Some(Command::Init { dir, force, layout, migrate }) => {
            let layout = match layout {
                LayoutArg::Default => gitops::layout::Layout::Default,
                LayoutArg::Teams => gitops::layout::Layout::Teams,
            };
            finish(commands::init::run(&commands::init::Request { root: dir, force, layout, migrate }, &mut stdout.lock()))
        }
        Some(Command::Add(AddCommand::Pipeline(args))) => {
            finish(add_pipeline(args).and_then(|r| commands::add::pipeline(&r, &mut stdout.lock())))
        }
        Some(Command::Add(AddCommand::Team(args))) => finish(add_team(args).and_then(|r| commands::add::team(&r, &mut stdout.lock()))),
        Some(Command::Render(args)) => {
            finish(render_request(args).and_then(|r| commands::render::run(&r, &mut stdout.lock(), &mut stderr.lock())))
        }
        Some(Command::Run(args)) => {
            finish(run_request(args).and_then(|r| commands::run::run(r, Box::new(std::io::stdout()), Box::new(std::io::stderr()))))
        }
        Some(Command::Graph(args)) => {
            finish(graph_request(args).and_then(|r| commands::graph::run(&r, &mut stdout.lock(), &mut stderr.lock())))
        }
        Some(Command::Explain(args)) => {
            finish(explain_request(args).and_then(|r| commands::explain::run(&r, &mut stdout.lock(), &mut stderr.lock())))
        }
        Some(Command::Install { dir }) => finish(commands::install::run(&dir, &mut stdout.lock())),
        Some(Command::Lint(args)) => match lint_request(args) {
            Ok(r) => commands::lint::run(&r, &mut stdin.lock(), &mut stdout.lock(), &mut stderr.lock()),
            Err(failure) => finish(Err(failure)),
        },
    }
}

/// The usage rules clap cannot declare: the GitHub flags of `add team` need `--events github`,
/// and the auth-secret flags `--events webhook`.
fn check_usage(cli: Cli) -> Result<Cli, clap::Error> {
    if let Some(Command::Add(AddCommand::Team(args))) = &cli.command {
        use clap::error::ErrorKind;
        let senders = !args.repositories.is_empty() || !args.organizations.is_empty();
        let github_flags = args.webhook_secret_name.is_some() || args.webhook_secret_key.is_some() || senders;
        let webhook_flags = args.auth_secret_name.is_some() || args.auth_secret_key.is_some();
        let misplaced = if github_flags && args.events != Some(EventsArg::Github) {
            Some((
                ErrorKind::ArgumentConflict,
                "--webhook-secret-name, --webhook-secret-key, --repository and --organization go with `--events github` only",
            ))
        } else if webhook_flags && args.events != Some(EventsArg::Webhook) {
            Some((ErrorKind::ArgumentConflict, "--auth-secret-name and --auth-secret-key go with `--events webhook` only"))
        } else if args.events == Some(EventsArg::Github) && !senders {
            Some((
                ErrorKind::MissingRequiredArgument,
                "`--events github` needs --repository OWNER/NAME (repository webhooks) or --organization ORG (organization webhooks), repeatable",
            ))
        } else {
            None
        };
        if let Some((kind, message)) = misplaced {
            let mut command = Cli::command();
            command.build();
            let team = command.find_subcommand_mut("add").and_then(|add| add.find_subcommand_mut("team"));
            return Err(team.expect("`add team` is a subcommand").error(kind, message));
        }
    }
    Ok(cli)
}

/// The one place that prints a command's failure and picks its exit code.
fn finish(outcome: Outcome) -> i32 {
    match outcome {
        Ok(()) => exit::OK,
        Err(failure) => {
            let mut stderr = std::io::stderr().lock();
            for line in &failure.lines {
                let _ = std::io::Write::write_fmt(&mut stderr, format_args!("pipewright: {line}\n"));
            }
            failure.code
        }
    }
}

/// The repo root: the given one, or the nearest around the current directory.
fn repo_root(given: Option<PathBuf>, hint: &str) -> Result<PathBuf, Failure> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    let cwd = std::env::current_dir().map_err(|e| Failure::one(format!("cannot read the current directory: {e}")))?;
    gitops::find_root(&cwd).ok_or_else(|| {
        Failure::one(format!("no {} here or above: run `pipewright init` first, or {hint}", gitops::WORKFLOWS_KUSTOMIZATION))
    })
}

fn add_pipeline(args: AddPipelineArgs) -> Result<commands::add::PipelineRequest, Failure> {
    Ok(commands::add::PipelineRequest {
        root: repo_root(args.dir, "pass the repo root with --dir")?,
        name: args.name,
        namespace: args.namespace,
        repo: args.repo,
        toolchain: args.toolchain,
        image: args.image,
        no_build_image: args.no_build_image,
        context_dir: args.context_dir,
        revision: args.revision,
        push: args.push,
        tags: args.tags,
        pull_requests: args.pull_requests,
        schedule: args.schedule,
        git: match (args.git_token_secret, args.git_ssh_secret) {
            (Some(token), _) => Some(commands::add::GitSecret::Https(token)),
            (None, Some(key)) => Some(commands::add::GitSecret::Ssh(key)),
            (None, None) => None,
        },
    })
}

fn add_team(args: AddTeamArgs) -> Result<commands::add::TeamRequest, Failure> {
    use commands::add::TeamEventsRequest;
    Ok(commands::add::TeamRequest {
        root: repo_root(args.dir, "pass the repo root with --dir")?,
        name: args.name,
        namespace: args.namespace,
        groups: args.groups,
        access: args.access.map(|a| match a {
            AccessArg::View => "view".into(),
            AccessArg::Operate => "operate".into(),
        }),
        events: args.events.map(|e| match e {
            EventsArg::Github => TeamEventsRequest::Github {
                // clap requires both with `--events github`.
                secret_name: args.webhook_secret_name.unwrap_or_default(),
                secret_key: args.webhook_secret_key.unwrap_or_default(),
                repositories: args.repositories,
                organizations: args.organizations,
            },
            EventsArg::Webhook => TeamEventsRequest::Webhook {
                // clap requires both or neither.
                auth_secret: args.auth_secret_name.zip(args.auth_secret_key),
            },
        }),
    })
}

fn render_request(args: RenderArgs) -> Result<commands::render::Request, Failure> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => repo_root(None, "name the tree to render: `pipewright render DIR`")?.join(gitops::ARGO_DIR),
    };
    let dir = std::fs::canonicalize(&dir).map_err(|e| Failure::one(format!("{}: {e}", dir.display())))?;
    let beside = dir.parent().unwrap_or(Path::new(".")).to_path_buf();
    let out = args.out.unwrap_or_else(|| beside.join("rendered"));
    // Pages written by `render --docs` into the default place are kept current without the flag.
    let docs = args.docs.or_else(|| {
        let default = beside.join(DEFAULT_DOCS);
        let ours =
            std::fs::read_to_string(default.join(crate::explain::pages::INDEX)).is_ok_and(|t| t.starts_with(crate::explain::pages::HEADER));
        ours.then_some(default)
    });
    Ok(commands::render::Request { dir, out, check: args.check, docs })
}

fn current_dir() -> Result<PathBuf, Failure> {
    std::env::current_dir().map_err(|e| Failure::one(format!("cannot read the current directory: {e}")))
}

fn graph_request(args: GraphArgs) -> Result<commands::graph::Request, Failure> {
    Ok(commands::graph::Request {
        pipeline: args.pipeline,
        cwd: current_dir()?,
        format: match args.format {
            GraphFormatArg::Mermaid => crate::graph::Format::Mermaid,
            GraphFormatArg::Dot => crate::graph::Format::Dot,
            GraphFormatArg::Svg => crate::graph::Format::Svg,
        },
        out: args.out,
    })
}

fn explain_request(args: ExplainArgs) -> Result<commands::explain::Request, Failure> {
    Ok(commands::explain::Request {
        pipeline: args.pipeline,
        cwd: current_dir()?,
        output: match args.output {
            ExplainOutputArg::Markdown => commands::explain::Output::Markdown,
            ExplainOutputArg::Json => commands::explain::Output::Json,
        },
    })
}

/// The run's options from its flags; `PIPEWRIGHT_RUN_TIME_SCALE` shrinks every duration Argo
/// waits for (for tests of retries and deadlines).
fn run_request(args: RunArgs) -> Result<commands::run::Request, Failure> {
    use commands::run::ExecutorChoice;
    let usage = |line: String| Failure { code: exit::USAGE, lines: vec![format!("error: {line}")] };
    let mut options = crate::run::Options {
        source: args.source,
        revision: args.revision,
        event: args.event,
        skip: args.skip,
        keep: args.keep,
        time_scale: 1.0,
        ..Default::default()
    };
    for param in args.params {
        let (name, value) = param.split_once('=').ok_or_else(|| usage(format!("--param {param}: write NAME=VALUE")))?;
        options.params.push((name.to_owned(), value.to_owned()));
    }
    for secret in &args.secrets {
        options.secrets.add_arg(secret).map_err(usage)?;
    }
    if let Some(dir) = &args.secrets_dir {
        options.secrets.add_dir(dir).map_err(usage)?;
    }
    if let Ok(scale) = std::env::var("PIPEWRIGHT_RUN_TIME_SCALE") {
        options.time_scale = scale
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0 && s.is_finite())
            .ok_or_else(|| usage(format!("PIPEWRIGHT_RUN_TIME_SCALE={scale}: give a positive number (1 is real time)")))?;
    }
    Ok(commands::run::Request {
        pipeline: args.pipeline,
        executor: match args.executor {
            None => ExecutorChoice::Auto,
            Some(ExecutorArg::Host) => ExecutorChoice::Host,
            Some(ExecutorArg::Docker) => ExecutorChoice::Docker,
            Some(ExecutorArg::Podman) => ExecutorChoice::Podman,
        },
        options,
        work_dir: args.work_dir,
        json: args.output == RunOutputArg::Json,
        live: std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("TERM").is_some_and(|t| t != "dumb"),
    })
}

fn lint_request(args: LintArgs) -> Result<commands::lint::Request, Failure> {
    use crate::lint::output::Format;
    let format = match args.output {
        LintOutputArg::Text => Some(Format::Text),
        LintOutputArg::Json => Some(Format::Json),
        LintOutputArg::Sarif => Some(Format::Sarif),
        LintOutputArg::Github => Some(Format::Github),
        LintOutputArg::Krm => None,
    };
    let source = match (format, args.paths.is_empty()) {
        (None, _) if args.paths.iter().any(|p| p.as_os_str() != "-") => {
            return Err(Failure {
                code: exit::USAGE,
                lines: vec!["error: `--output krm` reads a ResourceList on stdin: give no PATH (or `-`)".into()],
            });
        }
        (None, _) => commands::lint::Source::ResourceList,
        (Some(_), false) => commands::lint::Source::Paths(args.paths),
        (Some(_), true) => commands::lint::Source::Tree(
            repo_root(None, "name what to lint: `pipewright lint PATH...`")
                .map_err(|f| Failure { code: exit::USAGE, ..f })?
                .join(gitops::ARGO_DIR),
        ),
    };
    Ok(commands::lint::Request { source, format, warnings_as_errors: args.warnings_as_errors })
}

#[cfg(test)]
mod tests {
    use super::stdin_hint;

    #[test]
    fn only_bare_pipewright_on_a_terminal_gets_the_hint() {
        assert!(stdin_hint(true, true).is_some_and(|h| h.contains("see `pipewright --help`")));
        assert_eq!(stdin_hint(true, false), None);
        assert_eq!(stdin_hint(false, true), None);
    }
}
