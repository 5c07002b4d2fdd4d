//! `pipewright lint`: Argo's examples as one bundle, the mutation suite (each valid example
//! changed in one way gives exactly that rule's findings), the broken-pipeline showcase in every
//! output format, exit codes, and the KRM validator under the real kustomize and kpt.

use super::support::{self, Run, documents, pipewright, root, run_in, shared_argo};
use serde_json::{Value, json};
use std::path::Path;

/// Runs `pipewright lint --output json ARGS` with `stdin` and returns the run and the report.
pub fn lint_json(args: &[&str], stdin: &[u8], dir: &Path) -> (Run, Value) {
    let mut all = vec!["lint", "--output", "json"];
    all.extend_from_slice(args);
    let run = run_in(&support::bin(), &all, stdin, dir);
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run, report)
}

/// The errors of a lint report, one line each.
pub fn errors(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| format!("{} {}/{}: {} at {}", f["rule"], f["kind"], f["name"], f["message"], f["path"]))
        .collect()
}

/// Lints a ResourceList or YAML stream given on stdin and asserts it has no error: the
/// self-check every test that renders pipewright's output runs.
pub fn assert_lints_clean(what: &str, stdin: &[u8]) {
    let (run, report) = lint_json(&["-"], stdin, &root());
    assert_eq!(errors(&report), Vec::<String>::new(), "{what}: pipewright lint finds errors in pipewright's own output");
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
}

/// The same for objects already parsed (a kustomize build's, a function's items).
pub fn assert_docs_lint_clean(what: &str, docs: &[Value]) {
    assert_lints_clean(what, &yaml_stream(docs));
}

fn yaml_stream(docs: &[Value]) -> Vec<u8> {
    docs.iter().map(|d| format!("---\n{}\n", serde_json::to_string(d).unwrap())).collect::<String>().into_bytes()
}

fn read_docs(shared: &Path, files: &[&str]) -> Vec<Value> {
    files.iter().flat_map(|f| documents(&std::fs::read_to_string(shared.join(f)).unwrap())).collect()
}

/// Findings as comparable lines (rule, severity, path, message).
fn lines(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (f["rule"].as_str().unwrap().to_owned(), f["severity"].as_str().unwrap().to_owned(), format!("{} {}", f["path"], f["message"]))
        })
        .collect()
}

#[test]
fn argos_examples_lint_as_one_bundle_without_errors_but_one_real_injection() {
    let Some(shared) = shared_argo() else { return };
    let (run, report) = lint_json(&[shared.join("examples").to_str().unwrap()], b"", &root());
    // Argo's own ci-workflowtemplate.yaml splices `{{workflow.parameters.branch}}` into the
    // program of `sh -euxc`: whoever submits the template (or a Sensor that fills the
    // parameter from a webhook) writes shell code. That error is genuine and kept.
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with("\"security/script-splice\" \"WorkflowTemplate\"/\"ci\""), "{errors:#?}");
    assert_eq!(run.code, 1);
    // The warnings: Secrets and PVCs the examples expect to exist, and values spliced into
    // scripts that come from template inputs.
    let rules: std::collections::BTreeSet<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["run/pvc-missing", "run/secret-missing", "security/script-splice"].into_iter().collect());
}

/// One mutation: the rule it must trigger, the example files of the bundle, and the change.
struct Mutation {
    rule: &'static str,
    files: &'static [&'static str],
    change: fn(&mut Vec<Value>),
}

/// The first template of that name in the bundle.
fn template<'a>(docs: &'a mut [Value], name: &str) -> &'a mut Value {
    let all = docs.iter_mut().flat_map(|d| d["spec"]["templates"].as_array_mut().into_iter().flatten());
    all.into_iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no template {name}"))
}

fn rbac(docs: &mut Vec<Value>, verbs: Value) {
    docs[0]["metadata"]["namespace"] = json!("ci");
    docs[0]["spec"]["serviceAccountName"] = json!("ci-bot");
    docs.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "ci-bot", "namespace": "ci"}}));
    docs.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "ci-bot", "namespace": "ci"},
        "rules": [{"apiGroups": ["argoproj.io"], "resources": ["workflowtaskresults"], "verbs": verbs}]}));
    docs.push(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "ci-bot", "namespace": "ci"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "ci-bot"},
        "subjects": [{"kind": "ServiceAccount", "name": "ci-bot", "namespace": "ci"}]}),
    );
}

