//! `pipewright graph`: mermaid and dot snapshots of every toolchain, with and without lint,
//! notify, triggers and supply-chain steps (inputs from the catalog in tests/cases/valid), and
//! the SVG checked from its coordinates: well-formed, every box inside the canvas, no two boxes
//! or labels overlapping, the same bytes on every run.

use super::support::{self, pipewright};
use std::path::{Path, PathBuf};

/// Catalog cases with one Pipeline each: eight toolchains, lint off, notify, each trigger,
/// supply chain on and off, no image.
pub const CASES: &[&str] = &[
    "readme-example",
    "maven-defaults",
    "gradle-overrides",
    "python-monorepo-overrides",
    "rust-https-token",
    "dotnet-ssh-key",
    "generic-commands-cache-off",
    "go-without-image",
    "trigger-push",
    "trigger-tags",
    "trigger-pull-requests",
    "trigger-schedule",
    "supply-chain-everything-on",
    "supply-chain-switched-off",
];

/// Writes a catalog case's items as a plain YAML stream (what `graph FILE` reads) into `dir`.
pub fn case_file(case: &str, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(support::root().join("tests/cases/valid").join(case).join("input.yaml")).unwrap();
    let mut items = support::items(&text);
    // A Pipeline pinned to a library version needs a Platform that installs it.
    let pinned = items.iter().filter_map(|i| i["spec"]["library"].as_str()).map(str::to_owned).collect::<Vec<_>>();
    if !pinned.is_empty() && !items.iter().any(|i| i["kind"] == "Platform") {
        let mut versions = vec![serde_json::json!({"version": "v1"})];
        versions.extend(pinned.into_iter().filter(|v| v != "v1").map(|v| serde_json::json!({"version": v})));
        items.push(serde_json::json!({"apiVersion": "pipewright.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "default"}, "spec": {"versions": versions}}));
    }
    let stream: Vec<String> = items.iter().map(|i| serde_yaml::to_string(i).unwrap()).collect();
    let path = dir.join(format!("{case}.yaml"));
    std::fs::write(&path, stream.join("---\n")).unwrap();
    path
}

fn graph(file: &Path, format: &str) -> String {
    let run = pipewright(&["graph", file.to_str().unwrap(), "--format", format], file.parent().unwrap());
    assert_eq!(run.code, 0, "{}: {}", file.display(), run.stderr);
    run.stdout
}

#[test]
fn mermaid_and_dot_of_each_case() {
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        let file = case_file(case, dir.path());
        let mermaid = graph(&file, "mermaid");
        let dot = graph(&file, "dot");
        assert!(mermaid.starts_with("flowchart LR\n") && mermaid.contains("task_clone[\"clone<br/>pipewright-v"), "{case}: {mermaid}");
        assert!(dot.starts_with("digraph ") && dot.trim_end().ends_with('}'), "{case}: {dot}");
        insta::assert_snapshot!(format!("graph_{case}_mermaid"), mermaid);
        insta::assert_snapshot!(format!("graph_{case}_dot"), dot);
    }
}

#[test]
fn what_the_spec_switches_off_is_not_drawn() {
    let dir = tempfile::tempdir().unwrap();
    // readme-example sets `lint: false`; maven-defaults keeps lint.
    assert!(!graph(&case_file("readme-example", dir.path()), "mermaid").contains("task_lint"));
    assert!(graph(&case_file("maven-defaults", dir.path()), "mermaid").contains("task_lint[\"lint<br/>pipewright-v1-maven/lint\"]"));
    // No image: no build, scan or provenance boxes.
    let go = graph(&case_file("go-without-image", dir.path()), "mermaid");
    for task in ["task_build_image", "task_scan_image", "task_provenance"] {
        assert!(!go.contains(task), "{task} drawn without an image: {go}");
    }
    // Triggers: the branch glob comes back from the Sensor's regex; the schedule from the CronWorkflow.
    assert!(graph(&case_file("trigger-push", dir.path()), "mermaid").contains("push to main, release/*, v1.x"));
    assert!(graph(&case_file("trigger-schedule", dir.path()), "mermaid").contains("schedule 0 3 * * 1-5"));
}

/// A rectangle from an element's attributes.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.x + o.w <= self.x + self.w && o.y + o.h <= self.y + self.h
    }
}

fn number(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name).unwrap_or_else(|| panic!("<{}> lacks {name}", node.tag_name().name())).parse().unwrap()
}

fn rect(node: roxmltree::Node) -> Rect {
    Rect { x: number(node, "x"), y: number(node, "y"), w: number(node, "width"), h: number(node, "height") }
}

/// The area a `<text>` takes: from its baseline up by its font size, down by a quarter of it,
/// and 0.56 of its size per character wide (what the layout reserves; the browser test checks
/// real glyph widths).
fn text_rect(node: roxmltree::Node) -> Rect {
    let size = number(node, "font-size");
    let chars = node.text().unwrap_or("").chars().count() as f64;
    Rect { x: number(node, "x"), y: number(node, "y") - size, w: chars * size * 0.56, h: size * 1.25 }
}

