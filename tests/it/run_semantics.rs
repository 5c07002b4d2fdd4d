//! `pipewright run` against Argo's controller rules, on hand-written WorkflowTemplates whose
//! steps are plain shell: `depends` results and branch failure, `when`, output parameters,
//! `steps`, retries (with `maxDuration` counted from the first attempt), deadlines, the exit
//! handler's `workflow.status` and `workflow.failures`, Secrets, artifacts, and the fields a run
//! refuses. Skips (with a printed reason) where bubblewrap is missing.

use crate::support::skip;
use pipewright::krm::{Limits, parse_objects};
use pipewright::run::executor::Host;
use pipewright::run::node::Phase;
use pipewright::run::{self, Console, Dirs, Options, Plan, Report};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

struct Ran {
    report: Report,
    log: String,
    dirs: Dirs,
    _temp: tempfile::TempDir,
}

impl Ran {
    fn task(&self, name: &str) -> &run::node::TaskRecord {
        self.report.tasks.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no task {name} in {:#?}", self.report.tasks))
    }
}

fn host() -> Option<Host> {
    match Host::new(Vec::new()) {
        Ok(h) => Some(h),
        Err(e) => {
            skip(&format!("the run semantics tests need bubblewrap: {e}"));
            None
        }
    }
}

/// Runs a WorkflowTemplate (the first document of `yaml`) with the host executor.
fn run_template(yaml: &str, mut options: Options) -> Option<Ran> {
    let host = host()?;
    let objects = parse_objects(yaml.as_bytes(), &Limits::default()).unwrap();
    let template = &objects[0];
    let problems = run::check(template, &objects);
    assert!(problems.is_empty(), "{problems:#?}");
    if options.time_scale == 0.0 {
        options.time_scale = 1.0;
    }
    let parameters = run::parameters(template, &options).unwrap();
    let temp = tempfile::tempdir().unwrap();
    let dirs = Dirs { work: temp.path().join("work"), run: temp.path().join("run") };
    std::fs::create_dir_all(&dirs.run).unwrap();
    let log = Buffer::default();
    let console = Console::new(true, Box::new(Buffer::default()), Box::new(log.clone()), options.secrets.masks());
    let plan = Plan { template, objects: &objects, parameters, options: &options, dirs: dirs.clone(), workflow: "wf-test".into() };
    let report = run::execute(&plan, &host, &console);
    Some(Ran { report, log: log.text(), dirs, _temp: temp })
}

fn template(body: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {{name: t, namespace: ns}}\nspec:\n  entrypoint: main\n{body}"
    )
}

fn sh(name: &str, script: &str) -> String {
    format!(
        "  - name: {name}\n    inputs:\n      parameters:\n      - {{name: arg, default: \"\"}}\n    container:\n      image: busybox\n      command: [sh, -c, {script:?}]\n      env:\n      - {{name: ARG, value: \"{{{{inputs.parameters.arg}}}}\"}}\n"
    )
}

#[test]
fn depends_results_omit_tasks_and_carry_a_branch_failure_to_the_dag() {
    let yaml = template(&format!(
        "  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: a, template: ok}}\n      - {{name: b, template: fail, depends: a}}\n      - {{name: c, template: ok, depends: a}}\n      - {{name: d, template: ok, depends: \"b.Failed && c\"}}\n      - {{name: e, template: ok, depends: b}}\n      - {{name: f, template: ok, depends: \"e || c.Failed\"}}\n{}{}",
        sh("ok", "echo ok"),
        sh("fail", "echo failing; exit 3")
    ));
    let Some(ran) = run_template(&yaml, Options::default()) else { return };
    let status = |n: &str| ran.task(n).status;
    assert_eq!(
        [status("a"), status("b"), status("c"), status("d"), status("e"), status("f")],
        [Phase::Succeeded, Phase::Failed, Phase::Succeeded, Phase::Succeeded, Phase::Omitted, Phase::Omitted]
    );
    assert_eq!(ran.task("b").exit_code, Some(3));
    assert_eq!(ran.task("b").message, "Error (exit code 3)");
    // f is a target task on b's failed branch: the DAG fails, though d handled the failure.
    assert_eq!(ran.report.status, "Failed");
    assert_eq!(ran.report.failed_task.as_deref(), Some("b"));
    assert!(ran.log.contains("b | failing"), "{}", ran.log);
}

