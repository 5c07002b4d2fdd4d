//! Determinism and idempotency: shuffled input gives byte-identical output, and the function
//! run on its own (kpt-style) output changes nothing.

use super::support::{self, function};

fn example_items() -> Vec<serde_json::Value> {
    let dir = support::root().join("argo/workflows");
    let mut items = Vec::new();
    for file in ["platform.yaml", "pipelines/payments-api.yaml", "pipelines/ledger.yaml", "pipelines/fraud-model.yaml"] {
        items.push(serde_yaml::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap());
    }
    let teams = support::root().join("argo/events/teams");
    for file in ["payments.yaml", "risk.yaml"] {
        items.push(serde_yaml::from_str(&std::fs::read_to_string(teams.join(file)).unwrap()).unwrap());
    }
    items.push(serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "keep-me", "namespace": "team-risk"}, "data": {"a": "on", "b": "0755"}}));
    items
}

fn resource_list(items: &[serde_json::Value]) -> String {
    serde_yaml::to_string(&serde_json::json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items})).unwrap()
}

#[test]
fn shuffled_input_gives_identical_bytes() {
    let items = example_items();
    let first = function(resource_list(&items).as_bytes());
    assert_eq!(first.code, 0, "{}", first.stderr);
    // Every rotation and the reverse order.
    for shift in 1..items.len() {
        let mut shuffled = items.clone();
        shuffled.rotate_left(shift);
        if shift % 2 == 0 {
            shuffled.reverse();
        }
        let again = function(resource_list(&shuffled).as_bytes());
        assert_eq!(first.stdout, again.stdout, "output changed with item order (shift {shift})");
    }
    assert!(first.stdout.contains("name: keep-me"), "a foreign item was not passed through");
    assert!(first.stdout.contains("a: \"on\"") && first.stdout.contains("b: \"0755\""), "strings lost their quotes");
}

#[test]
fn running_on_its_own_kpt_output_changes_nothing() {
    let mut items = example_items();
    for (i, item) in items.iter_mut().enumerate() {
        item["metadata"]["annotations"]["config.kubernetes.io/path"] = format!("file{i}.yaml").into();
    }
    let first = function(resource_list(&items).as_bytes());
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = function(first.stdout.as_bytes());
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(first.stdout, second.stdout, "the second run changed the output");
}
