//! The `Team` kind: one per team namespace; the Argo Server SSO access of its members and,
//! optionally, the namespace's git webhook receiver (EventSource and EventBus).

use super::SpecMeta;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A team's access to its pipelines in the Argo UI. Namespaced: one per team namespace.
/// Expands into the ServiceAccount that Argo Server SSO maps the team's groups to, its token
/// Secret, a Role and a RoleBinding (at `operate`, also a ClusterRoleBinding of the read-only
/// library reader, which resubmit needs); with `events`, also the namespace's EventSource and EventBus.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(example = example_team())]
pub struct Team {
    /// Always `pipewright.dev/v1alpha1`.
    #[schemars(extend("const" = "pipewright.dev/v1alpha1"))]
    pub api_version: String,
    /// Always `Team`.
    #[schemars(extend("const" = "Team"))]
    pub kind: String,
    /// The team's name and its namespace (default `argo`), where its pipelines run.
    pub metadata: SpecMeta,
    /// Who the team is and what it may do.
    pub spec: TeamSpec,
}

fn example_team() -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "pipewright.dev/v1alpha1",
        "kind": "Team",
        "metadata": {"name": "payments", "namespace": "team-payments"},
        "spec": {
            "groups": ["payments-devs"],
            "access": "view",
            "events": {"github": {"webhookSecret": {"name": "github-webhook", "key": "secret"}, "repositories": ["acme/payments-api"]}}
        }
    })
}

/// A team's members, access level and webhook receiver.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TeamSpec {
    /// The SSO groups (the `groups` claim of the ID token) whose members belong to the team.
    /// Letters, digits and `-`, `_`, `.`, `@`, `:`, `/`, `+`, `=`, `~` only.
    #[schemars(example = vec!["payments-devs"])]
    pub groups: Vec<String>,
    /// `view` (read runs and logs) or `operate` (also resubmit, retry, stop, suspend and resume runs). Default: `view`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// The Secret of the namespace's artifact repository, when archived logs are on: the Argo
    /// Server reads archived logs with the user's own credentials, so the team needs `get` on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"artifact-repository")]
    pub archived_logs_secret: Option<String>,
    /// Where this namespace receives git webhooks. Set it on exactly one Team per namespace:
    /// the namespace's EventSource and EventBus come from here, and every triggered Pipeline's
    /// Sensor listens to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<TeamEvents>,
}

/// What a team may do in the Argo UI.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Read workflows, templates, cron workflows, events objects, pods and logs.
    View,
    /// View, plus resubmit, retry, stop, terminate, suspend and resume runs.
    Operate,
}

/// The git provider whose webhooks the namespace receives. Set exactly one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TeamEvents {
    /// GitHub (or GitHub Enterprise) webhooks, verified with the webhook secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GithubEvents>,
    /// GitLab webhooks, registered on the projects with an access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitlab: Option<GitlabEvents>,
    /// A generic webhook receiving GitHub-compatible payloads (Gitea, Forgejo). It checks no
    /// signature: set `authSecret` (strongly recommended), or anyone who can reach it can start
    /// runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookEvents>,
}

/// GitHub webhook settings: repository webhooks (`repositories`) or organization webhooks
/// (`organizations`), exactly one of the two, as Argo Events' GitHub EventSource takes them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GithubEvents {
    /// The Secret key holding the webhook secret that GitHub signs deliveries with.
    pub webhook_secret: SecretNameKey,
    /// The repositories (`owner/name`) whose webhooks point here. Give this or `organizations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = vec!["acme/payments-api"])]
    pub repositories: Option<Vec<String>>,
    /// The organizations whose organization webhooks point here (every repository of theirs
    /// sends its events; each pipeline's Sensor still fires for its own repository only).
    /// Give this or `repositories`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(example = vec!["acme"])]
    pub organizations: Option<Vec<String>>,
}

/// GitLab webhook settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GitlabEvents {
    /// The GitLab server, such as `https://gitlab.com`.
    #[schemars(example = &"https://gitlab.com")]
    pub base_url: String,
    /// The public URL of this EventSource's webhook, which GitLab calls.
    #[schemars(example = &"https://events.acme.io/team-payments")]
    pub url: String,
    /// The Secret key holding an access token allowed to register project hooks.
    pub access_token: SecretNameKey,
    /// The Secret key holding the token GitLab sends with every delivery.
    pub webhook_secret: SecretNameKey,
    /// The projects (`group/name`, subgroups allowed) to register hooks on.
    #[schemars(example = vec!["acme/payments-api"])]
    pub projects: Vec<String>,
}

/// Generic webhook settings (`{}` chooses the provider with no authentication).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WebhookEvents {
    /// The Secret key holding a token that every delivery must send as
    /// `Authorization: Bearer <token>` (Gitea's and Forgejo's webhook "Authorization Header").
    /// Strongly recommended: without it, anyone who can reach the endpoint can start runs,
    /// pull requests included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<SecretNameKey>,
}

/// A key of a Secret in the team's namespace.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretNameKey {
    /// The Secret's name.
    pub name: String,
    /// The key inside the Secret.
    pub key: String,
}
