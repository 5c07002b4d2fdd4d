//! DAG dependencies: every task a `depends` or `dependencies` names exists, no task has both,
//! and the dependencies have no cycle.

use super::super::finding::Finding;
use super::super::index::{Index, list, text};
use super::super::rules::Rule;
use super::did_you_mean;
use serde_json::Value;
use std::collections::BTreeMap;

/// The task results a `depends` expression may test (`task.Succeeded`).
const RESULTS: [&str; 8] = ["Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned", "AnySucceeded", "AllFailed"];

pub fn check(index: &Index, out: &mut Vec<Finding>) {
    for unit in &index.units {
        for (path, template) in unit.templates() {
            let tasks = list(&template["dag"]["tasks"]);
            if tasks.is_empty() {
                continue;
            }
            let names: Vec<&str> = tasks.iter().map(|t| text(t, "name")).collect();
            let mut edges: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for (i, task) in tasks.iter().enumerate() {
                let at = format!("{path}.dag.tasks[{i}]");
                let both = task.get("depends").is_some() && task.get("dependencies").is_some();
                if both {
                    let message = format!("task {:?} has both `depends` and `dependencies`: keep `depends`", names[i]);
                    out.push(Finding::new(Rule::DagDependsAndDependencies, unit.doc, at.clone(), message));
                }
                let mut deps = Vec::new();
                for (j, d) in list(&task["dependencies"]).iter().enumerate() {
                    let d = d.as_str().unwrap_or("");
                    deps.push((format!("{at}.dependencies[{j}]"), d.to_owned()));
                }
                if let Some(expr) = task.get("depends").and_then(Value::as_str) {
                    for (name, result) in depends_names(expr) {
                        if let Some(result) = result.filter(|r| !RESULTS.contains(r)) {
                            let message =
                                format!("`depends` tests {name}.{result}, which is not a task result: valid: {}", RESULTS.join(", "));
                            out.push(Finding::new(Rule::DagDependency, unit.doc, format!("{at}.depends"), message));
                        }
                        deps.push((format!("{at}.depends"), name.to_owned()));
                    }
                }
                for (dep_path, dep) in &deps {
                    if !names.contains(&dep.as_str()) {
                        let message = format!(
                            "task {:?} depends on {dep:?}, which is not a task of this DAG{}",
                            names[i],
                            did_you_mean(dep, names.iter().copied())
                        );
                        out.push(Finding::new(Rule::DagDependency, unit.doc, dep_path.clone(), message));
                    }
                }
                edges.entry(names[i]).or_default().extend(deps.into_iter().map(|(_, d)| d));
            }
            if let Some(cycle) = find_cycle(&edges) {
                let message = format!("the DAG's dependencies form a cycle: {}", cycle.join(" → "));
                out.push(Finding::new(Rule::DagCycle, unit.doc, format!("{path}.dag"), message));
            }
        }
    }
}

/// The task names in a `depends` expression such as `a && (b.Succeeded || !c.Failed)`, each
/// with the result it tests, if any.
pub fn depends_names(expr: &str) -> Vec<(&str, Option<&str>)> {
    expr.split(|c: char| matches!(c, '&' | '|' | '(' | ')' | '!') || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| match s.split_once('.') {
            Some((name, result)) => (name, Some(result)),
            None => (s, None),
        })
        .collect()
}

/// A cycle among the edges (task → the tasks it depends on), as the tasks along it.
fn find_cycle<'a>(edges: &'a BTreeMap<&'a str, Vec<String>>) -> Option<Vec<&'a str>> {
    fn visit<'a>(
        n: &'a str,
        edges: &'a BTreeMap<&'a str, Vec<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        trail: &mut Vec<&'a str>,
    ) -> bool {
        match state.get(n) {
            Some(1) => {
                trail.push(n);
                return true;
            }
            Some(2) => return false,
            _ => {}
        }
        state.insert(n, 1);
        trail.push(n);
        for d in edges.get(n).into_iter().flatten() {
            if edges.contains_key(d.as_str()) && visit(edges.get_key_value(d.as_str()).map(|(k, _)| *k).unwrap_or(""), edges, state, trail)
            {
                return true;
            }
        }
        trail.pop();
        state.insert(n, 2);
        false
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        let mut trail = Vec::new();
        if visit(n, edges, &mut state, &mut trail) {
            let last = *trail.last()?;
            let start = trail.iter().position(|t| *t == last)?;
            return Some(trail[start..].to_vec());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_depends_expressions() {
        assert_eq!(
            super::depends_names("a && (b.Succeeded || !c.Failed)"),
            vec![("a", None), ("b", Some("Succeeded")), ("c", Some("Failed"))]
        );
    }
}
