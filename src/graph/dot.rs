//! The graph in Graphviz's dot language, left to right, with the same colours as the SVG.

use super::{EdgeKind, Graph};
use std::fmt::Write;

/// The dot text.
pub fn render(graph: &Graph) -> String {
    let mut out = format!("digraph \"{}\" {{\n", escape(&graph.pipeline));
    out.push_str("  // drawn by `pipewright graph` from the rendered WorkflowTemplate\n");
    out.push_str("  rankdir=LR;\n  nodesep=0.3;\n  ranksep=0.5;\n");
    out.push_str("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [color=\"#8FA4B1\", fontname=\"Helvetica\", fontsize=9];\n");
    for node in &graph.nodes {
        let label = std::iter::once(&node.title).chain(&node.lines).map(|l| escape(l)).collect::<Vec<_>>().join("\\n");
        let c = node.kind.colours();
        let style = if node.conditional { "rounded,filled,dashed" } else { "rounded,filled" };
        let _ = writeln!(
            out,
            "  {} [label=\"{label}\", style=\"{style}\", fillcolor=\"{}\", color=\"{}\", fontcolor=\"{}\"];",
            node.id, c.fill, c.stroke, c.text
        );
    }
    for edge in &graph.edges {
        let (from, to) = (&graph.nodes[edge.from].id, &graph.nodes[edge.to].id);
        let attributes = match edge.kind {
            EdgeKind::Depends => "",
            EdgeKind::Starts => " [style=dashed]",
            EdgeKind::Exit => " [style=dotted, label=\"on exit\"]",
        };
        let _ = writeln!(out, "  {from} -> {to}{attributes};");
    }
    out.push_str("}\n");
    out
}

/// Text inside a dot double-quoted string.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(super::escape(r#"a "b" \. c"#), r#"a \"b\" \\. c"#);
    }
}
