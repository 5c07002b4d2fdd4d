//! Checks across the specs of one namespace: one Team per namespace, and a warning for a
//! triggered Pipeline whose namespace's Team is in the input but receives no webhooks (its
//! Sensor would wait for events that no EventSource delivers).

use crate::krm::{FieldRef, ObjectRef, ResultItem, Severity};
use crate::model::{Origin, Spec};

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

/// Warnings about Sensors that no EventSource would feed (only when the namespace's Team is visible:
/// a kustomize generator sees its own spec alone).
pub(super) fn check(specs: &[Spec]) -> Vec<ResultItem> {
    let teams: Vec<_> = specs.iter().filter_map(|s| if let Spec::Team(t) = s { Some(t) } else { None }).collect();
    specs
        .iter()
        .filter_map(|s| if let Spec::Pipeline(p) = s { Some(p) } else { None })
        .filter(|p| p.triggers.on_git_events())
        .filter_map(|p| {
            let team = teams.iter().find(|t| t.namespace() == p.namespace() && t.events.is_none())?;
            Some(ResultItem {
                resource_ref: Some(ObjectRef {
                    api_version: API_VERSION.into(),
                    kind: "Pipeline".into(),
                    name: p.name().to_string(),
                    namespace: Some(p.namespace().to_string()),
                }),
                field: Some(FieldRef { path: "spec.triggers".into() }),
                file: None,
                severity: Severity::Warning,
                message: format!(
                    "reacts to git events, but {}, which serves namespace {}, sets no `spec.events`: no EventSource will deliver them",
                    team.origin,
                    p.namespace()
                ),
            })
        })
        .collect()
}
