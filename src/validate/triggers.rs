//! Checks a Pipeline's `triggers`: branch patterns, the cron schedule, and that the
//! repository URL names a path (`owner/name`) that git events can be matched against.

use super::{Path, Problems, cron, non_empty_list, rules, team};
use crate::model::{BranchPattern, CronSchedule, GitUrl, RepoPath, Triggers};
use crate::spec;

/// A branch name or pattern: git ref characters that need no escaping beyond `.`, with `*`
/// matching within one path segment.
pub fn branch_pattern(s: &str) -> Result<(), String> {
    const VALID: &str = "use a branch name such as `main` or a pattern such as `release/*` (letters, digits, . _ / - and *)";
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._/-*".contains(&b)) {
        return Err(format!("{s:?} is not a branch name: {VALID}"));
    }
    if s.starts_with("refs/") {
        return Err(format!("{s:?} is a full ref: give the branch name only ({VALID})"));
    }
    rules::git_ref(&s.replace('*', "x")).map_err(|_| format!("{s:?} is not a valid branch name: {VALID}"))
}

/// The repository's path on its host, from a valid git URL (`https://h/acme/api.git` →
/// `acme/api`), when it is one that git events can name.
pub fn repository_path(url: &str) -> Option<String> {
    let (_, path) = rules::git_host_and_path(url);
    team::repo_path(&path, true).is_ok().then_some(path)
}

pub(super) fn check(problems: &mut Problems, path: &Path, repo: Option<&GitUrl>, t: Option<spec::Triggers>) -> Option<Triggers> {
    let Some(t) = t else { return Some(Triggers::default()) };
    let push = match t.push {
        None => Some(Vec::new()),
        Some(p) => {
            let empty = "branch, such as [\"main\"]";
            non_empty_list(problems, &path.key("push").key("branches"), p.branches, empty, branch_pattern, BranchPattern::checked)
        }
    };
    let schedule = t.schedule.map(|s| match cron::schedule(&s) {
        Ok(()) => Some(CronSchedule::checked(s)),
        Err(complaints) => {
            for complaint in complaints {
                problems.push(&path.key("schedule"), complaint);
            }
            None
        }
    });
    let mut triggers = Triggers {
        repository: None,
        push: push?,
        tags: t.tags.unwrap_or(false),
        pull_requests: t.pull_requests.unwrap_or(false),
        schedule: match schedule {
            Some(s) => Some(s?),
            None => None,
        },
    };
    if triggers.on_git_events() {
        let repo = repo?;
        match repository_path(repo.as_str()) {
            Some(p) => triggers.repository = Some(RepoPath::checked(p)),
            None => {
                problems.push(
                    &Path::root().key("spec").key("repo"),
                    format!("{:?} names no `owner/name` path that git events could be matched against", repo.as_str()),
                );
                return None;
            }
        }
    }
    Some(triggers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_patterns() {
        for ok in ["main", "release/*", "feature/x-1.2"] {
            assert!(branch_pattern(ok).is_ok(), "{ok}");
        }
        for bad in ["refs/heads/main", "a b", "x'", "{{x}}", "$(id)", "a..b", "-x", "a+b"] {
            assert!(branch_pattern(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn repository_paths_from_urls() {
        assert_eq!(repository_path("https://github.com/acme/api.git").as_deref(), Some("acme/api"));
        assert_eq!(repository_path("git@github.com:acme/fraud-model.git").as_deref(), Some("acme/fraud-model"));
        assert_eq!(repository_path("ssh://git@gitlab.acme.io:2222/grp/sub/api").as_deref(), Some("grp/sub/api"));
    }
}
