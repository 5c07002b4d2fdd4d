//! `pipewright graph`: a pipeline's DAG, read from its rendered WorkflowTemplate (never the
//! spec), as a small graph of boxes and arrows: triggers → tasks → exit handler. The formats
//! ([`mermaid`], [`dot`], [`svg`]) only draw this model.

pub mod dot;
pub mod kind;
pub mod layout;
pub mod mermaid;
pub mod svg;
pub mod triggers;
pub mod workflow;

use crate::bundle::Selected;
use crate::krm::Object;
pub use kind::Kind;

/// A pipeline as boxes and arrows.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// The pipeline's `namespace/name`.
    pub pipeline: String,
    /// The boxes: triggers first, then the tasks in the WorkflowTemplate's order, then the exit handler.
    pub nodes: Vec<Node>,
    /// The arrows, in a stable order.
    pub edges: Vec<Edge>,
}

/// One box.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// An identifier made of `[a-z0-9_]`, unique in the graph (`task_build_image`, `trigger_1`, `exit`).
    pub id: String,
    /// What it stands for.
    pub kind: Kind,
    /// The first line: a task's name, a trigger's summary.
    pub title: String,
    /// Further lines: the template called (`pipewright-v1-node/test`), the condition, the exit steps.
    pub lines: Vec<String>,
    /// Runs only when its `when` condition holds.
    pub conditional: bool,
}

/// What an arrow means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// `depends`: the target waits for the source.
    Depends,
    /// A trigger starts the run at the target.
    Starts,
    /// The exit handler runs when the run ends, whatever its outcome.
    Exit,
}

/// One arrow between two boxes (indices into [`Graph::nodes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The source box.
    pub from: usize,
    /// The target box.
    pub to: usize,
    /// What the arrow means.
    pub kind: EdgeKind,
}

/// Builds the graph of the selected pipeline from its rendered objects.
pub fn build(selected: &Selected) -> Result<Graph, Vec<String>> {
    of(&selected.objects, &selected.namespace, &selected.name)
}

/// Builds the graph of the pipeline `namespace/name` from rendered objects.
pub fn of(objects: &[Object], namespace: &str, name: &str) -> Result<Graph, Vec<String>> {
    let wt = workflow::find(objects, namespace, name)?;
    let tasks = workflow::entry_tasks(wt).map_err(|e| vec![e])?;
    let mut nodes = Vec::new();
    let mut edges = Vec::new();

    let mut trigger_nodes: Vec<(String, Vec<String>)> = Vec::new();
    for t in triggers::triggers(objects, wt) {
        let via = payload_words(&t.payload).to_owned();
        match trigger_nodes.iter_mut().find(|(summary, _)| *summary == t.summary) {
            Some((_, vias)) if !vias.contains(&via) => vias.push(via),
            Some(_) => {}
            None => trigger_nodes.push((t.summary, vec![via])),
        }
    }
    for (i, (summary, vias)) in trigger_nodes.into_iter().enumerate() {
        nodes.push(Node {
            id: format!("trigger_{}", i + 1),
            kind: Kind::Trigger,
            title: summary,
            lines: vec![vias.join(", ")],
            conditional: false,
        });
    }
    let triggers = nodes.len();

    for task in &tasks {
        let mut lines = vec![task.call.label()];
        lines.extend(task.when.as_deref().map(workflow::condition_words));
        nodes.push(Node {
            id: format!("task_{}", ident(&task.name)),
            kind: Kind::of_library(&task.call.library),
            title: task.name.clone(),
            lines,
            conditional: task.when.is_some(),
        });
    }
    let index = |name: &str| tasks.iter().position(|t| t.name == name).map(|i| i + triggers);
    let mut problems = Vec::new();
    for (i, task) in tasks.iter().enumerate() {
        let after = task.after();
        for name in &after {
            match index(name) {
                Some(from) => edges.push(Edge { from, to: i + triggers, kind: EdgeKind::Depends }),
                None => problems.push(format!("{}: task {} depends on {name}, which the entry DAG lacks", wt.reference(), task.name)),
            }
        }
        if after.is_empty() {
            edges.extend((0..triggers).map(|from| Edge { from, to: i + triggers, kind: EdgeKind::Starts }));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    if let Some(exit) = workflow::exit_handler(wt) {
        let exit_index = nodes.len();
        let kind = exit.steps.iter().map(|s| Kind::of_library(&s.call.library)).find(|k| *k != Kind::Other).unwrap_or(Kind::Notify);
        nodes.push(Node {
            id: "exit".into(),
            kind,
            title: format!("on exit: {}", exit.template),
            lines: exit.steps.iter().map(|s| format!("{}: {}", s.name, s.call.label())).collect(),
            conditional: false,
        });
        let sinks = (triggers..exit_index).filter(|&i| !edges.iter().any(|e| e.from == i && e.kind == EdgeKind::Depends));
        edges.extend(sinks.collect::<Vec<_>>().into_iter().map(|from| Edge { from, to: exit_index, kind: EdgeKind::Exit }));
    }
    Ok(Graph { pipeline: format!("{namespace}/{name}"), nodes, edges })
}

fn payload_words(payload: &str) -> &str {
    match payload {
        "github" => "GitHub webhook",
        "gitlab" => "GitLab webhook",
        "cron" => "CronWorkflow",
        "manual" => "Argo UI or CLI",
        other => other,
    }
}

/// A name as an identifier: lowercase letters, digits and `_` (task names are DNS labels, so
/// `-` → `_` keeps them apart).
fn ident(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A mermaid flowchart (renders in GitHub and GitLab markdown).
    Mermaid,
    /// Graphviz dot.
    Dot,
    /// A finished SVG picture.
    Svg,
}

impl Format {
    /// The graph in this format.
    pub fn render(self, graph: &Graph) -> String {
        match self {
            Format::Mermaid => mermaid::render(graph),
            Format::Dot => dot::render(graph),
            Format::Svg => svg::render(graph),
        }
    }
}
