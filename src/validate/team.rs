//! Checks a `Team` spec and builds the valid model. Group names end up inside the
//! `workflows.argoproj.io/rbac-rule` expression, so they pass a strict allow-list first.

use super::{Path, Problems, name, non_empty_list, rules};
use crate::krm::Severity;
use crate::model::{self, Access, Events, GithubSenders, GroupName, Name, OrgName, Origin, RepoPath, SecretKeyRef};
use crate::spec::{self, SecretNameKey};

/// The characters a group name may hold: none of them can end a quoted string or start an
/// operator in the rbac-rule expression (no quotes, backslashes, `|`, `&`, `!`, parentheses…).
pub const GROUP_CHARS: &str = "letters, digits, single spaces and - _ . @ : / + = ~";
/// The longest group name accepted.
pub const MAX_GROUP: usize = 256;

/// A group name of the SSO `groups` claim, safe to quote in the rbac-rule expression.
pub fn group_name(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err(format!("must not be empty: use the group's name as your identity provider sends it ({GROUP_CHARS})"));
    }
    if s.len() > MAX_GROUP {
        return Err(format!("is {} characters long: the limit is {MAX_GROUP}", s.len()));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || " -_.@:/+=~".contains(*c))) {
        return Err(format!(
            "{s:?} contains `{c}`, which could break out of the rbac-rule expression: a group name may hold only {GROUP_CHARS}"
        ));
    }
    if s.starts_with(' ') || s.ends_with(' ') || s.contains("  ") {
        return Err(format!("{s:?} has leading, trailing or doubled spaces: a group name may hold only {GROUP_CHARS}"));
    }
    Ok(())
}

