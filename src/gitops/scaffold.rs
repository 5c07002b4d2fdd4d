//! What `pipewright init` writes: the GitOps layout, the guard, and the kinds' JSON Schemas
//! (`argo/.schemas/<kind>.json`), which every spec file names in its first line so editors
//! validate it offline, against the schema of the pipewright that wrote the tree.

use crate::function::tripwire;
use crate::spec::Kind;

/// The directory, under the repo root, that holds the kinds' JSON Schemas.
pub const SCHEMAS_DIR: &str = "argo/.schemas";

/// The schema file of a kind, relative to the repo root.
pub fn schema_path(kind: Kind) -> String {
    format!("{SCHEMAS_DIR}/{}.json", kind.as_str().to_lowercase())
}

/// A kind's JSON Schema as `pipewright schema KIND` prints it.
pub fn schema_text(kind: Kind) -> String {
    format!("{}\n", serde_json::to_string_pretty(&kind.schema()).unwrap_or_default())
}

/// The `yaml-language-server` line for a spec of `kind` at `path` (relative to the repo root,
/// inside `argo/`): a relative path, which editors resolve from the spec's own directory.
pub fn schema_line(kind: Kind, path: &str) -> String {
    let up = path.matches('/').count().saturating_sub(1);
    let file = kind.as_str().to_lowercase();
    format!("# yaml-language-server: $schema={}.schemas/{file}.json\n", "../".repeat(up))
}

const ROOT_KUSTOMIZATION: &str = "\
# The GitOps entry point. Build it with pipewright on PATH:
#   kustomize build --enable-alpha-plugins --enable-exec argo/
# Argo CD runs the same build once argocd-cm sets those flags in kustomize.buildOptions.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - workflows
  - events
";

const WORKFLOWS_KUSTOMIZATION: &str = "\
# Pipelines and the platform library. pipewright runs once, as the transformer declared in
# platform.yaml, over every spec listed under `resources:`. Add a project with
#   pipewright add pipeline NAME --repo URL --toolchain TOOLCHAIN --image REPO
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  # The guard: pipewright removes it; a build without --enable-exec keeps it, and the apply fails.
  - guard.yaml
transformers:
  - platform.yaml
";

pub(super) const PLATFORM_BODY: &str = "\
# The platform team's library of CI steps. pipewright expands it into versioned
# ClusterWorkflowTemplates; its annotation makes it the transformer that expands every Pipeline.
apiVersion: pipewright.dev/v1alpha1
kind: Platform
metadata:
  name: platform
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: pipewright
spec:
  registry:
    # A kubernetes.io/dockerconfigjson Secret in every pipeline namespace, with push credentials.
    credentialsSecret: registry-credentials
  scan:
    failOn: HIGH
";

const WORKFLOWS_README: &str = "\
# argo/workflows

CI pipelines on Argo Workflows. Each project's pipeline is one `Pipeline` file under
`pipelines/`, listed under `resources:` in `kustomization.yaml`. `platform.yaml` is the platform
team's `Platform`: it runs pipewright as a kustomize transformer, which expands every Pipeline
into a WorkflowTemplate plus its ServiceAccount, Role and RoleBinding, and the Platform into the
step library (ClusterWorkflowTemplates).

## Add a project

```sh
pipewright add pipeline payments-api --namespace team-payments \\
  --repo https://github.com/acme/payments-api.git --toolchain node \\
  --image registry.acme.io/payments/payments-api
```

This writes `pipelines/payments-api.yaml` and lists it in `kustomization.yaml`, keeping the
file's comments. Edit the spec freely: its first line points your editor at
`../../.schemas/pipeline.json`, so fields are completed and checked as you type.

## Build

```sh
kustomize build --enable-alpha-plugins --enable-exec argo/
```

`guard.yaml` is a tripwire: pipewright removes it from the build. If kustomize runs without
`--enable-exec`, it skips pipewright silently, and the tripwire stays in the output, where every
API server rejects it (kind `PipewrightDidNotRun` in the core group `v1`). Argo CD's sync then
fails before applying anything; `kubectl apply` exits 1 but still applies the other objects, so
check a build for the tripwire before applying it. Keep it, and point Argo CD at `argo/` (an
Application on `argo/events` alone is not guarded).
";

const EVENTS_README: &str = "\
# argo/events

What starts pipelines. One `Team` per team namespace goes under `teams/`, listed under
`generators:` in `kustomization.yaml` (each carries the same `config.kubernetes.io/function`
annotation as `../workflows/platform.yaml`); `pipewright add team` writes one and lists it. A Team expands into its members' Argo Server SSO
access and, with `spec.events`, the namespace's EventSource and EventBus. Each triggered
`Pipeline` (in `../workflows`) brings its own Sensor. Hand-written Argo Events objects go under
`resources:`, and are applied as they are.
";

const EVENTS_KUSTOMIZATION: &str = "\
# What starts pipelines: one Team per team namespace, each listed under `generators:`. Add one with
#   pipewright add team NAME --namespace NS --group GROUP
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: []
";

/// Every file of the scaffold, relative to the repo root, in a fixed order.
pub fn files() -> Vec<(String, String)> {
    let platform = "argo/workflows/platform.yaml";
    let mut out: Vec<(String, String)> = vec![
        ("argo/kustomization.yaml".into(), ROOT_KUSTOMIZATION.into()),
        ("argo/workflows/README.md".into(), WORKFLOWS_README.into()),
        ("argo/workflows/kustomization.yaml".into(), WORKFLOWS_KUSTOMIZATION.into()),
        ("argo/workflows/guard.yaml".into(), tripwire::FILE.into()),
        (platform.into(), format!("{}{PLATFORM_BODY}", schema_line(Kind::Platform, platform))),
        ("argo/events/README.md".into(), EVENTS_README.into()),
        ("argo/events/kustomization.yaml".into(), EVENTS_KUSTOMIZATION.into()),
    ];
    out.extend(Kind::ALL.into_iter().map(|k| (schema_path(k), schema_text(k))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_lines_climb_to_the_schemas_dir() {
        assert_eq!(
            schema_line(Kind::Pipeline, "argo/workflows/pipelines/a.yaml"),
            "# yaml-language-server: $schema=../../.schemas/pipeline.json\n"
        );
        assert_eq!(
            schema_line(Kind::Platform, "argo/workflows/platform.yaml"),
            "# yaml-language-server: $schema=../.schemas/platform.json\n"
        );
    }
}
