//! The valid `Team`: who belongs to it, what it may do, and where its namespace's webhooks arrive.

use super::{GroupName, Name, OrgName, Origin, RepoPath, SecretKeyRef};
pub use crate::spec::Access;

/// A valid Team.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Where it came from; its namespace is the team's.
    pub origin: Origin,
    /// The SSO groups whose members belong to the team (checked against a strict allow-list).
    pub groups: Vec<GroupName>,
    /// What the team may do.
    pub access: Access,
    /// The artifact repository's Secret, when archived logs are on.
    pub archived_logs_secret: Option<Name>,
    /// The namespace's webhook receiver, when this Team owns it.
    pub events: Option<Events>,
}

impl Team {
    /// The team's namespace.
    pub fn namespace(&self) -> &Name {
        self.origin.namespace.as_ref().unwrap_or(&self.origin.name)
    }
}

/// Whose GitHub webhooks a namespace receives.
#[derive(Debug, Clone, PartialEq)]
pub enum GithubSenders {
    /// Repository webhooks: `owner/name` of each repository.
    Repositories(Vec<RepoPath>),
    /// Organization webhooks: each organization's login.
    Organizations(Vec<OrgName>),
}

/// The git provider whose webhooks the namespace receives.
#[derive(Debug, Clone, PartialEq)]
pub enum Events {
    /// GitHub.
    Github {
        /// The webhook secret.
        webhook_secret: SecretKeyRef,
        /// Whose webhooks arrive: repositories or organizations.
        senders: GithubSenders,
    },
    /// GitLab.
    Gitlab {
        /// The GitLab server.
        base_url: String,
        /// The webhook's public URL.
        url: String,
        /// The token that registers project hooks.
        access_token: SecretKeyRef,
        /// The token GitLab sends with each delivery.
        webhook_secret: SecretKeyRef,
        /// `group/name` of each project.
        projects: Vec<RepoPath>,
    },
    /// A generic webhook with GitHub-compatible payloads.
    Webhook {
        /// The bearer token every delivery must send, when set.
        auth_secret: Option<SecretKeyRef>,
    },
}