/// A repository path on a git host: `owner/name`, or `group/sub/name` on GitLab.
pub fn repo_path(s: &str, nested: bool) -> Result<(), String> {
    let example = if nested { "`acme/payments-api` or `acme/backend/payments-api`" } else { "`acme/payments-api`" };
    let segments: Vec<&str> = s.split('/').collect();
    let shape = if nested { segments.len() >= 2 } else { segments.len() == 2 };
    let ok = shape
        && segments
            .iter()
            .all(|p| !p.is_empty() && !p.starts_with(['.', '-']) && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
    if !ok {
        return Err(format!("{s:?} is not a repository path: use {example}"));
    }
    Ok(())
}

/// A GitHub organization's login: letters, digits and single hyphens, neither first nor last,
/// at most 39 characters (GitHub's own rule).
pub fn org_name(s: &str) -> Result<(), String> {
    let valid = "use the organization's login as in `https://github.com/<login>`, such as `acme` (letters, digits and single inner hyphens, at most 39 characters)";
    let ok = !s.is_empty()
        && s.len() <= 39
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if !ok {
        return Err(format!("{s:?} is not a GitHub organization: {valid}"));
    }
    Ok(())
}

fn https_url(s: &str) -> Result<(), String> {
    let valid = "use an https:// URL such as `https://gitlab.com`";
    let Some(rest) = s.strip_prefix("https://") else { return Err(format!("{s:?} is not an https URL: {valid}")) };
    let ok = !rest.is_empty()
        && !rest.starts_with(['/', '.', '-'])
        && !rest.contains('@')
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/:%".contains(&b));
    if !ok {
        return Err(format!("{s:?} is not a plain https URL (no credentials, query or spaces): {valid}"));
    }
    Ok(())
}

fn secret_ref(problems: &mut Problems, path: &Path, r: SecretNameKey) -> Option<SecretKeyRef> {
    let secret = problems.check(&path.key("name"), rules::dns_subdomain(&r.name));
    let key = problems.check(&path.key("key"), rules::secret_key(&r.key));
    (secret && key).then(|| SecretKeyRef { name: Name::checked(r.name), key: r.key })
}

fn paths(problems: &mut Problems, path: &Path, list: Vec<String>, nested: bool) -> Option<Vec<RepoPath>> {
    let empty = "repository whose webhooks arrive here, such as `acme/payments-api`";
    non_empty_list(problems, path, list, empty, |p| repo_path(p, nested), RepoPath::checked)
}

fn events(problems: &mut Problems, path: &Path, e: spec::TeamEvents) -> Option<Events> {
    let chosen = [e.github.is_some(), e.gitlab.is_some(), e.webhook.is_some()].into_iter().filter(|c| *c).count();
    if chosen != 1 {
        problems.push(path, format!("sets {chosen} providers: set exactly one of `github`, `gitlab` or `webhook`"));
        return None;
    }
    if let Some(g) = e.github {
        let p = path.key("github");
        let secret = secret_ref(problems, &p.key("webhookSecret"), g.webhook_secret);
        let senders = github_senders(problems, &p, g.repositories, g.organizations);
        return Some(Events::Github { webhook_secret: secret?, senders: senders? });
    }
    if let Some(g) = e.gitlab {
        let p = path.key("gitlab");
        let base = problems.check(&p.key("baseUrl"), https_url(&g.base_url));
        let url = problems.check(&p.key("url"), https_url(&g.url));
        let access_token = secret_ref(problems, &p.key("accessToken"), g.access_token);
        let webhook_secret = secret_ref(problems, &p.key("webhookSecret"), g.webhook_secret);
        let projects = paths(problems, &p.key("projects"), g.projects, true);
        if !(base && url) {
            return None;
        }
        return Some(Events::Gitlab {
            base_url: g.base_url,
            url: g.url,
            access_token: access_token?,
            webhook_secret: webhook_secret?,
            projects: projects?,
        });
    }
    let w = e.webhook.unwrap_or_default();
    let p = path.key("webhook");
    match w.auth_secret {
        Some(secret) => Some(Events::Webhook { auth_secret: Some(secret_ref(problems, &p.key("authSecret"), secret)?) }),
        None => {
            problems.push_with(Severity::Warning, &p, UNAUTHENTICATED.into());
            Some(Events::Webhook { auth_secret: None })
        }
    }
}

/// Repository webhooks or organization webhooks: exactly one of the two lists, as Argo Events
/// takes them.
fn github_senders(
    problems: &mut Problems,
    path: &Path,
    repositories: Option<Vec<String>>,
    organizations: Option<Vec<String>>,
) -> Option<GithubSenders> {
    const ONE: &str = "give exactly one of `repositories` (repository webhooks, such as [\"acme/payments-api\"]) or \
                       `organizations` (organization webhooks, such as [\"acme\"])";
    match (repositories, organizations) {
        (Some(r), None) => paths(problems, &path.key("repositories"), r, false).map(GithubSenders::Repositories),
        (None, Some(o)) => {
            let empty = "organization whose webhooks arrive here, such as `acme`";
            non_empty_list(problems, &path.key("organizations"), o, empty, org_name, OrgName::checked).map(GithubSenders::Organizations)
        }
        (None, None) => {
            problems.push(path, format!("sets neither `repositories` nor `organizations`: {ONE}"));
            None
        }
        (Some(_), Some(_)) => {
            problems.push(path, format!("sets both `repositories` and `organizations`: {ONE}"));
            None
        }
    }
}

/// The warning on a generic webhook without `authSecret`.
pub const UNAUTHENTICATED: &str = "has no `authSecret`, so the endpoint is unauthenticated: anyone who can reach it can start runs, \
pull requests included; create a Secret holding a random token, set `authSecret: {name: <secret>, key: <key>}`, and configure the \
sender to send `Authorization: Bearer <token>`";

pub(super) fn check(t: spec::Team, problems: &mut Problems) -> Option<model::Team> {
    let root = Path::root();
    let meta = root.key("metadata");
    let spec_path = root.key("spec");
    let team_name = name(problems, &meta.key("name"), &t.metadata.name);
    let namespace = name(problems, &meta.key("namespace"), t.metadata.namespace.as_deref().unwrap_or(super::pipeline::DEFAULT_NAMESPACE));
    let s = t.spec;
    let empty = "SSO group, such as [\"payments-devs\"]";
    let groups = non_empty_list(problems, &spec_path.key("groups"), s.groups, empty, group_name, GroupName::checked);
    let archived = s.archived_logs_secret.and_then(|secret| {
        problems.check(&spec_path.key("archivedLogsSecret"), rules::dns_subdomain(&secret)).then(|| Name::checked(secret))
    });
    let events = s.events.map(|e| events(problems, &spec_path.key("events"), e));
    Some(model::Team {
        origin: Origin { kind: "Team", namespace: Some(namespace?), name: team_name? },
        groups: groups?,
        access: s.access.unwrap_or(Access::View),
        archived_logs_secret: archived,
        events: match events {
            Some(e) => Some(e?),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_that_could_break_the_expression_are_rejected() {
        for ok in ["payments-devs", "acme:payments", "/payments/devs", "Payments Devs", "dev+ops@acme.io", "a=b~c"] {
            assert!(group_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "x' || true || 'y",
            "x\" in groups || \"y",
            "a||b",
            "a&&b",
            "(a)",
            "a\\b",
            "`a`",
            "a,b",
            "!a",
            "a$b",
            "{{x}}",
            "a\nb",
            " a",
            "a  b",
            "",
        ] {
            assert!(group_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn organization_names() {
        for ok in ["acme", "Acme-Corp", "a1", &"a".repeat(39)] {
            assert!(org_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-acme", "acme-", "ac--me", "acme/api", "ac me", "{{x}}", &"a".repeat(40)] {
            assert!(org_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn repository_paths() {
        assert!(repo_path("acme/api", false).is_ok());
        assert!(repo_path("acme/sub/api", true).is_ok());
        for bad in ["acme", "acme/sub/api", "acme/../x", "acme/a b", "/acme/x"] {
            assert!(repo_path(bad, false).is_err(), "{bad}");
        }
    }
}