const HELLO: &[&str] = &["examples/hello-world.yaml"];
const DIAMOND: &[&str] = &["examples/dag-diamond.yaml"];
const CLUSTER_DAG: &[&str] =
    &["examples/cluster-workflow-template/clustertemplates.yaml", "examples/cluster-workflow-template/cluster-wftmpl-dag.yaml"];
const PVC: &[&str] = &["examples/volumes-pvc.yaml"];
const CRON: &[&str] = &["examples/dag-inline-cronworkflow.yaml", "examples/dag-inline-workflowtemplate.yaml"];
const SENSOR: &[&str] = &["events-examples/sensors/sensor-to-existing-workflow-template.yaml"];

fn mutations() -> Vec<Mutation> {
    vec![
        Mutation { rule: "argo/unknown-field", files: HELLO, change: |d| d[0]["spec"]["podGc"] = json!({"strategy": "OnPodSuccess"}) },
        Mutation {
            rule: "argo/schema-type",
            files: HELLO,
            change: |d| template(d, "hello-world")["container"]["args"] = json!("hello world"),
        },
        Mutation {
            rule: "argo/required-field",
            files: DIAMOND,
            change: |d| template(d, "echo")["container"].as_object_mut().unwrap().clear(),
        },
        Mutation { rule: "argo/name", files: DIAMOND, change: |d| template(d, "diamond")["dag"]["tasks"][3]["name"] = json!("D_final") },
        Mutation { rule: "argo/entrypoint", files: HELLO, change: |d| d[0]["spec"]["entrypoint"] = json!("hello") },
        Mutation {
            rule: "argo/template-missing",
            files: DIAMOND,
            change: |d| template(d, "diamond")["dag"]["tasks"][1]["template"] = json!("ech"),
        },
        Mutation {
            rule: "argo/template-type",
            files: HELLO,
            change: |d| template(d, "hello-world")["script"] = json!({"image": "busybox", "source": "echo hi"}),
        },
        Mutation {
            rule: "argo/templateref-missing",
            files: CLUSTER_DAG,
            change: |d| template(d, "diamond")["dag"]["tasks"][0]["templateRef"]["template"] = json!("print-mesage"),
        },
        Mutation {
            rule: "argo/dag-dependency",
            files: DIAMOND,
            change: |d| template(d, "diamond")["dag"]["tasks"][3]["depends"] = json!("B && E"),
        },
        Mutation { rule: "argo/dag-cycle", files: DIAMOND, change: |d| template(d, "diamond")["dag"]["tasks"][0]["depends"] = json!("D") },
        Mutation {
            rule: "argo/dag-depends-and-dependencies",
            files: DIAMOND,
            change: |d| template(d, "diamond")["dag"]["tasks"][1]["dependencies"] = json!(["A"]),
        },
        Mutation {
            rule: "argo/missing-input",
            files: DIAMOND,
            change: |d| {
                template(d, "diamond")["dag"]["tasks"][0].as_object_mut().unwrap().remove("arguments");
            },
        },
        Mutation {
            rule: "argo/variable-scope",
            files: DIAMOND,
            change: |d| {
                template(d, "diamond")["dag"]["tasks"][1]["arguments"]["parameters"][0]["value"] = json!("{{tasks.C.outputs.result}}")
            },
        },
        Mutation { rule: "argo/cron-schedule", files: CRON, change: |d| d[0]["spec"]["schedules"][0] = json!("*/5 * * *") },
        Mutation { rule: "argo/cron-timezone", files: CRON, change: |d| d[0]["spec"]["timezone"] = json!("Europe/Berlni") },
        Mutation {
            rule: "run/undefined-workflow-parameter",
            files: CLUSTER_DAG,
            change: |d| {
                template(d, "print-message")["container"]["env"] =
                    json!([{"name": "GREETING", "value": "{{workflow.parameters.greeting}}"}]);
            },
        },
        Mutation {
            rule: "run/volume-missing",
            files: PVC,
            change: |d| template(d, "print-message-from-file")["container"]["volumeMounts"][0]["name"] = json!("wrokdir"),
        },
        Mutation {
            rule: "run/emptydir-shared",
            files: PVC,
            change: |d| {
                let spec = d[0]["spec"].as_object_mut().unwrap();
                spec.remove("volumeClaimTemplates");
                spec.insert("volumes".into(), json!([{"name": "workdir", "emptyDir": {}}]));
            },
        },
        Mutation {
            rule: "run/trigger-template-missing",
            files: SENSOR,
            change: |d| {
                d[0]["spec"]["triggers"][0]["template"]["argoWorkflow"]["source"]["resource"]["spec"]["workflowTemplateRef"]["name"] =
                    json!("print-message")
            },
        },
        Mutation {
            rule: "run/pvc-missing",
            files: PVC,
            change: |d| {
                let spec = d[0]["spec"].as_object_mut().unwrap();
                spec.remove("volumeClaimTemplates");
                spec.insert("volumes".into(), json!([{"name": "workdir", "persistentVolumeClaim": {"claimName": "workdir"}}]));
            },
        },
        Mutation {
            rule: "run/secret-missing",
            files: HELLO,
            change: |d| {
                template(d, "hello-world")["container"]["env"] =
                    json!([{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "api-token", "key": "token"}}}])
            },
        },
        Mutation {
            rule: "security/script-splice",
            files: HELLO,
            change: |d| {
                let container = &mut template(d, "hello-world")["container"];
                container["command"] = json!(["sh", "-c"]);
                container["args"] = json!(["cowsay {{workflow.name}} {{pod.name}} {{workflow.parameters.message}}"]);
                d[0]["spec"]["arguments"] = json!({"parameters": [{"name": "message", "value": "hello"}]});
            },
        },
        Mutation { rule: "rbac/missing-serviceaccount", files: HELLO, change: |d| d[0]["spec"]["serviceAccountName"] = json!("ci-bot") },
        Mutation { rule: "rbac/missing-taskresults", files: HELLO, change: |d| rbac(d, json!(["create"])) },
        Mutation { rule: "rbac/wildcard", files: HELLO, change: |d| rbac(d, json!(["*"])) },
    ]
}

