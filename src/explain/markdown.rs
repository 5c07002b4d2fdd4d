//! An [`Explanation`] as a markdown page. `level` is the title's heading level, so that the Team
//! pages of `render --docs` can nest one explanation per pipeline.

use super::{Explanation, Step};
use std::fmt::Write;

/// The markdown text, starting with a heading of `level` (1 for `#`).
pub fn render(e: &Explanation, level: usize) -> String {
    let h = |extra: usize| "#".repeat(level + extra);
    let mut out = String::new();
    let _ = writeln!(out, "{} Pipeline {}\n", h(0), e.pipeline);
    out.push_str(&summary(e));
    out.push('\n');

    let _ = writeln!(out, "{} Steps\n", h(1));
    for step in &e.steps {
        step_item(&mut out, step);
    }
    out.push('\n');
    if let Some(exit) = &e.on_exit {
        let _ = writeln!(out, "{} When the run ends: {}\n", h(1), code(exit));
        out.push_str("Runs after every run, whatever its outcome.\n\n");
        for step in &e.exit_steps {
            step_item(&mut out, step);
        }
        out.push('\n');
    }

    let _ = writeln!(out, "{} Triggers\n", h(1));
    out.push_str("| event | what starts a run | payload | from |\n| --- | --- | --- | --- |\n");
    for t in &e.triggers {
        let _ = writeln!(out, "| {} | {} | {} | {} |", code(&t.event), cell(&t.summary), t.payload, code(&t.object));
    }
    out.push('\n');
    if e.publishing.is_empty() {
        out.push_str("No step builds an image, so no event publishes one.\n\n");
    } else {
        out.push_str("What each event publishes (the clone step's rule for this library version):\n\n");
        out.push_str("| event | image tag | pushed |\n| --- | --- | --- |\n");
        for p in &e.publishing {
            let pushed = if p.pushed { "yes" } else { "no: built only" };
            let _ = writeln!(out, "| {} | {} | {pushed} |", code(&p.event), code(&p.tag));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "{} Secrets\n", h(1));
    if e.secrets.is_empty() {
        out.push_str("No step reads a Secret.\n\n");
    } else {
        out.push_str("| Secret | keys | read by |\n| --- | --- | --- |\n");
        for s in &e.secrets {
            let keys =
                if s.keys.is_empty() { "(mounted)".to_owned() } else { s.keys.iter().map(|k| code(k)).collect::<Vec<_>>().join(", ") };
            let _ = writeln!(out, "| {} | {keys} | {} |", code(&s.name), s.steps.join(", "));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "{} Who sees its runs and logs\n", h(1));
    if e.access.is_empty() {
        out.push_str("No SSO rule maps anyone into this namespace: only those with cluster-wide Argo access see its runs.\n\n");
    }
    for a in &e.access {
        let who = match (&a.team, &a.level) {
            (Some(team), Some(level)) => format!("Team {} ({} access)", code(team), code(level)),
            (Some(team), None) => format!("Team {}", code(team)),
            _ => "An SSO mapping".to_owned(),
        };
        let logs = if a.reads_logs { "reads run logs" } else { "cannot read run logs" };
        let acts = if a.operates { "and may act on runs (resubmit, retry, stop)" } else { "and may not act on runs (view only)" };
        let _ = writeln!(
            out,
            "- {who}: SSO users matching {} act as ServiceAccount {}, which {logs} {acts}.",
            code(&a.rule),
            code(&a.service_account)
        );
        for allowed in &a.allows {
            let _ = writeln!(out, "  - allows {}", cell(allowed));
        }
    }
    if !e.access.is_empty() {
        out.push('\n');
    }

    let _ = writeln!(out, "{} Objects it creates\n", h(1));
    for o in &e.objects {
        let _ = writeln!(out, "- {}", code(o));
    }
    out
}

fn summary(e: &Explanation) -> String {
    let mut s = String::new();
    match (&e.repo, &e.revision) {
        (Some(repo), Some(rev)) => {
            let _ = write!(s, "Clones {} (manual runs check out {})", code(repo), code(rev));
        }
        (Some(repo), None) => {
            let _ = write!(s, "Clones {}", code(repo));
        }
        _ => s.push_str("Runs"),
    }
    match &e.image {
        Some(image) => {
            let _ = write!(s, " and builds the image {}.", code(image));
        }
        None => s.push_str(" and builds no image."),
    }
    let _ = write!(s, " {} steps", e.steps.len());
    if let Some(lib) = &e.library {
        let _ = write!(s, " from library {}", code(lib));
    }
    if let Some(sa) = &e.service_account {
        let _ = write!(s, ", running as ServiceAccount {}", code(sa));
    }
    s.push_str(".\n");
    s
}

fn step_item(out: &mut String, step: &Step) {
    let _ = writeln!(out, "- **{}** calls {}", step.name, code(&step.template));
    if let Some(depends) = &step.depends {
        let _ = writeln!(out, "  - after {}", code(depends));
    }
    if let (Some(words), Some(when)) = (&step.condition, &step.when) {
        let _ = writeln!(out, "  - runs only {words} ({})", code(when));
    }
    if let Some(command) = &step.command {
        let _ = writeln!(out, "  - runs {}", code(command));
    }
    if let Some(does) = &step.does {
        let _ = writeln!(out, "  - {}", cell(does));
    }
    for image in &step.images {
        let _ = writeln!(out, "  - image {}", code(image));
    }
    for o in &step.overrides {
        let _ = writeln!(out, "  - sets {} to {} (library default: {})", code(&o.parameter), code(&o.value), code(&o.default));
    }
    for secret in &step.secrets {
        match &secret.key {
            Some(key) => {
                let _ = writeln!(out, "  - reads Secret {} key {}", code(&secret.name), code(key));
            }
            None => {
                let _ = writeln!(out, "  - mounts Secret {}", code(&secret.name));
            }
        }
    }
}

/// Inline code that its own text cannot end: a longer run of backticks than any inside, and
/// `|` escaped so it stays inside a table cell.
fn code(text: &str) -> String {
    if text.is_empty() {
        return "(empty)".to_owned();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
}

/// Plain text in a list or table cell: no HTML, no cell breaks, one line.
fn cell(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(super::code("a|b"), "`a\\|b`");
        assert_eq!(super::code("x`y"), "``x`y``");
        assert_eq!(super::code("`z"), "`` `z ``");
    }
}
