//! YAML fidelity through the real kustomize: strings that some YAML reader could take for a
//! boolean, null or number, very long and multi-line strings and unicode come out of
//! `kustomize build` as the same strings, both in items pipewright passes through and in user
//! fields it copies into what it generates (a command argument).

use super::support::{documents, kustomize_build};
use serde_json::{Value, json};

/// Single-line strings (command arguments are one line each).
fn tricky() -> Vec<String> {
    let mut v: Vec<String> = [
        "on",
        "off",
        "yes",
        "no",
        "y",
        "n",
        "Y",
        "NO",
        "true",
        "False",
        "null",
        "Null",
        "~",
        "",
        " ",
        "0755",
        "0o17",
        "0x1F",
        "1e3",
        "-1",
        "+1",
        ".5",
        "1_000",
        "12:30:45",
        "2024-01-01",
        ".inf",
        "-.Inf",
        ".NaN",
        "=",
        "<<",
        "-",
        "--",
        "- x",
        "a: b",
        "#x",
        "x #y",
        "@x",
        "`x`",
        "*a",
        "&a",
        "!t",
        "!!str",
        "%x",
        "|",
        ">",
        "'q'",
        "\"q\"",
        "{a: 1}",
        "[a]",
        "trailing ",
        " leading",
        "ünïcødé ✓ 漢字 🚀",
        "tab\there",
        "back\\slash",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(100_000));
    v
}

#[test]
fn tricky_strings_survive_kustomize_build_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let args = tricky();
    let mut data = serde_json::Map::new();
    for (i, s) in args.iter().enumerate() {
        data.insert(format!("k{i:02}"), s.as_str().into());
    }
    let multi_line = ["line1\nline2\n", "no final newline\nx", "two\n\n", "  indented\nnext\n", "\nleading newline", "a\r\nb"];
    for (i, s) in multi_line.iter().enumerate() {
        data.insert(format!("m{i}"), (*s).into());
    }
    let config_map = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tricky", "namespace": "team-a"}, "data": data});
    let mut command = vec![Value::from("run")];
    command.extend(args.iter().filter(|s| !s.is_empty()).map(|s| Value::from(s.as_str())));
    let pipeline = json!({
        "apiVersion": "pipewright.dev/v1alpha1", "kind": "Pipeline",
        "metadata": {"name": "tricky", "namespace": "team-a"},
        "spec": {"repo": "https://github.com/acme/tricky.git", "toolchain": "go", "steps": {"test": {"command": command}, "build-image": false}}
    });
    let function = json!({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "pipewright", "annotations": {"config.kubernetes.io/function": "exec:\n  path: pipewright\n"}}
    });
    // Written by pipewright's emitter: serde_yaml would leave `1_000` plain, which it reads back as a number.
    let write = |name: &str, v: &Value| std::fs::write(dir.path().join(name), pipewright::krm::to_yaml(v)).unwrap();
    write("configmap.yaml", &config_map);
    write("pipeline.yaml", &pipeline);
    write("function.yaml", &function);
    std::fs::write(dir.path().join("kustomization.yaml"), "resources: [configmap.yaml, pipeline.yaml]\ntransformers: [function.yaml]\n")
        .unwrap();

    let run = kustomize_build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = documents(&run.stdout);
    let out_map =
        docs.iter().find(|d| d["kind"] == "ConfigMap" && d["metadata"]["name"] == "tricky").expect("the ConfigMap passed through");
    for (key, want) in &data {
        assert_eq!(&out_map["data"][key], want, "data.{key} changed through kustomize");
    }
    let template = docs.iter().find(|d| d["kind"] == "WorkflowTemplate").expect("the WorkflowTemplate was generated");
    let passed: Vec<&str> = template["spec"]["templates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["dag"]["tasks"].as_array().into_iter().flatten())
        .filter(|task| task["name"] == "test")
        .flat_map(|task| task["arguments"]["parameters"].as_array().unwrap())
        .filter(|p| p["name"] == "command")
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = command.iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(passed, [want.join("\n").as_str()], "the command reached the pipeline changed");
}
