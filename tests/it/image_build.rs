//! The rendered build step, executed with a stand-in `buildctl-daemonless.sh` that records its
//! arguments: the Pipeline's Dockerfile path, build arguments and target stage reach BuildKit
//! as separate arguments, hostile values unchanged and never read by a shell. The chain is
//! Argo's: WorkflowTemplate arguments → the build-image task's arguments → the library
//! template's inputs and environment.

use super::support::{function, has_bwrap, items, substitute};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

const HOSTILE: &str = r#"a b $(id) `id` "q" 'q' ; | & * ? \ x"#;

fn rendered(build: &str) -> (Value, Value) {
    let input = format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Platform\n  metadata: {{name: acme}}\n  spec: {{}}\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Pipeline\n  metadata: {{name: api, namespace: team}}\n  spec:\n    repo: https://github.com/acme/api.git\n    toolchain: go\n    image: registry.acme.io/team/api\n    contextDir: services/api\n{build}"
    );
    let run = function(input.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = items(&run.stdout);
    let find = |kind: &str, name: &str| all.iter().find(|o| o["kind"] == kind && o["metadata"]["name"] == name).cloned().unwrap();
    (find("WorkflowTemplate", "api"), find("ClusterWorkflowTemplate", "pipewright-v1-image"))
}

/// The arguments the build script gives buildctl, one per entry.
fn buildctl_argv(build: &str) -> Option<Vec<String>> {
    let (wt, library) = rendered(build);
    let workflow: BTreeMap<String, String> = wt["spec"]["arguments"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["value"].as_str().unwrap_or("").to_owned()))
        .collect();
    let clone_outputs = BTreeMap::from([("image_tag".to_owned(), "main-abc1234".to_owned()), ("push".to_owned(), "false".to_owned())]);
    let task = wt["spec"]["templates"][0]["dag"]["tasks"].as_array().unwrap().iter().find(|t| t["name"] == "build-image").unwrap().clone();
    let template = library["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == "build").unwrap().clone();
    let mut inputs: BTreeMap<String, String> = template["inputs"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p.get("default")?.as_str()?.to_owned())))
        .collect();
    for a in task["arguments"]["parameters"].as_array().unwrap() {
        let v = substitute(a["value"].as_str().unwrap(), "workflow.parameters", &workflow);
        inputs.insert(a["name"].as_str().unwrap().to_owned(), substitute(&v, "tasks.clone.outputs.parameters", &clone_outputs));
    }
    let env: BTreeMap<String, String> = template["container"]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_owned(), substitute(e["value"].as_str().unwrap(), "inputs.parameters", &inputs)))
        .collect();
    if !has_bwrap() {
        return None;
    }
    let temp = tempfile::tempdir().unwrap();
    // The sandbox's /tmp; the stand-in lives in it, since the host's /tmp (where the tempdir is) is hidden.
    let (tmp, bin) = (temp.path().join("tmp"), temp.path().join("tmp/bin"));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    // The stand-in builder: records each argument on a line of its own (NUL-free), and reports a digest.
    let fake = "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > /tmp/argv\nprev=\nfor a in \"$@\"; do if [ \"$prev\" = --metadata-file ]; then printf '{\"containerimage.digest\": \"sha256:%064d\"}' 0 > \"$a\"; fi; prev=$a; done\n";
    let fake_path = bin.join("buildctl-daemonless.sh");
    std::fs::write(&fake_path, fake).unwrap();
    Command::new("chmod").args(["755", fake_path.to_str().unwrap()]).status().unwrap();
    let script = template["container"]["command"][2].as_str().unwrap();
    let out = Command::new("bwrap")
        .args(["--dev-bind", "/", "/", "--bind", tmp.to_str().unwrap(), "/tmp", "--die-with-parent", "sh", "-c", script])
        .env_clear()
        .env("PATH", "/tmp/bin:/usr/bin:/bin")
        .envs(env)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(std::fs::read_to_string(tmp.join("argv")).unwrap().lines().map(str::to_owned).collect())
}

fn opts(argv: &[String]) -> Vec<String> {
    argv.windows(2).filter(|w| w[0] == "--opt").map(|w| w[1].clone()).collect()
}

#[test]
fn dockerfile_build_args_and_target_reach_buildkit_as_data() {
    let build = format!(
        "    build:\n      dockerfile: docker/Dockerfile.prod\n      target: runtime\n      args:\n        GREETING: {}\n        NODE_ENV: production\n",
        serde_json::to_string(HOSTILE).unwrap()
    );
    let Some(argv) = buildctl_argv(&build) else { return };
    assert_eq!(
        opts(&argv),
        ["filename=Dockerfile.prod", "target=runtime", &format!("build-arg:GREETING={HOSTILE}"), "build-arg:NODE_ENV=production"]
    );
    assert!(argv.iter().any(|a| a == "dockerfile=/workspace/src/services/api/docker"), "{argv:?}");
    assert!(argv.iter().any(|a| a == "context=/workspace/src/services/api"), "{argv:?}");
}

#[test]
fn without_build_settings_the_dockerfile_of_the_context_is_built() {
    let Some(argv) = buildctl_argv("") else { return };
    assert!(opts(&argv).is_empty(), "{argv:?}");
    assert!(argv.iter().any(|a| a == "dockerfile=/workspace/src/services/api"), "{argv:?}");
}

/// The build script is plain POSIX `sh`: shellcheck finds nothing.
#[test]
fn the_build_script_passes_shellcheck_as_posix_sh() {
    let (_, library) = rendered("");
    let template = library["spec"]["templates"].as_array().unwrap().iter().find(|t| t["name"] == "build").unwrap().clone();
    if let Some(findings) = super::support::shellcheck_sh(template["container"]["command"][2].as_str().unwrap()) {
        assert_eq!(findings, "");
    }
}
