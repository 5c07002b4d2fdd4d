//! The bundle: every document given to one lint run, where each came from, and the objects
//! pipewright renders in memory from the specs among them (and the default library when a
//! WorkflowTemplate calls `pipewright-v*` templates and no Platform is given). A `templateRef`
//! resolves against anything in the bundle.

use super::finding::{Finding, Placed};
use super::rules::Rule;
use crate::function;
use crate::krm::{DocumentSpan, Limits, Object, Positions, ResourceList, ResultItem, Severity, document_spans, parse_objects};
use crate::render::GENERATED_FROM;
use crate::validate::is_pipewright;
use serde_json::{Value, json};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

/// The annotation kustomize and kpt put on an item to name the file it came from.
const PATH_ANNOTATION: &str = "config.kubernetes.io/path";

/// One document of the bundle.
#[derive(Debug, Clone)]
pub struct Document {
    /// The object.
    pub object: Object,
    origin: Origin,
}

#[derive(Debug, Clone)]
enum Origin {
    /// Read from a text: which one, which document of it, and the path of the object inside
    /// that document (`items[3]` for an item of a ResourceList, "" for a plain document).
    Text { span: usize, prefix: String },
    /// An item of a ResourceList that named its file in an annotation, without its text.
    Named(String),
    /// Rendered in memory by pipewright.
    Rendered,
}

#[derive(Debug)]
struct Span {
    source: usize,
    span: DocumentSpan,
    positions: OnceCell<Positions>,
}

#[derive(Debug)]
struct Source {
    name: String,
    text: String,
}

/// Every document of one lint run.
#[derive(Debug, Default)]
pub struct Bundle {
    /// The documents, in reading order, then the ones rendered in memory.
    pub documents: Vec<Document>,
    sources: Vec<Source>,
    spans: Vec<Span>,
    /// What the pipewright function said about the specs in the bundle.
    pub spec_findings: Vec<Finding>,
}

/// Why the input could not be read (exit 2): one line per path.
pub type ReadFailure = Vec<String>;

impl Bundle {
    /// A bundle of objects held in memory (no files): the library entry point.
    pub fn from_objects(objects: impl IntoIterator<Item = Object>) -> Bundle {
        let mut bundle = Bundle::default();
        bundle.documents.extend(objects.into_iter().map(|object| Document { object, origin: Origin::Rendered }));
        bundle
    }

