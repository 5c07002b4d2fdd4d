//! docs/library-steps.md lists every library template with how the tests execute it; this test
//! fails when a template of the default or a fully switched-on Platform is missing there, when a
//! row names no template, when a row's way is not one of the three, or when it cites a test that
//! does not exist.

use crate::run_sc_support::library;
use crate::support::root;
use std::collections::BTreeSet;

/// `FAMILY/TEMPLATE` for every template of every ClusterWorkflowTemplate, version dropped.
fn templates(platform_spec: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for cwt in library(platform_spec) {
        let name = cwt["metadata"]["name"].as_str().unwrap();
        let family = name.strip_prefix("pipewright-").and_then(|n| n.split_once('-')).map(|(_, f)| f).unwrap();
        for t in cwt["spec"]["templates"].as_array().unwrap() {
            out.insert(format!("{family}/{}", t["name"].as_str().unwrap()));
        }
    }
    out
}

#[test]
fn every_library_template_is_in_the_table() {
    let doc = std::fs::read_to_string(root().join("docs/library-steps.md")).unwrap();
    let mut rows = BTreeSet::new();
    let mut problems = Vec::new();
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [template, how, tests, notes] = cells[..] else {
            problems.push(format!("not four cells: {line}"));
            continue;
        };
        let template = template.trim_matches('`').to_owned();
        match how {
            "really" | "fake" => {
                if tests.is_empty() {
                    problems.push(format!("{template}: `{how}` cites no test"));
                }
            }
            "not yet" => {
                if notes.len() < 10 {
                    problems.push(format!("{template}: `not yet` without a reason"));
                }
            }
            other => problems.push(format!("{template}: `{other}` is not really, fake or not yet")),
        }
        for test in tests.split(',').map(|t| t.trim().trim_matches('`')).filter(|t| !t.is_empty()) {
            let Some((module, name)) = test.split_once("::") else {
                problems.push(format!("{template}: {test} is not MODULE::TEST"));
                continue;
            };
            let source = std::fs::read_to_string(root().join(format!("tests/it/{module}.rs"))).unwrap_or_default();
            if !source.contains(&format!("#[test]\nfn {name}()")) {
                problems.push(format!("{template}: tests/it/{module}.rs has no test {name}"));
            }
        }
        if !rows.insert(template.clone()) {
            problems.push(format!("{template}: listed twice"));
        }
    }
    let mut rendered = templates("{}");
    let everything_on = "{scan: {image: true}, build: {cache: true}, supplyChain: {sbom: true, signing: {mode: key, keySecret: k}, attestSbom: true}, sonar: {hostUrl: 'http://sonar:9000', token: {secretName: s, key: t}}}";
    rendered.extend(templates(everything_on));
    assert!(rendered.len() >= 38, "{rendered:?}");
    for missing in rendered.difference(&rows) {
        problems.push(format!("{missing}: rendered, but not in docs/library-steps.md"));
    }
    for stale in rows.difference(&rendered) {
        problems.push(format!("{stale}: in docs/library-steps.md, but the library has no such template"));
    }
    assert!(problems.is_empty(), "docs/library-steps.md:\n{}", problems.join("\n"));
}