/// Checks one SVG from its coordinates; returns the task titles drawn.
pub fn check_svg(svg: &str, context: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{context}: the SVG is not well-formed XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let canvas = Rect { x: 0.0, y: 0.0, w: number(root, "width"), h: number(root, "height") };
    let view: Vec<f64> = root.attribute("viewBox").unwrap().split(' ').map(|v| v.parse().unwrap()).collect();
    assert_eq!(view, [0.0, 0.0, canvas.w, canvas.h], "{context}: viewBox");

    let nodes: Vec<roxmltree::Node> =
        doc.descendants().filter(|n| n.has_tag_name("g") && n.attribute("class").is_some_and(|c| c.starts_with("node "))).collect();
    assert!(!nodes.is_empty(), "{context}: no boxes");
    let mut boxes = Vec::new();
    let mut labels = Vec::new();
    for node in &nodes {
        let id = node.attribute("data-id").unwrap();
        let frame = rect(node.children().find(|c| c.has_tag_name("rect")).unwrap());
        assert!(canvas.contains(&frame), "{context}: box {id} {frame:?} is outside the canvas {canvas:?}");
        for text in node.children().filter(|c| c.has_tag_name("text")) {
            let area = text_rect(text);
            assert!(frame.contains(&area), "{context}: label {:?} of {id} ({area:?}) overflows its box {frame:?}", text.text());
            labels.push((format!("{id}: {}", text.text().unwrap_or("")), area));
        }
        boxes.push((id.to_owned(), frame));
    }
    let legend = doc.descendants().find(|n| n.attribute("class") == Some("legend")).unwrap();
    for (i, text) in legend.children().filter(|c| c.has_tag_name("text")).enumerate() {
        let area = text_rect(text);
        assert!(canvas.contains(&area), "{context}: legend entry {i} is outside the canvas");
        labels.push((format!("legend: {}", text.text().unwrap_or("")), area));
    }
    for (i, (a, ra)) in boxes.iter().enumerate() {
        for (b, rb) in &boxes[i + 1..] {
            assert!(!ra.overlaps(rb), "{context}: boxes {a} {ra:?} and {b} {rb:?} overlap");
        }
    }
    for (i, (a, ra)) in labels.iter().enumerate() {
        for (b, rb) in &labels[i + 1..] {
            assert!(!ra.overlaps(rb), "{context}: labels {a:?} {ra:?} and {b:?} {rb:?} overlap");
        }
    }
    // Left to right: every `depends` arrow starts right of where it ends' box begins.
    let by_id = |id: &str| boxes.iter().find(|(b, _)| b == id).map(|(_, r)| *r).unwrap();
    for edge in doc.descendants().filter(|n| n.attribute("class") == Some("edge depends")) {
        let (from, to) = (by_id(edge.attribute("data-from").unwrap()), by_id(edge.attribute("data-to").unwrap()));
        assert!(from.x + from.w < to.x, "{context}: an arrow runs right to left: {edge:?}");
    }
    nodes
        .iter()
        .filter(|n| n.attribute("data-id").unwrap().starts_with("task_"))
        .map(|n| n.attribute("data-title").unwrap().to_owned())
        .collect()
}

#[test]
fn svg_boxes_and_labels_sit_inside_the_canvas_without_overlapping() {
    let dir = tempfile::tempdir().unwrap();
    for case in CASES {
        let file = case_file(case, dir.path());
        let svg = graph(&file, "svg");
        let tasks = check_svg(&svg, case);
        // Every task of the mermaid graph has a box.
        let mermaid = graph(&file, "mermaid");
        for task in &tasks {
            assert!(mermaid.contains(&format!("[\"{task}<br/>")), "{case}: {task} is in the SVG but not in the mermaid graph");
        }
        assert!(tasks.len() >= 5, "{case}: only {tasks:?}");
    }
}

#[test]
fn svg_bytes_are_the_same_on_every_run() {
    // Separate processes get separate hash seeds: a HashMap order leaking into the layout shows here.
    let dir = tempfile::tempdir().unwrap();
    let file = case_file("supply-chain-everything-on", dir.path());
    let first = graph(&file, "svg");
    for _ in 0..3 {
        assert!(graph(&file, "svg") == first, "the SVG differs between runs");
    }
}

#[test]
fn out_writes_the_file_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = case_file("readme-example", dir.path());
    let run = pipewright(&["graph", file.to_str().unwrap(), "--format", "dot", "--out", "g.dot"], dir.path());
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("g.dot")).unwrap(), graph(&file, "dot"));
}

#[test]
fn the_example_in_docs_is_what_graph_draws() {
    let run = pipewright(&["graph", "payments-api"], &support::root());
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in ["docs/graph.md", "README.md"] {
        let doc = std::fs::read_to_string(support::root().join(page)).unwrap();
        let block = doc.split_once("```mermaid\n").and_then(|(_, rest)| rest.split_once("```\n")).map(|(b, _)| b).unwrap();
        assert_eq!(block, run.stdout, "{page}'s example graph is stale: paste `pipewright graph payments-api` into it");
    }
}
