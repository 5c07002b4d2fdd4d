//! Pipeline triggers to an Argo Events Sensor, with its own least-privilege ServiceAccount.
//! The Sensor listens to the namespace's EventSource (emitted by the Team) and submits a
//! Workflow that references the pipeline's WorkflowTemplate, with arguments only.
//!
//! It does not know which provider the Team chose, so it carries one dependency per trigger
//! and payload dialect: `github` (GitHub, and Gitea or Forgejo through the generic webhook,
//! whose payloads differ from GitHub's only where the filters accept both) and `gitlab`. Each
//! dialect's filters only match its own payloads. Every payload
//! value that reaches a Workflow argument first passes a strict, anchored regex, so a hostile
//! branch or tag name (quotes, `{{`, `$(`) never triggers a run.

use super::cache;
use super::contract::events::{EVENT_NAME, EVENT_SOURCE};
use super::contract::{event, param};
use super::meta;
use super::rbac::{self, Account, rule};
use crate::argo::{self, Arguments, Parameter, WorkflowTemplateRef, events as ae};
use crate::krm::Object;
use crate::model::{BranchPattern, Pipeline};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// A full commit SHA.
const SHA: &str = "^[0-9a-f]{40}$";
/// A SHA that is not all zeros (with [`SHA`]: a commit, not the zero SHA of a deleted ref).
const NOT_ZERO: &str = "^0*[1-9a-f][0-9a-f]*$";
/// A pull or merge request number.
const NUMBER: &str = "^[0-9]{1,10}$";
/// A semver tag, with an optional leading `v` and pre-release; no build metadata (`+` is not
/// valid in an image tag).
pub const SEMVER_TAG: &str = r"^refs/tags/v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$";

/// The name of the Sensor's ServiceAccount, Role and RoleBinding: `<pipeline>.sensor`, which
/// no Pipeline (a DNS label, no dots) or Team (`<team>.team`) object can share.
pub fn account_name(p: &Pipeline) -> String {
    format!("{}.sensor", p.name())
}

/// An anchored regex matching `refs/heads/<branch>` for the patterns; `*` stays in one segment.
pub fn branch_regex(branches: &[BranchPattern]) -> String {
    let alternatives: Vec<String> = branches.iter().map(|b| b.as_str().replace('.', r"\.").replace('*', "[A-Za-z0-9._-]+")).collect();
    format!("^refs/heads/({})$", alternatives.join("|"))
}

fn exact(s: &str) -> String {
    format!("(?i)^{}$", s.replace('.', r"\."))
}

fn filter(path: &str, regex: String) -> ae::DataFilter {
    ae::DataFilter { path: path.into(), type_: "string".into(), value: vec![regex] }
}

/// How a trigger kind's payload reads in one dialect.
struct Rule {
    dependency: String,
    event: &'static str,
    filters: Vec<ae::DataFilter>,
    revision: Source,
    /// The event's commit: the run checks out exactly this one, even after the ref moved on.
    commit: Source,
    concurrency_key: Source,
}

