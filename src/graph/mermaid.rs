//! The graph as a mermaid flowchart, left to right: it renders in GitHub and GitLab markdown.

use super::{EdgeKind, Graph, kind};
use std::fmt::Write;

/// The mermaid text (without the markdown fence).
pub fn render(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    let _ = writeln!(out, "  %% {}: drawn by `pipewright graph` from the rendered WorkflowTemplate", graph.pipeline);
    for node in &graph.nodes {
        let label = std::iter::once(node.title.as_str()).chain(node.lines.iter().map(String::as_str)).map(escape).collect::<Vec<_>>();
        let label = label.join("<br/>");
        let shape = match node.kind {
            kind::Kind::Trigger => format!("([\"{label}\"])"),
            kind::Kind::Notify if node.id == "exit" => format!("[/\"{label}\"/]"),
            _ => format!("[\"{label}\"]"),
        };
        let _ = writeln!(out, "  {}{shape}", node.id);
    }
    for edge in &graph.edges {
        let (from, to) = (&graph.nodes[edge.from].id, &graph.nodes[edge.to].id);
        let arrow = match edge.kind {
            EdgeKind::Depends => "-->",
            EdgeKind::Starts => "-.->",
            EdgeKind::Exit => "-. on exit .->",
        };
        let _ = writeln!(out, "  {from} {arrow} {to}");
    }
    for k in kind::ALL {
        let ids: Vec<&str> = graph.nodes.iter().filter(|n| n.kind == k).map(|n| n.id.as_str()).collect();
        if ids.is_empty() {
            continue;
        }
        let c = k.colours();
        let _ = writeln!(out, "  classDef {} fill:{},stroke:{},color:{}", k.class(), c.fill, c.stroke, c.text);
        let _ = writeln!(out, "  class {} {}", ids.join(","), k.class());
    }
    let conditional: Vec<&str> = graph.nodes.iter().filter(|n| n.conditional).map(|n| n.id.as_str()).collect();
    if !conditional.is_empty() {
        out.push_str("  classDef conditional stroke-dasharray:5 3\n");
        let _ = writeln!(out, "  class {} conditional", conditional.join(","));
    }
    out
}

/// Text inside a quoted mermaid label: quotes and angle brackets become entity codes.
fn escape(text: &str) -> String {
    text.replace('#', "#35;").replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_cannot_close_their_quotes() {
        assert_eq!(super::escape(r#"a "b" <c> #d"#), "a #quot;b#quot; #lt;c#gt; #35;d");
    }
}