#[test]
fn outputs_feed_when_and_arguments_and_steps_see_each_other() {
    let yaml = template(&"  templates:\n  - name: main\n    dag:\n      tasks:\n      - {name: a, template: produce}\n      - name: yes\n        template: echo\n        depends: a\n        when: \"'{{tasks.a.outputs.parameters.answer}}' == 'yes'\"\n        arguments: {parameters: [{name: arg, value: \"got {{tasks.a.outputs.parameters.answer}}\"}]}\n      - {name: no, template: echo, depends: a, when: \"'{{tasks.a.outputs.parameters.answer}}' == 'no'\"}\n      - {name: s, template: seq, depends: yes}\n  - name: produce\n    container:\n      image: busybox\n      command: [sh, -c, \"mkdir -p /tmp/o && printf yes > /tmp/o/answer\"]\n    outputs:\n      parameters:\n      - name: answer\n        valueFrom: {path: /tmp/o/answer}\n        globalName: the_answer\n  - name: echo\n    inputs: {parameters: [{name: arg, default: none}]}\n    container:\n      image: busybox\n      command: [sh, -c, 'mkdir -p /tmp/o && printf \"%s\" \"$ARG\" > /tmp/o/said && echo \"said $ARG\"']\n      env: [{name: ARG, value: \"{{inputs.parameters.arg}}\"}]\n    outputs: {parameters: [{name: said, valueFrom: {path: /tmp/o/said}}]}\n  - name: seq\n    steps:\n    - - name: first\n        template: echo\n        arguments: {parameters: [{name: arg, value: one}]}\n    - - name: second\n        template: echo\n        arguments: {parameters: [{name: arg, value: \"after {{steps.first.outputs.parameters.said}}\"}]}\n".to_string());
    let Some(ran) = run_template(&yaml, Options::default()) else { return };
    assert_eq!(ran.report.status, "Succeeded", "{}", ran.log);
    assert_eq!(ran.task("yes").outputs["said"], "got yes");
    assert_eq!(ran.task("no").status, Phase::Skipped);
    assert!(ran.task("no").message.contains("evaluated false"));
    assert_eq!(ran.task("s/second").outputs["said"], "after one");
    assert_eq!(ran.report.outputs["the_answer"], "yes");
}

const RETRIED: &str = "  - name: flaky\n    retryStrategy:\n      limit: \"2\"\n      retryPolicy: Always\n      backoff: BACKOFF\n      expression: \"lastRetry.exitCode != \\\"2\\\"\"\n    container:\n      image: busybox\n      command: [sh, -c, \"sleep 1; if [ -f /ws/tried ]; then echo second; exit 0; fi; touch /ws/tried; echo first; exit 1\"]\n      volumeMounts: [{name: ws, mountPath: /ws}]\n";

fn retried(backoff: &str) -> String {
    template(&format!(
        "  volumeClaimTemplates:\n  - metadata: {{name: ws}}\n    spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: build, template: flaky}}\n{}",
        RETRIED.replace("BACKOFF", backoff)
    ))
}

#[test]
fn a_step_failing_after_a_long_attempt_is_retried_when_the_backoff_is_capped() {
    // Time runs 100 times faster: the 1 s attempt stands for 100 s, longer than the old 1 m maxDuration.
    let options = Options { time_scale: 0.01, ..Options::default() };
    let Some(ran) = run_template(&retried("{duration: 15s, factor: \"2\", cap: 30s}"), options.clone()) else { return };
    assert_eq!(ran.report.status, "Succeeded", "{}", ran.log);
    assert_eq!(ran.task("build").attempts, 2);
    assert!(ran.log.contains("build | first") && ran.log.contains("build | second"));
    // The backoff pipewright emitted before: maxDuration is a deadline from the first attempt's
    // start, so Argo never retries a step that failed after it.
    let Some(old) = run_template(&retried("{duration: 15s, factor: \"2\", maxDuration: 1m}"), options) else { return };
    assert_eq!(old.report.status, "Failed");
    assert_eq!(old.task("build").attempts, 1);
    assert!(old.task("build").message.contains("Max duration limit exceeded"), "{}", old.task("build").message);
}