enum Source {
    Key(&'static str),
    /// A Go template over the payload. Argo Events decodes the payload's numbers as float64,
    /// which Go prints as `1e+06` from a million on, so a number goes through sprig's `int64`.
    Template(&'static str),
}

fn rules(p: &Pipeline) -> Vec<Rule> {
    let t = &p.triggers;
    let repo = t.repository.as_ref().map(|r| exact(r.as_str())).unwrap_or_default();
    let mut out = Vec::new();
    for gitlab in [false, true] {
        let prefix = if gitlab { "gitlab-" } else { "" };
        let repo_path = if gitlab { "body.project.path_with_namespace" } else { "body.repository.full_name" };
        let kind = |k: &str| filter("body.object_kind", format!("^{k}$"));
        let pushed_key = if gitlab { "body.checkout_sha" } else { "body.after" };
        let pushed_sha = filter(pushed_key, SHA.into());
        let push_filters = |ref_regex: String, object_kind: &str| {
            let mut f = vec![filter(repo_path, repo.clone()), filter("body.ref", ref_regex), pushed_sha.clone()];
            if gitlab {
                // A deletion's checkout_sha is null, which the SHA filter refuses.
                f.insert(0, kind(object_kind));
            } else {
                // A deletion pushes the zero SHA. GitHub also sends `deleted: true`, but Gitea and
                // Forgejo send no `deleted` field, and a filter on a missing field never passes.
                f.push(filter("body.after", NOT_ZERO.into()));
            }
            f
        };
        if !t.push.is_empty() {
            out.push(Rule {
                dependency: format!("{prefix}push"),
                event: event::PUSH,
                filters: push_filters(branch_regex(&t.push), "push"),
                revision: Source::Key("body.ref"),
                commit: Source::Key(pushed_key),
                concurrency_key: Source::Template(r#"{{ .Input.body.ref | trimPrefix "refs/heads/" | replace "/" "." }}"#),
            });
        }
        if t.tags {
            out.push(Rule {
                dependency: format!("{prefix}tag"),
                event: event::TAG,
                filters: push_filters(SEMVER_TAG.into(), "tag_push"),
                revision: Source::Key("body.ref"),
                // GitHub's `after` names an annotated tag's object: the clone peels it to its commit.
                commit: Source::Key(pushed_key),
                concurrency_key: Source::Template(r#"{{ .Input.body.ref | trimPrefix "refs/" | replace "/" "." }}"#),
            });
        }
        if t.pull_requests {
            out.push(if gitlab {
                Rule {
                    dependency: "gitlab-merge-request".into(),
                    event: event::PULL_REQUEST,
                    filters: vec![
                        kind("merge_request"),
                        filter("body.object_attributes.action", "^(open|reopen|update)$".into()),
                        filter(repo_path, repo.clone()),
                        // Merge requests from forks run untrusted code: only same-project ones run.
                        filter("body.object_attributes.source.path_with_namespace", repo.clone()),
                        filter("body.object_attributes.iid", NUMBER.into()),
                        filter("body.object_attributes.last_commit.id", SHA.into()),
                    ],
                    revision: Source::Template("refs/merge-requests/{{ .Input.body.object_attributes.iid | int64 }}/head"),
                    commit: Source::Key("body.object_attributes.last_commit.id"),
                    concurrency_key: Source::Template("mr.{{ .Input.body.object_attributes.iid | int64 }}"),
                }
            } else {
                Rule {
                    dependency: "pull-request".into(),
                    event: event::PULL_REQUEST,
                    filters: vec![
                        // GitHub says `synchronize` for new commits, Gitea and Forgejo `synchronized`.
                        filter("body.action", "^(opened|reopened|synchronized?)$".into()),
                        filter(repo_path, repo.clone()),
                        // Pull requests from forks run untrusted code: only same-repository ones run.
                        filter("body.pull_request.head.repo.full_name", repo.clone()),
                        filter("body.number", NUMBER.into()),
                        filter("body.pull_request.head.sha", SHA.into()),
                    ],
                    revision: Source::Template("refs/pull/{{ .Input.body.number | int64 }}/head"),
                    commit: Source::Key("body.pull_request.head.sha"),
                    concurrency_key: Source::Template("pr.{{ .Input.body.number | int64 }}"),
                }
            });
        }
    }
    out
}

fn source(dependency: &str, s: &Source) -> ae::ParameterSource {
    let (data_key, data_template) = match s {
        Source::Key(k) => (Some((*k).to_owned()), None),
        Source::Template(t) => (None, Some((*t).to_owned())),
    };
    ae::ParameterSource { dependency_name: dependency.into(), data_key, data_template }
}

fn trigger(p: &Pipeline, r: &Rule) -> ae::Trigger {
    let name = p.name().as_str();
    let labels = BTreeMap::from([("pipewright.dev/pipeline".to_owned(), name.to_owned())]);
    let mut arguments = Arguments {
        parameters: vec![
            Parameter::value(param::REVISION, ""),
            Parameter::value(param::EVENT, r.event),
            Parameter::value(param::CONCURRENCY_KEY, ""),
            Parameter::value(param::COMMIT, ""),
        ],
    };
    if r.event == event::PULL_REQUEST {
        arguments.parameters.extend(cache::pull_request_argument(p));
    }
    let workflow = ae::SubmittedWorkflow {
        api_version: argo::API_VERSION,
        kind: "Workflow",
        metadata: ObjectMeta { generate_name: Some(format!("{name}-")), labels: Some(labels), ..Default::default() },
        spec: ae::SubmittedSpec { workflow_template_ref: WorkflowTemplateRef { name: name.into() }, arguments },
    };
    ae::Trigger {
        template: ae::TriggerTemplate {
            name: r.dependency.clone(),
            conditions: r.dependency.clone(),
            argo_workflow: ae::ArgoWorkflowTrigger {
                operation: "submit".into(),
                source: ae::Source { resource: workflow },
                parameters: vec![
                    ae::TriggerParameter { src: source(&r.dependency, &r.revision), dest: "spec.arguments.parameters.0.value".into() },
                    ae::TriggerParameter {
                        src: source(&r.dependency, &r.concurrency_key),
                        dest: "spec.arguments.parameters.2.value".into(),
                    },
                    ae::TriggerParameter { src: source(&r.dependency, &r.commit), dest: "spec.arguments.parameters.3.value".into() },
                ],
            },
        },
        retry_strategy: ae::TriggerRetry { steps: 3 },
    }
}

/// The Sensor and its ServiceAccount, Role and RoleBinding, and the ClusterRoleBinding that
/// lets it read the library; nothing when no git event triggers the pipeline.
pub fn render(p: &Pipeline) -> Vec<Object> {
    if !p.triggers.on_git_events() {
        return Vec::new();
    }
    let name = p.name().as_str();
    let account = account_name(p);
    let rules = rules(p);
    let sensor = ae::Object {
        api_version: argo::API_VERSION,
        kind: "Sensor",
        metadata: meta::object_meta(&p.origin, name, Some(p.namespace().as_str()), &[("pipewright.dev/pipeline", name)]),
        spec: ae::SensorSpec {
            template: ae::SensorTemplate { service_account_name: account.clone() },
            dependencies: rules
                .iter()
                .map(|r| ae::Dependency {
                    name: r.dependency.clone(),
                    event_source_name: EVENT_SOURCE.into(),
                    event_name: EVENT_NAME.into(),
                    filters: ae::Filters { data: r.filters.clone() },
                })
                .collect(),
            triggers: rules.iter().map(|r| trigger(p, r)).collect(),
        },
    };
    let mut out = vec![Object::from_serialize(&sensor)];
    out.extend(rbac::account(Account {
        origin: &p.origin,
        name: &account,
        namespace: p.namespace().as_str(),
        labels: &[("pipewright.dev/pipeline", name)],
        annotations: BTreeMap::new(),
        rules: vec![rule("argoproj.io", &["workflows"], &["create", "list"]), rule("argoproj.io", &["workflowtemplates"], &["get"])],
        token_secret: false,
    }));
    out.push(rbac::library_reader_binding(&p.origin, &account, p.namespace().as_str(), &[("pipewright.dev/pipeline", name)]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_patterns_become_anchored_regexes() {
        let b = [BranchPattern::checked("main"), BranchPattern::checked("release/*"), BranchPattern::checked("v1.x")];
        assert_eq!(branch_regex(&b), r"^refs/heads/(main|release/[A-Za-z0-9._-]+|v1\.x)$");
    }
}
