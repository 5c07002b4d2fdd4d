//! A Pipeline's valid triggers: the git events and the schedule that start its runs.

use super::{BranchPattern, CronSchedule, RepoPath};

/// What starts a Pipeline's runs besides a manual submit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Triggers {
    /// The repository's path (`owner/name`), which git events must name.
    pub repository: Option<RepoPath>,
    /// Branch pushes that run and publish.
    pub push: Vec<BranchPattern>,
    /// Semver tag pushes that run and publish.
    pub tags: bool,
    /// Pull requests that run without publishing.
    pub pull_requests: bool,
    /// A cron schedule.
    pub schedule: Option<CronSchedule>,
}

impl Triggers {
    /// Whether any git event starts a run (and so the pipeline needs a Sensor).
    pub fn on_git_events(&self) -> bool {
        !self.push.is_empty() || self.tags || self.pull_requests
    }
}