#[test]
fn each_mutation_of_a_valid_example_gives_exactly_its_rules_findings() {
    let Some(shared) = shared_argo() else { return };
    let shared = shared.parent().unwrap().to_path_buf();
    let mut covered = std::collections::BTreeSet::new();
    for m in mutations() {
        let base_docs = read_docs(&shared.join("argo"), m.files);
        let (_, base) = lint_json(&["-"], &yaml_stream(&base_docs), &root());
        assert_eq!(errors(&base), Vec::<String>::new(), "{}: the unchanged example has errors", m.rule);
        let mut docs = base_docs.clone();
        (m.change)(&mut docs);
        let (run, mutated) = lint_json(&["-"], &yaml_stream(&docs), &root());
        let before = lines(&base);
        let new: Vec<_> = lines(&mutated).into_iter().filter(|l| !before.contains(l)).collect();
        assert!(!new.is_empty(), "{}: the mutation gives no new finding", m.rule);
        for (rule, severity, detail) in &new {
            assert_eq!(rule, m.rule, "{}: the mutation also gives {rule} ({severity}) {detail}", m.rule);
        }
        let is_error = new.iter().any(|(_, s, _)| s == "error");
        assert_eq!(run.code, i32::from(is_error), "{}: exit code", m.rule);
        covered.insert(m.rule);
    }
    // pipewright/spec is the function's own validation, covered by the catalog cases.
    let all: Vec<&str> = rule_ids().into_iter().filter(|r| *r != "pipewright/spec").collect();
    let missing: Vec<&&str> = all.iter().filter(|r| !covered.contains(**r)).collect();
    assert!(missing.is_empty(), "rules without a mutation: {missing:?}");
}

/// Every rule id, from the SARIF driver (which lists them all).
fn rule_ids() -> Vec<&'static str> {
    let run = pipewright(&["lint", "--output", "sarif", "-"], &root());
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &*Box::leak(r["id"].as_str().unwrap().to_owned().into_boxed_str()))
        .collect()
}

#[test]
fn a_pipewright_spec_in_the_bundle_is_validated_as_the_function_validates_it() {
    let spec = json!({"apiVersion": "pipewright.dev/v1alpha1", "kind": "Pipeline", "metadata": {"name": "api", "namespace": "team"},
        "spec": {"repo": "https://github.com/acme/api.git", "toolchain": "node", "image": "registry.acme.io/api", "revison": "main"}});
    let (run, report) = lint_json(&["-"], &yaml_stream(&[spec.clone()]), &root());
    assert_eq!(run.code, 1);
    let found = errors(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("pipewright/spec") && found[0].contains("did you mean `revision`"), "{found:#?}");
    let mut fixed = spec;
    fixed["spec"].as_object_mut().unwrap().remove("revison");
    let (run, report) = lint_json(&["-"], &yaml_stream(&[fixed]), &root());
    assert_eq!(errors(&report), Vec::<String>::new());
    assert_eq!(run.code, 0, "the Pipeline renders, and its WorkflowTemplate finds the default library");
}

fn broken() -> std::path::PathBuf {
    root().join("tests/fixtures/lint/broken-pipeline")
}

