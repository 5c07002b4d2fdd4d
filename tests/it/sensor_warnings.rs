//! Sensors that can never fire are warned about, in `results` and on stderr, when the function
//! sees every spec at once (transformer mode, `render`): a Team without `events`, a repository
//! the Team's GitHub `repositories` or GitLab `projects` do not list, and a Pipeline whose forge
//! is not the Team's provider. Well-wired Pipelines get no word.

use super::support::function;
use serde_json::Value;

const INPUT: &str = r#"apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: pipewright.dev/v1alpha1
  kind: Team
  metadata: {name: hub, namespace: hub}
  spec:
    groups: [hub]
    events: {github: {webhookSecret: {name: gh, key: secret}, repositories: [Acme/API]}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: api, namespace: hub}
  spec: {repo: https://github.com/acme/api.git, toolchain: go, steps: {build-image: false}, triggers: {push: {branches: [main]}}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: unlisted, namespace: hub}
  spec: {repo: https://github.com/acme/other.git, toolchain: go, steps: {build-image: false}, triggers: {pullRequests: true}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: elsewhere, namespace: hub}
  spec: {repo: https://gitlab.com/acme/api.git, toolchain: go, steps: {build-image: false}, triggers: {tags: true}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: manual-only, namespace: hub}
  spec: {repo: https://github.com/acme/unlisted-but-manual.git, toolchain: go, steps: {build-image: false}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Team
  metadata: {name: lab, namespace: lab}
  spec:
    groups: [lab]
    events:
      gitlab:
        baseUrl: https://gitlab.acme.io
        url: https://events.acme.io/lab
        accessToken: {name: gl, key: token}
        webhookSecret: {name: gl, key: secret}
        projects: [platform/ci]
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: ci, namespace: lab}
  spec: {repo: https://gitlab.acme.io/platform/ci.git, toolchain: go, steps: {build-image: false}, triggers: {push: {branches: [main]}}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: tools, namespace: lab}
  spec: {repo: https://gitlab.acme.io/platform/tools.git, toolchain: go, steps: {build-image: false}, triggers: {push: {branches: [main]}}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Team
  metadata: {name: quiet, namespace: quiet}
  spec: {groups: [quiet]}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: deaf, namespace: quiet}
  spec: {repo: https://github.com/acme/deaf.git, toolchain: go, steps: {build-image: false}, triggers: {push: {branches: [main]}}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Team
  metadata: {name: gitea, namespace: gitea}
  spec: {groups: [gitea], events: {webhook: {authSecret: {name: hook, key: token}}}}
- apiVersion: pipewright.dev/v1alpha1
  kind: Pipeline
  metadata: {name: forgejo, namespace: gitea}
  spec: {repo: https://code.acme.io/acme/forgejo.git, toolchain: go, steps: {build-image: false}, triggers: {push: {branches: [main]}}}
"#;

#[test]
fn sensors_that_can_never_fire_are_warned_about() {
    let run = function(INPUT.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list: Value = serde_yaml::from_str(&run.stdout).unwrap();
    let warnings: Vec<(String, String, String)> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["severity"] == "warning")
        .map(|r| {
            let name = format!("{}/{}", r["resourceRef"]["namespace"].as_str().unwrap(), r["resourceRef"]["name"].as_str().unwrap());
            (name, r["field"]["path"].as_str().unwrap().to_owned(), r["message"].as_str().unwrap().to_owned())
        })
        .collect();
    let about = |name: &str| warnings.iter().filter(|w| w.0 == name).collect::<Vec<_>>();
    for quiet in ["hub/api", "hub/manual-only", "lab/ci", "gitea/forgejo"] {
        assert!(about(quiet).is_empty(), "{quiet}: {:?}", about(quiet));
    }
    let expect = [
        ("hub/unlisted", "spec.repo", "acme/other, which Team/hub/hub does not list in `spec.events.github.repositories`"),
        ("hub/elsewhere", "spec.repo", "lives on GitLab, but Team/hub/hub receives GitHub webhooks"),
        ("lab/tools", "spec.repo", "platform/tools, which Team/lab/lab does not list in `spec.events.gitlab.projects`"),
        ("quiet/deaf", "spec.triggers", "Team/quiet/quiet, which serves namespace quiet, sets no `spec.events`"),
    ];
    for (name, field, message) in expect {
        let found = about(name);
        assert_eq!(found.len(), 1, "{name}: {warnings:?}");
        assert_eq!(found[0].1, field, "{name}");
        assert!(found[0].2.contains(message), "{name}: {}", found[0].2);
        let line = format!("warning: Pipeline/{name}: {field}: ");
        assert!(run.stderr.contains(&line), "stderr lacks {line:?}: {}", run.stderr);
    }
    assert_eq!(warnings.len(), expect.len(), "{warnings:?}");
}