    /// Reads files, directories (every `*.yaml` and `*.yml` below, in path order) and `-` for
    /// `stdin` (a YAML stream, or a ResourceList whose items are taken).
    pub fn read(paths: &[PathBuf], stdin: &mut dyn std::io::Read) -> Result<Bundle, ReadFailure> {
        let mut bundle = Bundle::default();
        let mut failures = Vec::new();
        for path in paths {
            if path.as_os_str() == "-" {
                let mut text = String::new();
                match stdin.read_to_string(&mut text) {
                    Ok(_) => bundle.add_text("-".into(), text).unwrap_or_else(|e| failures.push(e)),
                    Err(e) => failures.push(format!("-: cannot read stdin: {e}")),
                }
                continue;
            }
            let files = match yaml_files(path) {
                Ok(files) => files,
                Err(e) => {
                    failures.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            for file in files {
                let shown = crate::gitops::display(&file);
                match std::fs::read_to_string(&file) {
                    Ok(text) => bundle.add_text(shown, text).unwrap_or_else(|e| failures.push(e)),
                    Err(e) => failures.push(format!("{shown}: cannot be read: {e}")),
                }
            }
        }
        if failures.is_empty() { Ok(bundle) } else { Err(failures) }
    }

    /// Takes a ResourceList's items (the KRM validator's input).
    pub fn from_resource_list(list: &ResourceList) -> Bundle {
        let mut bundle = Bundle::default();
        for item in &list.items {
            let origin = match item.annotation(PATH_ANNOTATION) {
                Some(path) => Origin::Named(path.to_owned()),
                None => Origin::Rendered,
            };
            bundle.documents.push(Document { object: item.clone(), origin });
        }
        bundle
    }

    fn add_text(&mut self, name: String, text: String) -> Result<(), String> {
        if text.trim().is_empty() {
            return Ok(());
        }
        let objects = parse_objects(text.as_bytes(), &Limits::default()).map_err(|e| format!("{name}: {e}"))?;
        let spans = document_spans(&text);
        // The positions are a help, not a need: when the scanner splits the text differently
        // from the YAML reader, findings in this file go without line and column.
        let located = spans.len() == objects.len();
        let source = self.sources.len();
        let first_span = self.spans.len();
        if located {
            self.spans.extend(spans.into_iter().map(|span| Span { source, span, positions: OnceCell::new() }));
        }
        for (i, object) in objects.into_iter().enumerate() {
            let is_list = object.kind() == "ResourceList" && object.api_version().starts_with("config.kubernetes.io/");
            if is_list {
                let items = object.0.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
                for (n, item) in items.into_iter().enumerate() {
                    if !item.is_object() {
                        return Err(format!("{name}: items[{n}] is not a mapping: every item must be a Kubernetes object"));
                    }
                    let origin =
                        match (item.pointer("/metadata/annotations").and_then(|a| a.get(PATH_ANNOTATION)).and_then(Value::as_str), located)
                        {
                            (Some(path), _) => Origin::Named(path.to_owned()),
                            (None, true) => Origin::Text { span: first_span + i, prefix: format!("items[{n}]") },
                            (None, false) => Origin::Named(name.clone()),
                        };
                    self.documents.push(Document { object: Object::new(item), origin });
                }
                continue;
            }
            let origin = if located { Origin::Text { span: first_span + i, prefix: String::new() } } else { Origin::Named(name.clone()) };
            self.documents.push(Document { object, origin });
        }
        self.sources.push(Source { name, text });
        Ok(())
    }

    /// Renders the pipewright specs in the bundle as the function would, and adds what they
    /// generate; adds the default library when a template calls `pipewright-v*` templates
    /// that are not in the bundle and no Platform is. What the function says about the specs
    /// becomes findings of `pipewright/spec`.
    pub fn render_specs(&mut self) {
        let specs: Vec<(usize, Object)> =
            self.documents.iter().enumerate().filter(|(_, d)| is_pipewright(&d.object)).map(|(i, d)| (i, d.object.clone())).collect();
        let has_platform = specs.iter().any(|(_, s)| s.kind() == "Platform");
        if !specs.is_empty() {
            self.render(specs);
        }
        let versions = self.missing_library_versions();
        if !has_platform && !versions.is_empty() {
            let versions: Vec<Value> = versions.into_iter().map(|v| json!({"version": v})).collect();
            let platform = json!({"apiVersion": "pipewright.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "pipewright-default-library"}, "spec": {"versions": versions}});
            self.render(vec![(usize::MAX, Object::new(platform))]);
        }
    }

    /// Renders specs (each with its document, or `usize::MAX` for one made here) and adds
    /// what they generate; what the function says about them becomes findings.
    fn render(&mut self, specs: Vec<(usize, Object)>) {
        let items = specs.iter().map(|(_, o)| o.clone()).collect();
        let outcome = function::process(ResourceList { items, function_config: None, results: Vec::new() });
        for result in &outcome.results {
            let doc = result.resource_ref.as_ref().and_then(|r| specs.iter().find(|(_, s)| &s.reference() == r)).map(|(i, _)| *i);
            self.spec_findings.push(spec_finding(result, doc.filter(|&i| i != usize::MAX)));
        }
        if outcome.failed {
            return;
        }
        let generated: Vec<Object> = outcome.items().filter(|o| !is_pipewright(o)).collect();
        self.documents.extend(generated.into_iter().map(|object| Document { object, origin: Origin::Rendered }));
    }

    /// The library versions (`v1`, `v2`) of the `pipewright-v*` ClusterWorkflowTemplates that
    /// templates call and the bundle lacks, sorted.
    fn missing_library_versions(&self) -> std::collections::BTreeSet<String> {
        let present: std::collections::BTreeSet<&str> =
            self.documents.iter().filter(|d| d.object.kind() == "ClusterWorkflowTemplate").map(|d| d.object.name()).collect();
        let mut versions = std::collections::BTreeSet::new();
        for d in self.documents.iter().filter(|d| d.object.group() == "argoproj.io") {
            visit_template_refs(&d.object.0, &mut |name| {
                let version = name.strip_prefix("pipewright-").and_then(|rest| rest.split_once('-')).map(|(v, _)| v);
                if let Some(v) = version.filter(|v| v.starts_with('v') && v[1..].bytes().all(|b| b.is_ascii_digit()) && v.len() > 1)
                    && !present.contains(name)
                {
                    versions.insert(v.to_owned());
                }
            });
        }
        versions
    }

    /// Where a finding is: its file, line and column, and its object.
    pub fn place(&self, finding: Finding) -> Placed {
        let document = finding.doc.and_then(|i| self.documents.get(i));
        let (file, position) = match document.map(|d| &d.origin) {
            Some(Origin::Text { span, prefix }) => {
                let s = &self.spans[*span];
                let positions = s.positions.get_or_init(|| {
                    let source = &self.sources[s.source];
                    Positions::index(&source.text[s.span.start..s.span.end], s.span.first_line)
                });
                let full = match (prefix.is_empty(), finding.path.is_empty()) {
                    (true, _) => finding.path.clone(),
                    (false, true) => prefix.clone(),
                    (false, false) => format!("{prefix}.{}", finding.path),
                };
                (Some(self.sources[s.source].name.clone()), positions.find(&full))
            }
            Some(Origin::Named(file)) => (Some(file.clone()), None),
            Some(Origin::Rendered) | None => (None, None),
        };
        let object = document.map(|d| &d.object);
        let name = object.map(|o| o.name().to_owned()).filter(|n| !n.is_empty());
        let generate_name = object.and_then(|o| o.0.pointer("/metadata/generateName")).and_then(Value::as_str).map(str::to_owned);
        Placed {
            file,
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            severity: finding.severity,
            rule: finding.rule.id(),
            kind: object.map(|o| o.kind().to_owned()).unwrap_or_default(),
            namespace: object.and_then(|o| o.namespace()).map(str::to_owned),
            name: name.or(generate_name).unwrap_or_default(),
            path: finding.path,
            message: finding.message,
            api_version: object.map(|o| o.api_version().to_owned()).unwrap_or_default(),
        }
    }

    /// Where an object rendered in memory came from (`Pipeline/ns/name`), if pipewright made it.
    pub fn generated_from(&self, doc: usize) -> Option<&str> {
        self.documents.get(doc).and_then(|d| d.object.annotation(GENERATED_FROM))
    }
}

fn spec_finding(result: &ResultItem, doc: Option<usize>) -> Finding {
    let severity = if result.severity == Severity::Error { Severity::Error } else { Severity::Warning };
    Finding {
        rule: Rule::PipewrightSpec,
        severity,
        doc,
        path: result.field.as_ref().map(|f| f.path.clone()).filter(|p| p != ".").unwrap_or_default(),
        message: result.message.clone(),
    }
}

/// Calls `f` with the name of every `templateRef` and `workflowTemplateRef` under `value`.
pub fn visit_template_refs(value: &Value, f: &mut dyn FnMut(&str)) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if (key == "templateRef" || key == "workflowTemplateRef")
                    && let Some(name) = v.get("name").and_then(Value::as_str)
                {
                    f(name);
                }
                visit_template_refs(v, f);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| visit_template_refs(v, f)),
        _ => {}
    }
}

/// The YAML files a path names: itself, or every `*.yaml` and `*.yml` below a directory
/// (hidden directories skipped), in path order.
fn yaml_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: cannot be read: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: cannot be read: {e}", dir.display()))?;
            let p = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if p.is_dir() {
                if !hidden {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}
