//! The graph as a finished SVG picture, laid out by [`super::layout`]: left to right, boxes in
//! Argo UI's colours, a title and a legend. Text sizes are estimated generously (see
//! [`text_width`]) so that every label fits its box in any common sans-serif font.

use super::layout::{self, Placed, Size};
use super::{EdgeKind, Graph, Kind, kind};
use std::fmt::Write;

/// The font size of a box's first line.
pub const TITLE_SIZE: f64 = 13.0;
/// The font size of a box's other lines.
pub const LINE_SIZE: f64 = 11.0;
/// The width reserved per character, as a share of the font size. Sans-serif fonts average
/// about 0.5 (DejaVu Sans, wider than Helvetica and Arial, about 0.55 bold); 0.56 leaves room for that.
pub const CHAR_WIDTH: f64 = 0.56;
const PAD_X: f64 = 12.0;
const PAD_Y: f64 = 9.0;
const TITLE_LINE: f64 = 18.0;
const LINE: f64 = 15.0;
const MARGIN: f64 = 20.0;
const HEADER: f64 = 34.0;
const LEGEND: f64 = 40.0;
const FONT: &str = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

/// The width reserved for `text` at `size`.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

fn box_size(title: &str, lines: &[String]) -> Size {
    let widest = lines.iter().map(|l| text_width(l, LINE_SIZE)).fold(text_width(title, TITLE_SIZE), f64::max);
    Size { w: (widest + 2.0 * PAD_X).max(110.0).ceil(), h: (2.0 * PAD_Y + TITLE_LINE + LINE * lines.len() as f64).ceil() }
}

/// The SVG document.
pub fn render(graph: &Graph) -> String {
    let sizes: Vec<Size> = graph.nodes.iter().map(|n| box_size(&n.title, &n.lines)).collect();
    let edges: Vec<(usize, usize)> = graph.edges.iter().map(|e| (e.from, e.to)).collect();
    let laid = layout::layout(&sizes, &edges);
    let (dx, dy) = (MARGIN, MARGIN + HEADER);

    let legend = legend_items(graph);
    let legend_width: f64 = legend.iter().map(|(_, text)| 14.0 + 6.0 + text_width(text, LINE_SIZE) + 18.0).sum();
    let title = format!("pipeline {}", graph.pipeline);
    let width = (laid.width.max(legend_width).max(text_width(&title, 14.0)) + 2.0 * MARGIN).ceil();
    let height = (dy + laid.height + LEGEND + MARGIN).ceil();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT}\">"
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#8FA4B1\"/></marker></defs>\n");
    let _ = writeln!(out, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#FFFFFF\"/>");
    let _ = writeln!(
        out,
        "<text class=\"title\" x=\"{MARGIN}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" fill=\"#363C4A\">{}</text>",
        MARGIN + 14.0,
        escape(&title)
    );

    out.push_str("<g class=\"edges\">\n");
    for (edge, route) in graph.edges.iter().zip(&laid.routes) {
        let (class, dash) = match edge.kind {
            EdgeKind::Depends => ("depends", ""),
            EdgeKind::Starts => ("starts", " stroke-dasharray=\"6 4\""),
            EdgeKind::Exit => ("exit", " stroke-dasharray=\"2 4\""),
        };
        let _ = writeln!(
            out,
            "<path class=\"edge {class}\" data-from=\"{}\" data-to=\"{}\" d=\"{}\" fill=\"none\" stroke=\"#8FA4B1\" stroke-width=\"1.5\"{dash} marker-end=\"url(#arrow)\"/>",
            graph.nodes[edge.from].id,
            graph.nodes[edge.to].id,
            path(route, dx, dy)
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (node, b) in graph.nodes.iter().zip(&laid.boxes) {
        let b = Placed { x: b.x + dx, y: b.y + dy, ..*b };
        let c = node.kind.colours();
        let dash = if node.conditional { " stroke-dasharray=\"5 3\"" } else { "" };
        let rx = if node.kind == Kind::Trigger { b.h / 2.0 } else { 6.0 };
        let _ = writeln!(out, "<g class=\"node {}\" data-id=\"{}\" data-title=\"{}\">", node.kind.class(), node.id, escape(&node.title));
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"{dash}/>",
            b.x,
            b.y,
            b.w,
            b.h,
            rx.min(14.0),
            c.fill,
            c.stroke
        );
        let mut baseline = b.y + PAD_Y + TITLE_SIZE;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{baseline}\" font-size=\"{TITLE_SIZE}\" font-weight=\"bold\" fill=\"{}\">{}</text>",
            b.x + PAD_X,
            c.text,
            escape(&node.title)
        );
        baseline += (TITLE_LINE - TITLE_SIZE) + LINE_SIZE + (LINE - LINE_SIZE) / 2.0;
        for line in &node.lines {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{baseline}\" font-size=\"{LINE_SIZE}\" fill=\"{}\">{}</text>",
                b.x + PAD_X,
                c.text,
                escape(line)
            );
            baseline += LINE;
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"legend\">\n");
    let mut x = MARGIN;
    let y = dy + laid.height + 16.0;
    for (k, text) in &legend {
        let c = k.map_or(kind::Colours { fill: "#FFFFFF", stroke: "#6D7F8B", text: "" }, Kind::colours);
        let dash = if k.is_none() { " stroke-dasharray=\"4 2\"" } else { "" };
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{}\" stroke=\"{}\"{dash}/><text x=\"{}\" y=\"{}\" font-size=\"{LINE_SIZE}\" fill=\"#495763\">{}</text>",
            c.fill,
            c.stroke,
            x + 20.0,
            y + 11.0,
            escape(text)
        );
        x += 14.0 + 6.0 + text_width(text, LINE_SIZE) + 18.0;
    }
    out.push_str("</g>\n</svg>\n");
    out
}

/// The legend: each kind the graph uses, then the dashed outline when a box has a condition.
fn legend_items(graph: &Graph) -> Vec<(Option<Kind>, String)> {
    let mut items: Vec<(Option<Kind>, String)> =
        kind::ALL.iter().filter(|k| graph.nodes.iter().any(|n| n.kind == **k)).map(|k| (Some(*k), k.legend().to_owned())).collect();
    if graph.nodes.iter().any(|n| n.conditional) {
        items.push((None, "dashed: runs only if its condition holds".into()));
    }
    items
}

/// A smooth path through the route's points, shifted by (dx, dy).
fn path(route: &[(f64, f64)], dx: f64, dy: f64) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = route.first() else { return d };
    let _ = write!(d, "M{},{}", round(x0 + dx), round(y0 + dy));
    for pair in route.windows(2) {
        let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
        let mid = (ax + bx) / 2.0;
        let _ = write!(
            d,
            " C{},{} {},{} {},{}",
            round(mid + dx),
            round(ay + dy),
            round(mid + dx),
            round(by + dy),
            round(bx + dx),
            round(by + dy)
        );
    }
    d
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Text as XML character data or attribute value.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
