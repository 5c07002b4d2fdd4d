//! `render --docs DIR`: one page per Team with each pipeline's mermaid graph and explanation,
//! plus an index, written as a whole tree; `render --check` finds pages in the default place
//! and fails when a spec change would change them.

use super::support::{copy_tree, pipewright, read_tree, root};

#[test]
fn team_pages_are_written_and_kept_current() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    copy_tree(&root().join("argo"), &dir.join("argo"));

    let run = pipewright(&["render", "--docs", "docs/pipelines"], dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.ends_with("wrote 3 Team pages and an index into docs/pipelines\n"), "{}", run.stdout);
    let pages = read_tree(&dir.join("docs/pipelines"));
    assert_eq!(pages.keys().collect::<Vec<_>>(), ["index.md", "team-payments.md", "team-risk.md", "team-web.md"]);
    assert!(pages["index.md"].contains("| [risk](team-risk.md) | `team-risk` | [fraud-model](team-risk.md#pipeline-team-riskfraud-model), [risk-engine](team-risk.md#pipeline-team-riskrisk-engine) |"));
    let risk = &pages["team-risk.md"];
    assert!(risk.starts_with("# Team risk (team-risk)\n\n## Pipeline team-risk/fraud-model\n\n```mermaid\nflowchart LR\n"), "{risk:.300}");
    for pipeline in ["fraud-model", "risk-engine"] {
        assert!(risk.contains(&format!("## Pipeline team-risk/{pipeline}\n\n```mermaid\n")), "{pipeline}");
    }
    assert!(risk.contains("### Who sees its runs and logs\n\n- Team `risk`"), "{risk}");

    // Found without --docs, and up to date.
    let check = pipewright(&["render", "--check"], dir);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.ends_with("docs/pipelines is up to date (4 pages)\n"), "{}", check.stdout);

    // Another push branch changes the page; --check says so and shows the diff.
    let spec = dir.join("argo/workflows/pipelines/fraud-model.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    assert!(text.contains("push: {branches: [main]}"), "{text}");
    std::fs::write(&spec, text.replace("push: {branches: [main]}", "push: {branches: [main, develop]}")).unwrap();
    let stale = pipewright(&["render", "--check"], dir);
    assert_eq!(stale.code, 1, "{}", stale.stdout);
    assert!(stale.stderr.contains("docs/pipelines differs from fresh Team pages"), "{}", stale.stderr);
    assert!(stale.stdout.contains("+  trigger_2([\"push to main, develop<br/>GitHub webhook, GitLab webhook\"])"), "{}", stale.stdout);

    // render brings both back, and a directory render did not write is refused.
    assert_eq!(pipewright(&["render"], dir).code, 0);
    assert_eq!(pipewright(&["render", "--check"], dir).code, 0);
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    std::fs::write(dir.join("notes/mine.md"), "mine\n").unwrap();
    let refused = pipewright(&["render", "--docs", "notes"], dir);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("notes exists and was not written by `pipewright render` (its index.md lacks the header)"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read_to_string(dir.join("notes/mine.md")).unwrap(), "mine\n");
}
