//! `deploy/argocd` builds with the real kustomize into the objects Argo CD needs to run
//! pipewright, by either route: exec functions (argocd-cm's build options, the repo-server's
//! initContainer and PATH mount, the example Application), or `cmp/`, a self-contained install
//! with the plugin sidecar and its config, its own initContainer, and argocd-cm left alone.
//! The upstream install is swapped for `tests/fixtures/argocd-install.yaml` (no network).

use super::support::{self, documents, id, run_in};
use serde_json::Value;
use std::path::Path;

/// Copies deploy/argocd into `to`, with each route's upstream install replaced by the local fixture.
fn offline_copy(to: &Path) {
    support::copy_tree(&support::root().join("deploy/argocd"), to);
    for route in [to.to_path_buf(), to.join("cmp")] {
        std::fs::copy(support::root().join("tests/fixtures/argocd-install.yaml"), route.join("argocd-install.yaml")).unwrap();
        let path = route.join("kustomization.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let remote: Vec<&str> = text.lines().filter(|l| l.contains("/manifests/install.yaml")).collect();
        assert_eq!(remote.len(), 1, "{} should list Argo CD's install once: {remote:?}", path.display());
        std::fs::write(&path, text.replace(remote[0], "  - argocd-install.yaml")).unwrap();
    }
}

/// The objects of one route: `""` for exec functions, `"cmp"` for the plugin sidecar.
fn build(route: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    offline_copy(dir.path());
    let run = run_in(&support::kustomize(), &["build", dir.path().join(route).to_str().unwrap()], b"", dir.path());
    assert_eq!(run.code, 0, "kustomize build deploy/argocd/{route} failed:\n{}", run.stderr);
    documents(&run.stdout)
}

/// A container a Pod Security "restricted" namespace admits, as far as its own securityContext goes.
fn assert_restricted(container: &Value) {
    let sc = &container["securityContext"];
    let name = &container["name"];
    assert_eq!(sc["runAsNonRoot"], true, "{name}: runAsNonRoot");
    assert_eq!(sc["allowPrivilegeEscalation"], false, "{name}: allowPrivilegeEscalation");
    assert_eq!(sc["capabilities"]["drop"], serde_json::json!(["ALL"]), "{name}: capabilities.drop");
    assert_eq!(sc["seccompProfile"]["type"], "RuntimeDefault", "{name}: seccompProfile");
}

fn find<'a>(docs: &'a [Value], wanted: &str) -> &'a Value {
    docs.iter().find(|d| id(d) == wanted).unwrap_or_else(|| panic!("{wanted} is missing: {:?}", docs.iter().map(id).collect::<Vec<_>>()))
}

fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array().into_iter().flatten().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no {name} in {list}"))
}

