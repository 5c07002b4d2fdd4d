//! The teams layout: one Argo CD Application per team folder (`argo/teams/<namespace>/`) and
//! one for the platform (`argo/platform/`), made by the ApplicationSet in
//! `argo/applicationset.yaml`. Its scaffold files, a team folder's files, and which layout a
//! repo has.

use super::scaffold::{PLATFORM_BODY, schema_line};
use crate::function::tripwire;
use crate::spec::Kind;
use std::path::Path;

/// The ApplicationSet (and the platform Application) of the teams layout, under the repo root.
pub const APPLICATIONSET: &str = "argo/applicationset.yaml";
/// The platform folder: the library's own Application root.
pub const PLATFORM_DIR: &str = "argo/platform";
/// The folder of team folders, one per team namespace.
pub const TEAMS_DIR: &str = "argo/teams";

/// How a GitOps repo is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One kustomization over everything (`argo/kustomization.yaml`): one Application.
    Default,
    /// One Application per team folder and one for the platform, through an ApplicationSet.
    Teams,
}

/// The layout of the repo at `root`: teams when it has `argo/applicationset.yaml`.
pub fn detect(root: &Path) -> Layout {
    if root.join(APPLICATIONSET).is_file() { Layout::Teams } else { Layout::Default }
}

/// A team folder, relative to the repo root: `argo/teams/<namespace>`. Folders are named after
/// the namespace, which is unique per Team, so the ApplicationSet's git directory generator can
/// set each Application's destination namespace from the folder's name.
pub fn team_dir(namespace: &str) -> String {
    format!("{TEAMS_DIR}/{namespace}")
}

const PLATFORM_KUSTOMIZATION: &str = "\
# The platform's Application: the step library (ClusterWorkflowTemplates) and the read-only
# ClusterRole that Sensors and operate Teams bind. pipewright runs once, as the transformer
# declared in platform.yaml. Team folders (../teams/*) never emit the library.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  # The guard: pipewright removes it; a build without --enable-exec keeps it, and the apply fails.
  - guard.yaml
transformers:
  - platform.yaml
";

const PLATFORM_README: &str = "\
# argo/platform

The platform team's library of CI steps, synced by its own Argo CD Application
(`pipewright-platform` in `../applicationset.yaml`, sync wave -1: before any team).
`platform.yaml` is the `Platform`: pipewright expands it into versioned ClusterWorkflowTemplates
and the `pipewright-library-reader` ClusterRole. Pipelines live in the team folders
(`../teams/<namespace>/`), each its own Application.

Build it as Argo CD does:

```sh
kustomize build --enable-alpha-plugins --enable-exec argo/platform
```
";

const TEAMS_README: &str = "\
# argo/teams

One folder per team namespace, each synced by its own Argo CD Application, which the
ApplicationSet in `../applicationset.yaml` makes from the folder (its git directory generator
over `argo/teams/*`). The folder is named after the namespace, and is the Application's
destination namespace. Each build stays small however many teams there are, and Argo CD's
repo servers build the folders in parallel.

A team folder holds:

- `kustomization.yaml`: `team.yaml` and the pipelines under `resources:`, `pipewright.yaml`
  under `transformers:`;
- `pipewright.yaml`: runs pipewright over the folder's specs. It is not the Platform, so no team
  build emits the library (the platform Application, `../platform`, does);
