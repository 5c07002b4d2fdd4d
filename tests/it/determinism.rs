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

/// Under kustomize the specs are consumed and the generated objects stay: run on its own
/// output (as a transformer does over a generator's), the function gives the same items in the
/// same order, and shuffling that output changes nothing either. Half of the example's specs
/// then run again beside the other half's output: still the same order.
#[test]
fn running_on_its_own_kustomize_output_keeps_the_order() {
    let items = example_items();
    let first = function(resource_list(&items).as_bytes());
    assert_eq!(first.code, 0, "{}", first.stderr);
    let names = |stdout: &str| support::items(stdout).iter().map(support::id).collect::<Vec<_>>();
    let expected = names(&first.stdout);
    let second = function(first.stdout.as_bytes());
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(names(&second.stdout), expected, "the second run reordered the items");
    // The same items, byte for byte (the second run has no spec, which its results say).
    let items_text = |stdout: &str| stdout.split("\nresults:").next().unwrap().trim_end().to_owned();
    assert!(items_text(&first.stdout) == items_text(&second.stdout), "the second run changed the items");
    let mut output = support::items(&first.stdout);
    output.reverse();
    assert!(function(resource_list(&output).as_bytes()).stdout == second.stdout, "the order followed the input's");
    // The pipelines' specs again, with the rest of the first output (the Platform's and the
    // Teams' objects) as what an earlier generator made.
    let specs: Vec<_> = items.iter().filter(|i| i["kind"] == "Pipeline").cloned().collect();
    let mut mixed: Vec<_> = support::items(&first.stdout)
        .into_iter()
        .filter(|o| !o["metadata"]["annotations"]["pipewright.dev/generated-from"].as_str().unwrap_or("").starts_with("Pipeline/"))
        .collect();
    mixed.extend(specs);
    let third = function(resource_list(&mixed).as_bytes());
    assert_eq!(names(&third.stdout), expected, "fresh and earlier objects were not merged in one order");
}

/// Rebuilds every mapping with its keys in a pseudo-random order (a small LCG, seeded).
fn permute_keys(value: &serde_json::Value, seed: &mut u64) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            for i in (1..entries.len()).rev() {
                *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                entries.swap(i, (*seed >> 33) as usize % (i + 1));
            }
            entries.into_iter().map(|(k, v)| (k.clone(), permute_keys(v, seed))).collect::<serde_json::Map<_, _>>().into()
        }
        serde_json::Value::Array(items) => items.iter().map(|v| permute_keys(v, seed)).collect(),
        other => other.clone(),
    }
}

#[test]
fn mapping_key_order_and_repeated_runs_give_identical_bytes() {
    let items = example_items();
    let first = function(resource_list(&items).as_bytes());
    assert_eq!(first.code, 0, "{}", first.stderr);
    let mut seed = 0x5eed;
    let mut inputs = std::collections::BTreeSet::new();
    for _ in 0..8 {
        // Specs only: items passed through keep their own key order, as they should.
        let permuted: Vec<_> =
            items.iter().map(|i| if i["kind"] == "ConfigMap" { i.clone() } else { permute_keys(i, &mut seed) }).collect();
        let input = resource_list(&permuted);
        inputs.insert(input.clone());
        let again = function(input.as_bytes());
        assert!(first.stdout == again.stdout, "output changed with the order of mapping keys in:\n{input}");
    }
    assert!(inputs.len() > 4, "the permutation did not vary the input");
}

/// Output order never depends on hashing: no `HashMap` or `HashSet` anywhere in the source.
#[test]
fn the_source_uses_no_hash_maps() {
    let mut offenders = Vec::new();
    let mut stack = vec![support::root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read_to_string(&path).unwrap().contains("Hash") && path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if text.contains("HashMap") || text.contains("HashSet") {
                    offenders.push(path.display().to_string());
                }
            }
        }
    }
    assert!(offenders.is_empty(), "use BTreeMap/BTreeSet (sorted) instead of hashing in: {offenders:?}");
}