/// Every volume a container of the pod mounts is declared by the pod.
fn assert_mounts_resolve(pod: &Value) {
    let volumes: Vec<&str> = pod["volumes"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    for container in pod["initContainers"].as_array().into_iter().chain(pod["containers"].as_array()).flatten() {
        for mount in container["volumeMounts"].as_array().into_iter().flatten() {
            assert!(volumes.contains(&mount["name"].as_str().unwrap()), "{} mounts undeclared volume {}", container["name"], mount["name"]);
        }
    }
}

#[test]
fn deploy_argocd_runs_pipewright_through_kustomize_exec() {
    let docs = build("");
    let ids: Vec<String> = docs.iter().map(id).collect();
    assert_eq!(ids, ["ConfigMap/argocd/argocd-cm", "Deployment/argocd/argocd-repo-server", "Application/argocd/ci-pipelines"]);

    let cm = find(&docs, "ConfigMap/argocd/argocd-cm");
    assert_eq!(cm["data"]["kustomize.buildOptions"], "--enable-alpha-plugins --enable-exec");
    assert_eq!(cm["metadata"]["labels"]["app.kubernetes.io/part-of"], "argocd", "the patch replaced argocd-cm instead of merging");

    let pod = &find(&docs, "Deployment/argocd/argocd-repo-server")["spec"]["template"]["spec"];
    let init = named(&pod["initContainers"], "install-pipewright");
    assert_eq!(init["image"], "ghcr.io/pipewright/pipewright:0.1.0");
    assert_eq!(init["command"], serde_json::json!(["/pipewright", "install", "/opt/pipewright"]));
    assert_restricted(init);
    named(&pod["initContainers"], "copyutil");
    let repo_server = named(&pod["containers"], "argocd-repo-server");
    let mount = named(&repo_server["volumeMounts"], "pipewright-bin");
    assert_eq!((mount["mountPath"].as_str(), mount["subPath"].as_str()), (Some("/usr/local/bin/pipewright"), Some("pipewright")));
    named(&repo_server["volumeMounts"], "var-files");
    assert_mounts_resolve(pod);

    let app = find(&docs, "Application/argocd/ci-pipelines");
    assert_eq!(app["spec"]["source"]["path"], "argo");
    assert!(app["spec"]["source"].get("plugin").is_none(), "the exec route needs no plugin");
}

#[test]
fn deploy_argocd_cmp_is_a_route_of_its_own() {
    let docs = build("cmp");
    let ids: Vec<String> = docs.iter().map(id).collect();
    assert_eq!(
        ids,
        [
            "ConfigMap/argocd/argocd-cm",
            "ConfigMap/argocd/pipewright-cmp-plugin",
            "Deployment/argocd/argocd-repo-server",
            "Application/argocd/ci-pipelines"
        ]
    );
    // Exec functions stay off for every other Application.
    let cm = find(&docs, "ConfigMap/argocd/argocd-cm");
    assert!(cm.get("data").is_none_or(|d| d.get("kustomize.buildOptions").is_none()), "the cmp route set build options: {cm}");

    let plugin_cm = find(&docs, "ConfigMap/argocd/pipewright-cmp-plugin");
    let plugin: Value = serde_yaml::from_str(plugin_cm["data"]["plugin.yaml"].as_str().unwrap()).unwrap();
    assert_eq!((plugin["apiVersion"].as_str(), plugin["kind"].as_str()), (Some("argoproj.io/v1alpha1"), Some("ConfigManagementPlugin")));
    assert_eq!(plugin["metadata"]["name"], "pipewright");
    assert_eq!(
        plugin["spec"]["generate"]["command"],
        serde_json::json!(["kustomize", "build", "--enable-alpha-plugins", "--enable-exec", "."])
    );

    let pod = &find(&docs, "Deployment/argocd/argocd-repo-server")["spec"]["template"]["spec"];
    let init = named(&pod["initContainers"], "install-pipewright");
    assert_eq!(init["image"], "ghcr.io/pipewright/pipewright:0.1.0");
    assert_eq!(init["command"], serde_json::json!(["/pipewright", "install", "/opt/pipewright"]));
    assert_restricted(init);
    let sidecar = named(&pod["containers"], "pipewright-cmp");
    assert_eq!(sidecar["command"], serde_json::json!(["/var/run/argocd/argocd-cmp-server"]));
    assert_restricted(sidecar);
    let config = named(&sidecar["volumeMounts"], "pipewright-cmp-plugin");
    assert_eq!(config["mountPath"], "/home/argocd/cmp-server/config/plugin.yaml");
    let bin = named(&sidecar["volumeMounts"], "pipewright-bin");
    assert_eq!((bin["mountPath"].as_str(), bin["subPath"].as_str()), (Some("/usr/local/bin/pipewright"), Some("pipewright")));
    let repo_server = named(&pod["containers"], "argocd-repo-server");
    assert!(
        !repo_server["volumeMounts"].as_array().unwrap().iter().any(|m| m["name"] == "pipewright-bin"),
        "the cmp route puts pipewright in the repo-server itself"
    );
    assert_mounts_resolve(pod);

    let app = find(&docs, "Application/argocd/ci-pipelines");
    assert_eq!(app["spec"]["source"]["plugin"]["name"], "pipewright", "the Application does not opt in to the plugin");
}

#[test]
fn the_image_holds_the_binary_where_the_init_container_runs_it() {
    // The Dockerfile cannot be built here (no Docker engine): check what the manifests rely on.
    let dockerfile = std::fs::read_to_string(support::root().join("Dockerfile")).unwrap();
    let last_stage = dockerfile.rsplit("\nFROM ").next().unwrap();
    assert!(last_stage.starts_with("gcr.io/distroless/static"), "the final stage is not distroless static: {last_stage}");
    assert!(last_stage.contains("\nUSER 65532:65532\n"), "the image does not run as non-root");
    assert!(last_stage.contains("\nENTRYPOINT [\"/pipewright\"]"), "the entrypoint is not the function");
    for patch in ["deploy/argocd/repo-server.yaml", "deploy/argocd/cmp/repo-server.yaml"] {
        let patch: Value = serde_yaml::from_str(&std::fs::read_to_string(support::root().join(patch)).unwrap()).unwrap();
        let init = named(&patch["spec"]["template"]["spec"]["initContainers"], "install-pipewright");
        assert_eq!(init["command"][0], "/pipewright");
        assert_eq!(init["command"][1], "install");
    }
}