#[test]
fn the_broken_pipeline_showcase() {
    let run = pipewright(&["lint", "tests/fixtures/lint/broken-pipeline"], &root());
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("broken_pipeline_text", run.stdout);
    let docs = std::fs::read_to_string(root().join("docs/lint.md")).unwrap();
    assert!(docs.contains(&run.stdout), "docs/lint.md does not show the showcase's current output:\n{}", run.stdout);
}

#[test]
fn the_showcase_in_json_sarif_and_github_annotations() {
    let (_, report) = lint_json(&[broken().to_str().unwrap()], b"", &root());
    assert_eq!(report["errors"], 10);
    assert_eq!(report["warnings"], 1);
    let first = &report["findings"][0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["severity", "rule", "file", "line", "column", "kind", "namespace", "name", "path", "message"]);
    let taskresults = report["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "rbac/missing-taskresults").unwrap();
    assert_eq!((taskresults["line"].as_u64(), taskresults["column"].as_u64()), (Some(10), Some(3)));
    assert!(taskresults["file"].as_str().unwrap().ends_with("broken-pipeline/pipeline.yaml"));

    let run = pipewright(&["lint", "--output", "sarif", "tests/fixtures/lint/broken-pipeline"], &root());
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 11);
    let region = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(region["artifactLocation"]["uri"], "tests/fixtures/lint/broken-pipeline/pipeline.yaml");
    assert_eq!(region["region"], json!({"startLine": 10, "startColumn": 3}));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules[results[1]["ruleIndex"].as_u64().unwrap() as usize]["id"], results[1]["ruleId"]);

    let run = pipewright(&["lint", "--output", "github", "tests/fixtures/lint/broken-pipeline"], &root());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 11);
    assert!(
        lines[1]
            .starts_with("::error file=tests/fixtures/lint/broken-pipeline/pipeline.yaml,line=10,col=3,title=rbac/missing-taskresults::"),
        "{}",
        lines[1]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn exit_codes_follow_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let run = pipewright(&["lint", "nowhere.yaml"], dir.path());
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (2, "pipewright: error: nowhere.yaml: cannot be read: No such file or directory (os error 2)\n")
    );
    std::fs::write(dir.path().join("bad.yaml"), "a: [\n").unwrap();
    let run = pipewright(&["lint", "bad.yaml"], dir.path());
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("pipewright: error: bad.yaml: the input is not valid YAML"), "{}", run.stderr);
    // Warnings only: 0, unless --warnings-as-errors.
    let warning = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: w-}\nspec:\n  entrypoint: main\n  serviceAccountName: ci\n  templates:\n  - {name: main, container: {image: busybox}}\n";
    std::fs::write(dir.path().join("w.yaml"), warning).unwrap();
    let run = pipewright(&["lint", "w.yaml"], dir.path());
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "w.yaml:6:3: warning rbac/missing-serviceaccount: ServiceAccount \"ci\" is not in the bundle: the workflow cannot start without it (fine if it is created elsewhere) (Workflow/w- at spec.serviceAccountName)\n0 errors, 1 warning\n"
    );
    assert_eq!(pipewright(&["lint", "--warnings-as-errors", "w.yaml"], dir.path()).code, 1);
    let run = pipewright(&["lint", "--output", "krm", "w.yaml"], dir.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = pipewright(&["lint"], dir.path());
    assert_eq!(run.code, 2, "no PATH outside a GitOps repo");
    assert!(run.stderr.contains("pipewright lint PATH..."), "{}", run.stderr);
}

#[test]
fn positions_point_into_a_resource_list_on_stdin() {
    let list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: argoproj.io/v1alpha1\n  kind: Workflow\n  metadata: {generateName: w-}\n  spec:\n    entrypoint: mains\n    templates:\n    - {name: main, container: {image: busybox}}\n";
    let run = run_in(&support::bin(), &["lint", "-"], list.as_bytes(), &root());
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with(
            "-:8:5: error argo/entrypoint: entrypoint \"mains\" is not a template of Workflow/w- (valid: main), did you mean `main`?"
        ),
        "{}",
        run.stdout
    );
}

/// A kustomization with pipewright's lint as its last transformer (exec), over `objects`:
/// kustomize's own `validators:` refuses every KRM function today, since kustomize adds path
/// annotations to what the function returns and then finds the items changed
/// (kubernetes-sigs/kustomize#5036); docs/lint.md says so.
fn validator_tree(objects: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("objects.yaml"), objects).unwrap();
    std::fs::write(
        dir.path().join("lint.yaml"),
        "apiVersion: lint.pipewright.dev/v1alpha1\nkind: Lint\nmetadata:\n  name: lint\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: pipewright\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("kustomization.yaml"), "resources:\n- objects.yaml\ntransformers:\n- lint.yaml\n").unwrap();
    dir
}