#[test]
fn the_expression_stops_retries_and_a_template_deadline_fails_the_step() {
    let yaml = template(&"  templates:\n  - name: main\n    dag:\n      tasks:\n      - {name: refused, template: refused}\n      - {name: slow, template: slow}\n  - name: refused\n    retryStrategy: {limit: \"3\", retryPolicy: Always, expression: \"lastRetry.exitCode != \\\"2\\\"\"}\n    container: {image: busybox, command: [sh, -c, \"exit 2\"]}\n  - name: slow\n    activeDeadlineSeconds: 20\n    container: {image: busybox, command: [sh, -c, \"echo started; sleep 30\"]}\n".to_string());
    let options = Options { time_scale: 0.02, ..Options::default() };
    let Some(ran) = run_template(&yaml, options) else { return };
    assert_eq!(ran.task("refused").attempts, 1);
    assert!(ran.task("refused").message.contains("retryStrategy.expression evaluated to false"));
    assert_eq!(ran.task("slow").status, Phase::Failed);
    assert!(ran.task("slow").message.contains("longer than the specified deadline"));
    assert!(ran.task("slow").duration_seconds < 10.0, "the deadline stopped the step");
}

#[test]
fn the_exit_handler_sees_the_status_and_the_failures_and_secrets_are_masked() {
    let yaml = template(&"  onExit: report\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {name: unit-tests, template: fail}\n  - name: fail\n    container:\n      image: busybox\n      command: [sh, -c, \"echo token is $TOKEN; cat /secrets/token; echo; exit 1\"]\n      env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: ci, key: token}}}]\n      volumeMounts: [{name: s, mountPath: /secrets}]\n    volumes: [{name: s, secret: {secretName: ci}}]\n  - name: report\n    steps:\n    - - name: post\n        template: post\n        arguments: {parameters: [{name: status, value: \"{{workflow.status}}\"}, {name: failures, value: \"{{workflow.failures}}\"}]}\n  - name: post\n    inputs: {parameters: [{name: status}, {name: failures}]}\n    container:\n      image: busybox\n      command: [sh, -c, 'mkdir -p /tmp/o; printf \"%s\" \"$S\" > /tmp/o/status; printf \"%s\" \"$F\" > /tmp/o/failures']\n      env: [{name: S, value: \"{{inputs.parameters.status}}\"}, {name: F, value: \"{{inputs.parameters.failures}}\"}]\n    outputs:\n      parameters:\n      - {name: status, valueFrom: {path: /tmp/o/status}}\n      - {name: failures, valueFrom: {path: /tmp/o/failures}}\n".to_string());
    let mut options = Options::default();
    options.secrets.add_arg("ci.token=hunter2-secret").unwrap();
    let Some(ran) = run_template(&yaml, options) else { return };
    assert_eq!(ran.report.status, "Failed");
    let post = ran.task("report/post");
    assert_eq!(post.outputs["status"], "Failed");
    let failures: serde_json::Value = serde_json::from_str(&post.outputs["failures"]).unwrap();
    assert_eq!(failures[0]["displayName"], "unit-tests");
    assert_eq!(failures[0]["phase"], "Failed");
    assert!(ran.log.contains("unit-tests | token is ***"), "{}", ran.log);
    assert!(!ran.log.contains("hunter2-secret"), "a Secret's value reached the output: {}", ran.log);
}

#[test]
fn artifacts_are_saved_and_pod_directories_removed() {
    let yaml = template(
        "  templates:\n  - name: main\n    dag:\n      tasks:\n      - {name: report, template: report}\n  - name: report\n    container:\n      image: busybox\n      command: [sh, -c, \"mkdir -p /tmp/r && echo '<testsuite/>' > /tmp/r/junit.xml\"]\n    outputs:\n      artifacts:\n      - {name: junit, path: /tmp/r}\n      - {name: absent, path: /tmp/none, optional: true}\n",
    );
    let Some(ran) = run_template(&yaml, Options::default()) else { return };
    assert_eq!(ran.report.status, "Succeeded", "{}", ran.log);
    let saved = ran.dirs.run.join("artifacts/report/junit/junit.xml");
    assert_eq!(std::fs::read_to_string(saved).unwrap(), "<testsuite/>\n");
    assert!(!ran.dirs.run.join("pods").exists(), "without --keep the pods' directories go");
}

