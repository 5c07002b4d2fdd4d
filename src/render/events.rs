//! Team to the namespace's webhook receiver: one EventSource (GitHub, GitLab or a generic
//! webhook) and one EventBus. Only the Team emits them, so they exist once per namespace even
//! when each spec runs as its own kustomize generator; Sensors find them by the names in
//! [`contract::events`](super::contract::events).

use super::contract::events::{ENDPOINT, EVENT_BUS, EVENT_NAME, EVENT_SOURCE, PORT};
use super::meta;
use crate::argo::{self, events as ae};
use crate::krm::Object;
use crate::model::{Events, GithubSenders, OrgName, RepoPath, SecretKeyRef, Team};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The EventBus's JetStream (NATS server) version: Argo Events' docs say never `latest` in a
/// real deployment, and the version must be one the controller's `argo-events-controller-config`
/// lists. 2.10.29 is the newest there in Argo Events v1.9.10 and v1.9.11 (the release the shared
/// examples come from), and what its `latest` runs.
pub const JETSTREAM_VERSION: &str = "2.10.29";

fn secret(s: &SecretKeyRef) -> Value {
    json!({"name": s.name.as_str(), "key": s.key})
}

fn webhook(url: Option<&str>, auth_secret: Option<&SecretKeyRef>) -> Value {
    serde_json::to_value(ae::Webhook {
        endpoint: ENDPOINT.into(),
        port: PORT.to_string(),
        method: "POST".into(),
        url: url.map(str::to_owned),
        auth_secret: auth_secret.map(|s| ae::SecretKey { name: s.name.as_str().into(), key: s.key.clone() }),
    })
    .unwrap_or(Value::Null)
}

/// GitHub's `repositories`: one entry per owner, names sorted.
fn github_repositories(paths: &[RepoPath]) -> Value {
    let mut by_owner: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in paths {
        if let Some((owner, name)) = p.as_str().split_once('/') {
            by_owner.entry(owner).or_default().push(name);
        }
    }
    by_owner
        .into_iter()
        .map(|(owner, mut names)| {
            names.sort_unstable();
            names.dedup();
            json!({"owner": owner, "names": names})
        })
        .collect()
}

/// GitHub's `organizations`: the logins, sorted, each once.
fn github_organizations(orgs: &[OrgName]) -> Value {
    let mut logins: Vec<&str> = orgs.iter().map(OrgName::as_str).collect();
    logins.sort_unstable();
    logins.dedup();
    json!(logins)
}

fn event_source_spec(events: &Events) -> ae::EventSourceSpec {
    let one = |v: Value| Some(BTreeMap::from([(EVENT_NAME.to_owned(), v)]));
    let mut spec = ae::EventSourceSpec {
        service: ae::Service { ports: vec![ae::ServicePort { port: PORT, target_port: PORT }] },
        ..Default::default()
    };
    match events {
        Events::Github { webhook_secret, senders } => {
            let (key, whose) = match senders {
                GithubSenders::Repositories(paths) => ("repositories", github_repositories(paths)),
                GithubSenders::Organizations(orgs) => ("organizations", github_organizations(orgs)),
            };
            let mut github = serde_json::Map::from_iter([(key.to_owned(), whose)]);
            github.extend([
                ("webhook".to_owned(), webhook(None, None)),
                ("events".to_owned(), json!(["push", "pull_request"])),
                ("webhookSecret".to_owned(), secret(webhook_secret)),
                ("contentType".to_owned(), json!("json")),
            ]);
            spec.github = one(Value::Object(github));
        }
        Events::Gitlab { base_url, url, access_token, webhook_secret, projects } => {
            spec.gitlab = one(json!({
                "projects": projects.iter().map(RepoPath::as_str).collect::<Vec<_>>(),
                "webhook": webhook(Some(url), None),
                "events": ["PushEvents", "TagPushEvents", "MergeRequestsEvents"],
                "accessToken": secret(access_token),
                "secretToken": secret(webhook_secret),
                "enableSSLVerification": true,
                "gitlabBaseURL": base_url,
            }));
        }
        Events::Webhook { auth_secret } => spec.webhook = one(webhook(None, auth_secret.as_ref())),
    }
    spec
}

/// The EventSource and the EventBus, when the Team owns its namespace's webhooks.
pub fn render(team: &Team) -> Vec<Object> {
    let Some(events) = &team.events else { return Vec::new() };
    let namespace = Some(team.namespace().as_str());
    let labels = [("pipewright.dev/team", team.origin.name.as_str())];
    let bus = ae::Object {
        api_version: argo::API_VERSION,
        kind: "EventBus",
        metadata: meta::object_meta(&team.origin, EVENT_BUS, namespace, &labels),
        spec: json!({"jetstream": {"version": JETSTREAM_VERSION}}),
    };
    let source = ae::Object {
        api_version: argo::API_VERSION,
        kind: "EventSource",
        metadata: meta::object_meta(&team.origin, EVENT_SOURCE, namespace, &labels),
        spec: event_source_spec(events),
    };
    vec![Object::from_serialize(&bus), Object::from_serialize(&source)]
}