#[test]
fn as_a_kustomize_validator_it_passes_the_build_or_fails_it() {
    let Some(shared) = shared_argo() else { return };
    let good = std::fs::read_to_string(shared.join("examples/dag-diamond.yaml"))
        .unwrap()
        .replace("generateName: dag-diamond-", "name: dag-diamond");
    let dir = validator_tree(&good);
    let run = support::kustomize_build(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(documents(&run.stdout), documents(&good), "the validator changed the items");

    let bad = good.replace("depends: \"B && C\"", "depends: \"B && E\"");
    let dir = validator_tree(&bad);
    let run = support::kustomize_build(dir.path());
    assert_ne!(run.code, 0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("argo/dag-dependency: task \"D\" depends on \"E\""), "{}", run.stderr);
}

#[test]
fn as_a_kpt_validator_the_results_name_file_and_field() {
    let Some(kpt) = support::kpt() else { return };
    let Some(shared) = shared_argo() else { return };
    let dir = tempfile::tempdir().unwrap();
    // kpt wants a metadata.name on every object.
    let text = std::fs::read_to_string(shared.join("examples/dag-diamond.yaml"))
        .unwrap()
        .replace("generateName: dag-diamond-", "name: dag-diamond");
    let bad = text.replace("depends: \"B && C\"", "depends: \"B && E\"");
    std::fs::write(dir.path().join("diamond.yaml"), &bad).unwrap();
    std::fs::write(dir.path().join("lint.yaml"), "apiVersion: lint.pipewright.dev/v1alpha1\nkind: Lint\nmetadata:\n  name: lint\n")
        .unwrap();
    let bin = support::bin();
    let args = [
        "fn",
        "eval",
        "--exec",
        bin.to_str().unwrap(),
        "--fn-config",
        "lint.yaml",
        "--results-dir",
        "results",
        "--truncate-output=false",
        ".",
    ];
    let run = run_in(&kpt, &args, b"", dir.path());
    assert_ne!(run.code, 0, "{}", run.stderr);
    let results = std::fs::read_to_string(dir.path().join("results/results.yaml")).unwrap();
    let doc = &documents(&results)[0];
    let item = &doc["items"][0]["results"][0];
    assert_eq!(item["severity"], "error");
    assert_eq!(item["field"]["path"], "spec.templates[0].dag.tasks[3].depends");
    assert_eq!(item["file"]["path"], "diamond.yaml");
    assert_eq!(item["resourceRef"]["kind"], "Workflow");
    assert_eq!(std::fs::read_to_string(dir.path().join("diamond.yaml")).unwrap(), bad, "kpt validation changed the file");
}

#[test]
fn as_a_kptfile_validator_render_passes_or_fails() {
    let Some(kpt) = support::kpt() else { return };
    let Some(shared) = shared_argo() else { return };
    let good = std::fs::read_to_string(shared.join("examples/dag-diamond.yaml"))
        .unwrap()
        .replace("generateName: dag-diamond-", "name: dag-diamond");
    for (text, ok) in [(good.clone(), true), (good.replace("depends: \"B && C\"", "depends: \"B && E\""), false)] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("diamond.yaml"), &text).unwrap();
        let kptfile = format!(
            "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\npipeline:\n  validators:\n  - exec: {}\n    configPath: lint.yaml\n",
            support::bin().display()
        );
        std::fs::write(dir.path().join("Kptfile"), kptfile).unwrap();
        std::fs::write(
            dir.path().join("lint.yaml"),
            "apiVersion: lint.pipewright.dev/v1alpha1\nkind: Lint\nmetadata:\n  name: lint\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n",
        )
        .unwrap();
        let run = run_in(&kpt, &["fn", "render", "--allow-exec", "."], b"", dir.path());
        assert_eq!(run.code == 0, ok, "{}{}", run.stdout, run.stderr);
        assert_eq!(
            run.stderr
                .contains("[error] argoproj.io/v1alpha1/Workflow/dag-diamond spec.templates[0].dag.tasks[3].depends: argo/dag-dependency"),
            !ok,
            "{}",
            run.stderr
        );
        // kpt rewrites the package's files after a render (its own formatting): same objects.
        let after = std::fs::read_to_string(dir.path().join("diamond.yaml")).unwrap();
        assert_eq!(documents(&after), documents(&text), "the validator changed the objects");
    }
}
