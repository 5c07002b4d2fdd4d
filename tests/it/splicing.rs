//! User values never become script text. A Platform and one Pipeline per toolchain carry
//! marker values in every user-controlled field (repo, revision, contextDir, commands, images,
//! Secret names, push branches, the SonarQube project key, the commit-status API URL); the test walks every container's shell or Python script (`sh -c`, `python3 -c`,
//! `script.source`) and asserts that no marker and no `{{` appears in it, and that each marker
//! appears only where values belong: workflow and task argument values.

use super::support::{function, items};
use serde_json::Value;

const MARKERS: [&str; 10] = ["zzrepo", "zzrev", "zzdir", "zzcmd", "zzimage", "zzsecret", "zzstep", "zzbranch", "zzkey", "zzapi"];

fn pipeline(name: &str, toolchain: &str, extra: &str) -> String {
    format!(
        r#"- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {{name: {name}, namespace: team-zz}}
  spec:
    repo: https://git.example.com/zzrepo/app.git
    revision: release/zzrev
    contextDir: services/zzdir
    toolchain: {toolchain}
    image: registry.example.com/zzimage
    notify:
      webhook: {{name: zzsecret-hook, key: url}}
      commitStatus: {{provider: github, token: {{name: zzsecret-status, key: token}}, apiUrl: "https://zzapi.example.com/api/v3"}}
    triggers: {{push: {{branches: [main, zzbranch/*]}}}}
    sonar: {{projectKey: "zzkey_{name}"}}
    steps:
      deps: {{command: ["zzcmd", "--flag=$(touch /tmp/pwned)"], image: "zzstep/deps:1"}}
      lint: {{command: ["zzcmd", "lint;id"], image: "zzstep/lint:1"}}
      test: {{command: ["zzcmd", "`id`"], image: "zzstep/test:1"}}
{extra}"#
    )
}

fn input() -> String {
    let mut list = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    // Sonar on, so the project key reaches the real scanner step rather than a no-op.
    list.push_str(concat!(
        "- apiVersion: pipewright.dev/v1alpha1\n  kind: Platform\n  metadata: {name: acme}\n",
        "  spec: {sonar: {hostUrl: https://sonar.acme.io, token: {name: sonar-token, key: token}}}\n"
    ));
    for t in ["node", "python", "go", "maven", "gradle", "rust", "dotnet", "generic"] {
        list.push_str(&pipeline(&format!("p-{t}"), t, ""));
    }
    list.push_str(
        &pipeline("p-ssh", "go", "    git: {ssh: {name: zzsecret-key}}\n").replace("https://git.example.com/", "git@git.example.com:"),
    );
    list.push_str(&pipeline("p-https", "rust", "    git: {https: {name: zzsecret-token}, depth: 0, submodules: true}\n"));
    list
}

/// The script a container runs through an interpreter, if any.
fn scripts(template: &Value) -> Vec<String> {
    let mut out: Vec<String> = template["script"]["source"].as_str().map(str::to_owned).into_iter().collect();
    let c = &template["container"];
    let argv: Vec<String> = ["command", "args"]
        .iter()
        .flat_map(|k| c[k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let interpreters = ["sh", "bash", "ash", "python", "python3", "node"];
    let interpreted = argv.first().is_some_and(|p| interpreters.contains(&p.rsplit('/').next().unwrap_or(p)));
    if let Some(i) = argv.iter().position(|a| a == "-c" || a == "-e").filter(|_| interpreted) {
        out.extend(argv.get(i + 1).cloned());
    }
    out
}

/// Every string in `value` with its JSON path.
fn strings(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((path, s.clone())),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| strings(v, format!("{path}[{i}]"), out)),
        Value::Object(m) => m.iter().for_each(|(k, v)| strings(v, format!("{path}.{k}"), out)),
        _ => {}
    }
}

#[test]
fn user_values_reach_containers_only_as_parameters_env_or_args() {
    let run = function(input().as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let objects = items(&run.stdout);
    let mut script_count = 0;
    for object in objects.iter().filter(|o| o["apiVersion"] == "argoproj.io/v1alpha1") {
        // Sensors are argoproj.io objects too, with no templates of their own.
        for template in object["spec"]["templates"].as_array().into_iter().flatten() {
            for script in scripts(template) {
                script_count += 1;
                assert!(
                    !script.contains("{{"),
                    "{}/{}: an Argo expression inside script text",
                    object["metadata"]["name"],
                    template["name"]
                );
                for m in MARKERS {
                    assert!(!script.contains(m), "{}/{}: user value {m} inside script text", object["metadata"]["name"], template["name"]);
                }
            }
        }
    }
    assert!(script_count >= 12, "only {script_count} scripts found: the walk is broken");
    // Where each marker does appear: only as argument values (and the description annotation).
    let mut seen = std::collections::BTreeSet::new();
    for object in &objects {
        let mut all = Vec::new();
        strings(object, String::new(), &mut all);
        for (path, value) in all {
            for m in MARKERS.iter().filter(|m| value.contains(**m)) {
                seen.insert(*m);
                if object["kind"] == "ClusterWorkflowTemplate" {
                    panic!("{m} reached the library at {path}: the library is rendered from the Platform only");
                }
                let is_argument = path.contains(".arguments.parameters[") && path.ends_with(".value");
                let is_description = path == ".metadata.annotations.workflows.argoproj.io/description";
                // A branch pattern becomes part of a Sensor's anchored event filter, and nothing else.
                let is_filter = object["kind"] == "Sensor" && path.contains(".filters.data[") && value.starts_with("^refs/heads/(");
                assert!(
                    *m != "zzbranch" || is_filter,
                    "{m} at {path} of {}: branch patterns belong in Sensor filters",
                    object["metadata"]["name"]
                );
                assert!(
                    is_argument || is_description || object["kind"] != "WorkflowTemplate",
                    "{m} at {path} of {}",
                    object["metadata"]["name"]
                );
            }
        }
    }
    assert_eq!(seen.len(), MARKERS.len(), "some markers never reached the output: {seen:?}");
}
