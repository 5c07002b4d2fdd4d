//! Errors about input read from files name the file first: `render` (and `add`, which reads
//! the tree) say `argo/workflows/pipelines/x.yaml: Pipeline/ns/name: spec.…`, a name declared
//! twice names both files, and kpt's path annotations are named the same way. The file
//! annotation pipewright uses internally never reaches the rendered output.

use super::support::{function, pipewright, read_tree};
use super::tree::{add, initialized};

#[test]
fn render_names_the_file_of_a_bad_spec() {
    let repo = initialized();
    let dir = repo.path();
    assert_eq!(add(dir, "api", "team", "go").code, 0);
    let file = dir.join("argo/workflows/pipelines/api.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("toolchain: go", "toolchain: goo")).unwrap();
    let run = pipewright(&["render"], dir);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error: argo/workflows/pipelines/api.yaml: Pipeline/team/api: spec.toolchain: unknown value \"goo\""),
        "{}",
        run.stderr
    );
}

#[test]
fn a_name_declared_twice_names_both_files() {
    let repo = initialized();
    let dir = repo.path();
    assert_eq!(add(dir, "api", "team", "go").code, 0);
    let pipelines = dir.join("argo/workflows/pipelines");
    std::fs::copy(pipelines.join("api.yaml"), pipelines.join("api-copy.yaml")).unwrap();
    let kustomization = dir.join("argo/workflows/kustomization.yaml");
    let text = std::fs::read_to_string(&kustomization).unwrap();
    std::fs::write(&kustomization, text.replace("  - pipelines/api.yaml\n", "  - pipelines/api.yaml\n  - pipelines/api-copy.yaml\n"))
        .unwrap();
    let run = pipewright(&["render"], dir);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "argo/workflows/pipelines/api-copy.yaml: Pipeline/team/api: metadata.name: Pipeline/team/api is declared twice (first in argo/workflows/pipelines/api.yaml)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_internal_file_annotation_never_reaches_the_output() {
    let repo = initialized();
    let dir = repo.path();
    assert_eq!(add(dir, "api", "team", "go").code, 0);
    std::fs::write(dir.join("argo/workflows/extra.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: team}\n")
        .unwrap();
    let kustomization = dir.join("argo/workflows/kustomization.yaml");
    let text = std::fs::read_to_string(&kustomization).unwrap();
    std::fs::write(&kustomization, text.replace("  - pipelines/api.yaml\n", "  - pipelines/api.yaml\n  - extra.yaml\n")).unwrap();
    let run = pipewright(&["render"], dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rendered = read_tree(&dir.join("rendered"));
    assert!(rendered.keys().any(|k| k.contains("configmap_extra")), "{:?}", rendered.keys());
    for (path, text) in rendered {
        assert!(!text.contains("pipewright.dev/file"), "{path} carries the internal file annotation");
    }
}

#[test]
fn kpt_paths_lead_the_error_line() {
    let input = b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Pipeline\n  metadata:\n    name: api\n    namespace: team\n    annotations: {config.kubernetes.io/path: pipelines/api.yaml}\n  spec: {repo: https://github.com/acme/api.git, toolchain: goo, image: r.acme.io/api}\n";
    let run = function(input);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error: pipelines/api.yaml: Pipeline/team/api: spec.toolchain:"), "{}", run.stderr);
}
