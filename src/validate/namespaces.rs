//! Checks across the specs of one namespace: one Team per namespace, and a warning for a
//! triggered Pipeline whose namespace's Team is in the input but receives no webhooks (its
//! Sensor would wait for events that no EventSource delivers).

use super::rules;
use crate::krm::{FieldRef, ObjectRef, ResultItem, Severity};
use crate::model::{Events, Forge, GithubSenders, Origin, Pipeline, RepoPath, Spec, Team};

/// Why a Team cannot join the specs `seen` so far: its namespace already has one (which owns
/// the namespace's SSO access and its EventSource).
pub(super) fn second_team<'a>(mut seen: impl Iterator<Item = &'a Origin>, origin: &Origin) -> Option<String> {
    if origin.kind != "Team" {
        return None;
    }
    let other = seen.find(|o| o.kind == "Team" && o.namespace == origin.namespace)?;
    Some(format!("{other} already serves this namespace: a namespace has one Team, which owns its SSO access and its EventSource"))
}
use crate::spec::API_VERSION;

/// Warnings about Sensors that can never fire, when the namespace's Team is visible (a
/// kustomize generator sees its own spec alone, so it cannot warn): the Team receives no
/// webhooks, its GitHub `repositories` or GitLab `projects` do not list the Pipeline's
/// repository, or it receives another forge's webhooks than the Pipeline's repository lives on.
pub(super) fn check(specs: &[Spec]) -> Vec<ResultItem> {
    let teams: Vec<&Team> = specs.iter().filter_map(|s| if let Spec::Team(t) = s { Some(t) } else { None }).collect();
    let mut out = Vec::new();
    for p in specs.iter().filter_map(|s| if let Spec::Pipeline(p) = s { Some(p) } else { None }) {
        if !p.triggers.on_git_events() {
            continue;
        }
        let Some(team) = teams.iter().find(|t| t.namespace() == p.namespace()) else { continue };
        let warn = |field: &str, message: String| ResultItem {
            resource_ref: Some(ObjectRef {
                api_version: API_VERSION.into(),
                kind: "Pipeline".into(),
                name: p.name().to_string(),
                namespace: Some(p.namespace().to_string()),
            }),
            field: Some(FieldRef { path: field.into() }),
            file: None,
            severity: Severity::Warning,
            message,
        };
        let repo = p.triggers.repository.as_ref().map(|r| r.as_str()).unwrap_or_default();
        // A repository the Sensor cannot name is another check's business.
        let listed = |paths: &[RepoPath]| repo.is_empty() || paths.iter().any(|r| r.as_str().eq_ignore_ascii_case(repo));
        let (provider, forge) = (team.events.as_ref().and_then(provider), forge_of(p));
        match &team.events {
            None => out.push(warn(
                "spec.triggers",
                format!(
                    "reacts to git events, but {}, which serves namespace {}, sets no `spec.events`: no EventSource will deliver them",
                    team.origin,
                    p.namespace()
                ),
            )),
            Some(_) if forge.is_some_and(|f| provider.is_some_and(|t| t != f)) => out.push(warn(
                "spec.repo",
                format!(
                    "lives on {}, but {} receives {} webhooks: no event of this repository reaches its Sensor",
                    forge_name(forge.unwrap()),
                    team.origin,
                    forge_name(provider.unwrap())
                ),
            )),
            Some(Events::Github { senders: GithubSenders::Organizations(orgs), .. })
                if !repo.is_empty()
                    && !orgs.iter().any(|o| repo.split_once('/').is_some_and(|(owner, _)| owner.eq_ignore_ascii_case(o.as_str()))) =>
            {
                out.push(warn(
                    "spec.repo",
                    format!(
                        "reacts to git events of {repo}, whose owner {} does not list in `spec.events.github.organizations`: GitHub sends it none",
                        team.origin
                    ),
                ))
            }
            Some(Events::Github { senders: GithubSenders::Repositories(repositories), .. }) if !listed(repositories) => out.push(warn(
                "spec.repo",
                format!(
                    "reacts to git events of {repo}, which {} does not list in `spec.events.github.repositories`: GitHub sends it none",
                    team.origin
                ),
            )),
            Some(Events::Gitlab { projects, .. }) if !listed(projects) => out.push(warn(
                "spec.repo",
                format!(
                    "reacts to git events of {repo}, which {} does not list in `spec.events.gitlab.projects`: no hook is registered for it",
                    team.origin
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

/// The forge whose webhooks a Team receives; None for the generic webhook (Gitea, Forgejo and
/// any forge that sends GitHub-like payloads).
fn provider(events: &Events) -> Option<Forge> {
    match events {
        Events::Github { .. } => Some(Forge::Github),
        Events::Gitlab { .. } => Some(Forge::Gitlab),
        Events::Webhook { .. } => None,
    }
}

/// The forge a Pipeline's repository lives on: its commit status's provider, else what its
/// host says (`github.com`, `gitlab.com` or a `gitlab.` host); None when it cannot tell.
fn forge_of(p: &Pipeline) -> Option<Forge> {
    if let Some(target) = &p.notify.commit_status {
        return Some(target.forge);
    }
    let (host, _) = rules::git_host_and_path(p.repo.as_str());
    let host = host.to_ascii_lowercase();
    if host == "github.com" {
        Some(Forge::Github)
    } else if host == "gitlab.com" || host.starts_with("gitlab.") {
        Some(Forge::Gitlab)
    } else {
        None
    }
}

fn forge_name(f: Forge) -> &'static str {
    match f {
        Forge::Github => "GitHub",
        Forge::Gitlab => "GitLab",
    }
}