#[test]
fn a_missing_program_is_named_and_not_retried() {
    let yaml = template(
        "  templates:\n  - name: main\n    dag:\n      tasks:\n      - {name: scan, template: scan}\n  - name: scan\n    retryStrategy: {limit: \"2\", retryPolicy: Always}\n    container: {image: aquasec/trivy, command: [sh, -c, \"exec pipewright-test-no-such-program --version\"]}\n",
    );
    let Some(ran) = run_template(&yaml, Options::default()) else { return };
    let scan = ran.task("scan");
    assert_eq!((scan.status, scan.attempts), (Phase::Error, 1));
    assert!(scan.message.contains("`pipewright-test-no-such-program` is not installed"), "{}", scan.message);
    assert!(scan.message.contains("--skip scan"));
}

#[test]
fn fields_a_run_cannot_honour_are_refused_before_anything_runs() {
    let yaml = template(
        "  hooks: {exit: {template: x}}\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {name: a, template: missing}\n      - {name: b, template: c, withItems: [1, 2]}\n  - name: c\n    container: {image: busybox, command: [\"true\"], lifecycle: {}}\n",
    );
    let objects = parse_objects(yaml.as_bytes(), &Limits::default()).unwrap();
    let problems = run::check(&objects[0], &objects);
    let text = problems.join("\n");
    assert!(text.contains("WorkflowTemplate/ns/t: spec.hooks: pipewright run cannot honour this field"), "{text}");
    assert!(text.contains("spec.templates[0](main).dag.tasks[1](b).withItems"), "{text}");
    assert!(text.contains("spec.templates[1](c).container.lifecycle"), "{text}");
    assert!(text.contains("template main: dag.tasks[0]: template missing is not in WorkflowTemplate/ns/t (it has: main, c)"), "{text}");
    assert_eq!(problems.len(), 4, "{text}");
}

/// The container executors run each step in its image with the same volumes: tested where an
/// engine answers and has the image (no registry serves images to this machine).
#[test]
fn a_container_engine_runs_the_step_in_its_image() {
    let image = "docker.io/library/busybox:1.36";
    let Some(engine) = ["docker", "podman"].into_iter().find_map(run::executor::Engine::reachable) else {
        skip("no container engine answers (`docker info`, `podman info`): the container executor test skips");
        return;
    };
    if !engine.has_image(image) {
        skip(&format!("{} has no {image} and no registry is reachable here: the container executor test skips", engine_name(&engine)));
        return;
    }
    let yaml = template(&format!(
        "  volumeClaimTemplates:\n  - metadata: {{name: ws}}\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: a, template: write}}\n      - {{name: b, template: read, depends: a}}\n  - name: write\n    container: {{image: {image}, command: [sh, -c, \"echo from-a > /ws/x\"], volumeMounts: [{{name: ws, mountPath: /ws}}]}}\n  - name: read\n    container: {{image: {image}, command: [sh, -c, \"cat /ws/x; cat /etc/os-release | head -1\"], volumeMounts: [{{name: ws, mountPath: /ws}}]}}\n"
    ));
    let objects = parse_objects(yaml.as_bytes(), &Limits::default()).unwrap();
    let options = Options { time_scale: 1.0, ..Options::default() };
    let temp = tempfile::tempdir().unwrap();
    let dirs = Dirs { work: temp.path().join("work"), run: temp.path().join("run") };
    std::fs::create_dir_all(&dirs.run).unwrap();
    let log = Buffer::default();
    let console = Console::new(true, Box::new(Buffer::default()), Box::new(log.clone()), Vec::new());
    let plan =
        Plan { template: &objects[0], objects: &objects, parameters: Vec::new(), options: &options, dirs, workflow: "wf-engine".into() };
    let report = run::execute(&plan, &engine, &console);
    let log = log.text();
    assert_eq!(report.status, "Succeeded", "{log}");
    assert!(log.contains("b | from-a"), "{log}");
}

fn engine_name(engine: &run::executor::Engine) -> String {
    use run::executor::Executor;
    engine.name().to_owned()
}