- `team.yaml`: the `Team` (SSO access, and the namespace's webhook receiver);
- `pipelines/`: one `Pipeline` per project;
- `guard.yaml`: the tripwire that fails a build without `--enable-exec`.

```sh
pipewright add team payments --namespace team-payments --group payments-devs
pipewright add pipeline payments-api --namespace team-payments \\
  --repo https://github.com/acme/payments-api.git --toolchain node \\
  --image registry.acme.io/payments/payments-api
kustomize build --enable-alpha-plugins --enable-exec argo/teams/team-payments
```

Every object belongs to exactly one Application: a team's objects, its pipelines' and their
ClusterRoleBindings of the library reader are all named after the team's namespace.
";

/// The placeholder of the GitOps repo's URL in the scaffolded ApplicationSet.
pub const REPO_URL_PLACEHOLDER: &str = "https://github.com/acme/gitops.git";

/// The platform Application and the ApplicationSet over the team folders, with the build
/// options of the single Application in `deploy/argocd/application.yaml`.
fn applicationset() -> String {
    format!(
        "\
# The Argo CD side of the teams layout: the platform's Application, and an ApplicationSet that
# makes one Application per team folder (argo/teams/<namespace>/, the destination namespace).
# Set repoURL (three times) to this repository, then apply it in Argo CD's namespace:
#   kubectl apply -n argocd -f argo/applicationset.yaml
# or sync it from a parent Application, where the sync waves create the platform's Application
# (the library) before the team Applications. Builds use the options of the single Application:
# kustomize with --enable-alpha-plugins --enable-exec (argocd-cm), and server-side apply. With
# the Config Management Plugin route, add `plugin: {{name: pipewright}}` to both sources.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: pipewright-platform
  annotations:
    argocd.argoproj.io/sync-wave: \"-1\"
spec:
  project: default
  source:
    repoURL: {REPO_URL_PLACEHOLDER}
    targetRevision: main
    path: {PLATFORM_DIR}
  destination:
    server: https://kubernetes.default.svc
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      # ClusterWorkflowTemplates are large: server-side apply avoids the last-applied annotation's size limit.
      - ServerSideApply=true
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: pipewright-teams
  annotations:
    argocd.argoproj.io/sync-wave: \"0\"
spec:
  goTemplate: true
  goTemplateOptions: [\"missingkey=error\"]
  generators:
    - git:
        repoURL: {REPO_URL_PLACEHOLDER}
        revision: main
        directories:
          - path: {TEAMS_DIR}/*
  template:
    metadata:
      name: \"pipewright-{{{{.path.basename}}}}\"
      annotations:
        argocd.argoproj.io/sync-wave: \"1\"
    spec:
      project: default
      source:
        repoURL: {REPO_URL_PLACEHOLDER}
        targetRevision: main
        path: \"{{{{.path.path}}}}\"
      destination:
        server: https://kubernetes.default.svc
        namespace: \"{{{{.path.basename}}}}\"
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
        syncOptions:
          - ServerSideApply=true
"
    )
}

/// Every file of the teams scaffold, relative to the repo root, in a fixed order (the kinds'
/// schemas included).
pub fn scaffold_files() -> Vec<(String, String)> {
    let platform = format!("{PLATFORM_DIR}/platform.yaml");
    let mut out: Vec<(String, String)> = vec![
        (APPLICATIONSET.into(), applicationset()),
        (format!("{PLATFORM_DIR}/README.md"), PLATFORM_README.into()),
        (format!("{PLATFORM_DIR}/kustomization.yaml"), PLATFORM_KUSTOMIZATION.into()),
        (format!("{PLATFORM_DIR}/guard.yaml"), tripwire::FILE.into()),
        (platform.clone(), format!("{}{PLATFORM_BODY}", schema_line(Kind::Platform, &platform))),
        (format!("{TEAMS_DIR}/README.md"), TEAMS_README.into()),
    ];
    out.extend(Kind::ALL.into_iter().map(|k| (super::scaffold::schema_path(k), super::scaffold::schema_text(k))));
    out
}

/// The transformer config of a team folder: runs pipewright, and is not the Platform.
const TEAM_TRANSFORMER: &str = "\
# Runs pipewright over this folder's specs (team.yaml and the pipelines). It is a ConfigMap, not
# the Platform: the library is the platform Application's (argo/platform), never a team's.
apiVersion: v1
kind: ConfigMap
metadata:
  name: pipewright
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: pipewright
";

/// The kustomization of a new team folder, with the entries given under `resources:`.
pub fn team_kustomization(namespace: &str, resources: &[String]) -> String {
    let mut text = format!(
        "\
# The team folder of namespace {namespace}: one Argo CD Application. pipewright runs once, as the
# transformer in pipewright.yaml, over every spec under `resources:`. Add a project with
#   pipewright add pipeline NAME --namespace {namespace} --repo URL --toolchain TOOLCHAIN --image REPO
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  # The guard: pipewright removes it; a build without --enable-exec keeps it, and the apply fails.
  - guard.yaml
"
    );
    for entry in resources {
        text.push_str(&format!("  - {entry}\n"));
    }
    text.push_str("transformers:\n  - pipewright.yaml\n");
    text
}

/// The files of a new team folder other than its specs, relative to the repo root: the
/// kustomization (listing `resources`), the transformer config and the guard.
pub fn team_files(namespace: &str, resources: &[String]) -> Vec<(String, String)> {
    let dir = team_dir(namespace);
    vec![
        (format!("{dir}/kustomization.yaml"), team_kustomization(namespace, resources)),
        (format!("{dir}/pipewright.yaml"), TEAM_TRANSFORMER.into()),
        (format!("{dir}/guard.yaml"), tripwire::FILE.into()),
    ]
}
