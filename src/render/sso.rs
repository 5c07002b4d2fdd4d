//! Team to Argo Server SSO access: the ServiceAccount that SSO maps the team's groups to
//! (through the `rbac-rule` annotations), its token Secret, and a Role with exactly what the
//! Argo UI needs at the team's access level; at `operate`, also a binding of the read-only
//! library reader, which resubmit needs.

use super::rbac::{self, Account, rule};
use crate::krm::Object;
use crate::model::{Access, Team};
use k8s_openapi::api::rbac::v1::PolicyRule;
use std::collections::BTreeMap;

/// The annotation holding the SSO rule: an expression over the ID token's claims.
pub const RBAC_RULE: &str = "workflows.argoproj.io/rbac-rule";
/// The annotation that orders rules; the highest matching precedence wins.
pub const RBAC_RULE_PRECEDENCE: &str = "workflows.argoproj.io/rbac-rule-precedence";
/// The precedence of a Team's ServiceAccount: above the default login account (0).
pub const PRECEDENCE: &str = "1";

/// The label that says which access level a team's objects grant.
pub const ACCESS_LABEL: &str = "pipewright.dev/access";

fn access(team: &Team) -> &'static str {
    match team.access {
        Access::View => "view",
        Access::Operate => "operate",
    }
}

/// The name of a team's objects: `<team>.team`. Pipeline objects are DNS labels, which
/// never hold a dot, so the two can never collide.
pub fn object_name(team: &Team) -> String {
    format!("{}.team", team.origin.name)
}

/// The rbac-rule expression: `'a' in groups || 'b' in groups`. Group names passed an
/// allow-list without quotes or operators, so each stays one string literal.
pub fn rbac_rule(team: &Team) -> String {
    team.groups.iter().map(|g| format!("'{g}' in groups")).collect::<Vec<_>>().join(" || ")
}

const READ: [&str; 3] = ["get", "list", "watch"];

/// What the UI needs at each access level.
pub fn rules(team: &Team) -> Vec<PolicyRule> {
    let mut rules = vec![
        rule("argoproj.io", &["workflows", "workflowtemplates", "cronworkflows", "workflowtaskresults", "eventsources", "sensors"], &READ),
        rule("", &["pods", "pods/log", "events"], &READ),
    ];
    if team.access == Access::Operate {
        // resubmit creates a Workflow; retry, stop, terminate, suspend and resume update it;
        // retry also deletes the pods of the nodes it reruns.
        rules.push(rule("argoproj.io", &["workflows"], &["create", "update", "patch"]));
        rules.push(rule("", &["pods"], &["delete"]));
    }
    if let Some(secret) = &team.archived_logs_secret {
        // Archived logs are read with the user's own credentials.
        let mut r = rule("", &["secrets"], &["get"]);
        r.resource_names = Some(vec![secret.as_str().into()]);
        rules.push(r);
    }
    rules
}

/// The ServiceAccount (carrying the SSO rule), its token Secret, the Role and the RoleBinding;
/// at `operate`, also the ClusterRoleBinding of the library reader to that ServiceAccount.
///
/// Resubmit needs it: the Argo Server submits the new Workflow with the user's own client,
/// which validates it and so resolves every `clusterScope` templateRef, reading the library's
/// ClusterWorkflowTemplates. They are cluster-scoped, so only a ClusterRoleBinding can grant
/// that; the library reader reads nothing but them, and they hold no team's data.
pub fn render(team: &Team) -> Vec<Object> {
    let name = object_name(team);
    let namespace = team.namespace().as_str();
    let labels = [("pipewright.dev/team", team.origin.name.as_str()), (ACCESS_LABEL, access(team))];
    let annotations = BTreeMap::from([(RBAC_RULE.to_owned(), rbac_rule(team)), (RBAC_RULE_PRECEDENCE.to_owned(), PRECEDENCE.to_owned())]);
    let mut out = rbac::account(Account {
        origin: &team.origin,
        name: &name,
        namespace,
        labels: &labels,
        annotations,
        rules: rules(team),
        token_secret: true,
    });
    if team.access == Access::Operate {
        out.push(rbac::library_reader_binding(&team.origin, &name, namespace, &labels));
    }
    out
}
