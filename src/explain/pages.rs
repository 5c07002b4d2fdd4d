//! The pages `render --docs` writes: one markdown page per Team (per namespace, as a namespace
//! has at most one Team) with each of its pipelines' mermaid graph and explanation, plus an
//! index. Made from the rendered objects of the whole tree.

use crate::graph;
use crate::krm::Object;
use crate::render::GENERATED_FROM;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The first line of the index; `render` only replaces a docs directory whose index has it.
pub const HEADER: &str = "<!-- Written by `pipewright render --docs`. Do not edit: edit the specs, then run `pipewright render` again. -->";

/// The index page's file name.
pub const INDEX: &str = "index.md";

/// Relative path → markdown, in path order.
pub type Pages = BTreeMap<String, String>;

/// The pages for a tree's rendered objects.
pub fn pages(objects: &[Object]) -> Result<Pages, Vec<String>> {
    // namespace → (team name, pipelines)
    let mut namespaces: BTreeMap<String, (Option<String>, Vec<String>)> = BTreeMap::new();
    for object in objects {
        let Some(origin) = object.annotation(GENERATED_FROM) else { continue };
        let mut parts = origin.splitn(3, '/');
        let (Some(kind), Some(namespace), Some(name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let entry = namespaces.entry(namespace.to_owned()).or_default();
        match kind {
            "Team" => entry.0 = Some(name.to_owned()),
            "Pipeline" if object.kind() == "WorkflowTemplate" && object.group() == "argoproj.io" => entry.1.push(name.to_owned()),
            _ => {}
        }
    }
    let mut pages = Pages::new();
    let mut problems = Vec::new();
    let mut index = format!("{HEADER}\n# Pipelines by Team\n\n");
    index.push_str("Drawn and explained by `pipewright render --docs` from the rendered objects: each page shows what every pipeline runs, what starts it, what it reads and who sees it.\n\n");
    index.push_str("| Team | namespace | pipelines |\n| --- | --- | --- |\n");
    for (namespace, (team, mut pipelines)) in namespaces {
        pipelines.sort();
        pipelines.dedup();
        let file = format!("{namespace}.md");
        let title = match &team {
            Some(team) => format!("Team {team} ({namespace})"),
            None => format!("Namespace {namespace} (no Team)"),
        };
        let links: Vec<String> =
            pipelines.iter().map(|p| format!("[{p}]({file}#pipeline-{})", anchor(&format!("{namespace}/{p}")))).collect();
        let listed = if links.is_empty() { "none".to_owned() } else { links.join(", ") };
        let _ = writeln!(index, "| [{}]({file}) | `{namespace}` | {listed} |", team.as_deref().unwrap_or("(no Team)"));
        let mut page = format!("# {title}\n\n");
        if pipelines.is_empty() {
            page.push_str("No pipelines run in this namespace yet.\n");
        }
        for pipeline in &pipelines {
            match (graph::of(objects, &namespace, pipeline), super::of(objects, &namespace, pipeline)) {
                (Ok(g), Ok(e)) => {
                    let text = super::markdown::render(&e, 2);
                    let (heading, rest) = text.split_once("\n\n").unwrap_or((&text, ""));
                    let _ = write!(page, "{heading}\n\n```mermaid\n{}```\n\n{rest}\n", graph::mermaid::render(&g));
                }
                (Err(a), Err(b)) => problems.extend(a.into_iter().chain(b)),
                (Err(a), _) | (_, Err(a)) => problems.extend(a),
            }
        }
        let page = page.trim_end().to_owned() + "\n";
        pages.insert(file, page);
    }
    pages.insert(INDEX.to_owned(), index);
    problems.sort();
    problems.dedup();
    if problems.is_empty() { Ok(pages) } else { Err(problems) }
}

/// GitHub's anchor for a heading's text: lowercase, spaces to `-`, other punctuation but `-` and `_` dropped.
fn anchor(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn anchors_follow_github() {
        assert_eq!(super::anchor("team-a/api"), "team-aapi");
    }
}
