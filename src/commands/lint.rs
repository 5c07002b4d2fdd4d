//! `pipewright lint [PATH...]`: reads the bundle (files, directories, stdin, or the GitOps
//! tree's rendered output), lints it, and writes the report; or, as a KRM validator, writes the
//! ResourceList back unchanged with the findings as results.

use super::exit;
use crate::gitops::tree;
use crate::krm::{self, Limits, ListWriter, ResourceList};
use crate::lint::output::{self, Format};
use crate::lint::{self, Bundle, Report};
use std::io::{Read, Write};
use std::path::PathBuf;

/// What to lint.
#[derive(Debug, Clone)]
pub enum Source {
    /// Files, directories and `-`.
    Paths(Vec<PathBuf>),
    /// The GitOps tree at this `argo/` directory, rendered in memory.
    Tree(PathBuf),
    /// A ResourceList on stdin (the KRM validator).
    ResourceList,
}

/// A lint run, as `app` derived it from the command line.
#[derive(Debug, Clone)]
pub struct Request {
    /// What to lint.
    pub source: Source,
    /// The report's format; None for the KRM validator.
    pub format: Option<Format>,
    /// Whether warnings fail the run.
    pub warnings_as_errors: bool,
}

/// Runs a lint; returns the exit code (0 clean or warnings only, 1 errors, 2 unreadable input).
pub fn run(request: &Request, stdin: &mut dyn Read, out: &mut dyn Write, errors: &mut dyn Write) -> i32 {
    let bundle = match &request.source {
        Source::ResourceList => return validator_from(stdin, out, errors, request.warnings_as_errors),
        Source::Paths(paths) => Bundle::read(paths, stdin),
        Source::Tree(dir) => crate::gitops::roots::collect(dir, tree::Strictness::Exact).map(Bundle::from_objects),
    };
    let mut bundle = match bundle {
        Ok(bundle) => bundle,
        Err(problems) => {
            for p in problems {
                let _ = writeln!(errors, "pipewright: error: {p}");
            }
            return exit::USAGE;
        }
    };
    bundle.render_specs();
    let report = lint::lint(&bundle);
    let written = output::write(&report, request.format.unwrap_or(Format::Text), out);
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(errors, "pipewright: error: cannot write the output: {e}");
    }
    code(&report, request.warnings_as_errors)
}

fn code(report: &Report, warnings_as_errors: bool) -> i32 {
    if report.errors() > 0 || (warnings_as_errors && report.warnings() > 0) { exit::INPUT } else { exit::OK }
}

/// The functionConfig that asks the KRM function to validate instead of expand.
pub const VALIDATOR_API_VERSION: &str = "lint.pipewright.dev/v1alpha1";

/// Whether a ResourceList's functionConfig asks for validation (`kind: Lint`, apiVersion
/// `lint.pipewright.dev/v1alpha1`).
pub fn wants_validation(list: &ResourceList) -> bool {
    list.function_config.as_ref().is_some_and(|c| c.api_version() == VALIDATOR_API_VERSION && c.kind() == "Lint")
}

fn validator_from(stdin: &mut dyn Read, out: &mut dyn Write, errors: &mut dyn Write, warnings_as_errors: bool) -> i32 {
    let mut bytes = Vec::new();
    let parsed = match stdin.read_to_end(&mut bytes) {
        Ok(_) => krm::parse_resource_list(&bytes, &Limits::default()).map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot read stdin: {e}")),
    };
    match parsed {
        Ok(list) => validate(list, out, errors, warnings_as_errors),
        Err(e) => {
            let _ = writeln!(errors, "pipewright: error: ResourceList (stdin): {e}");
            exit::USAGE
        }
    }
}

/// The KRM validator: lints the items, writes them back unchanged with the findings as
/// `results` (and on stderr), and exits 1 on an error so that `kustomize build` fails.
/// `spec.warningsAsErrors: true` in the functionConfig fails on warnings too.
pub fn validate(list: ResourceList, out: &mut dyn Write, errors: &mut dyn Write, warnings_as_errors: bool) -> i32 {
    let config_strict =
        list.function_config.as_ref().and_then(|c| c.0.pointer("/spec/warningsAsErrors")).and_then(|v| v.as_bool()).unwrap_or(false);
    let mut bundle = Bundle::from_resource_list(&list);
    bundle.render_specs();
    let report = lint::lint(&bundle);
    let results = output::krm::results(&report);
    for r in &results {
        let _ = writeln!(errors, "pipewright: {}", r.to_line());
    }
    let mut writer = std::io::BufWriter::new(out);
    let mut list_writer = ListWriter::new(&mut writer, !list.items.is_empty());
    let written = list
        .items
        .iter()
        .try_for_each(|item| list_writer.item(item))
        .and_then(|_| list_writer.finish(&results))
        .and_then(|_| writer.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(errors, "pipewright: error: cannot write the output: {e}");
        return exit::INPUT;
    }
    code(&report, warnings_as_errors || config_strict)
}
