//! RBAC a run needs: the workflow's ServiceAccount is in the bundle, and bound to a Role that
//! grants `workflowtaskresults` create and patch (Argo's executor writes each task's outputs
//! there); and no Role or ClusterRole grants `*`.

use super::super::finding::Finding;
use super::super::index::{Index, list, text};
use super::super::rules::Rule;
use super::Run;
use crate::krm::Object;
use crate::lint::index::Unit;
use serde_json::Value;

pub fn service_account(index: &Index, run: &Run, out: &mut Vec<Finding>) {
    let root = &index.units[run.root];
    let holder = run.referenced.map(|r| &index.units[r]);
    let executor = field(root, "/executor/serviceAccountName").or_else(|| holder.and_then(|h| field(h, "/executor/serviceAccountName")));
    let pod = field(root, "/serviceAccountName").or_else(|| holder.and_then(|h| field(h, "/serviceAccountName")));
    // Without a ServiceAccount named, pods run as the namespace's `default`, which every
    // namespace has and whose bindings live outside any bundle: nothing to judge (the same
    // when `default` is named).
    let Some(account) = executor.or(pod) else { return };
    if account.contains("{{") || account == "default" {
        return;
    }
    let path = if executor.is_some() {
        format!("{}.executor.serviceAccountName", root.spec_path)
    } else {
        format!("{}.serviceAccountName", root.spec_path)
    };
    let namespace = root.namespace;
    for name in [pod, executor].into_iter().flatten().filter(|n| !n.contains("{{") && *n != "default") {
        if !index.has_object("ServiceAccount", name, namespace) {
            let message = format!(
                "ServiceAccount {name:?} is not in the bundle: the workflow cannot start without it (fine if it is created elsewhere)"
            );
            out.push(Finding::new(Rule::ServiceAccountMissing, root.doc, path.clone(), message).warning());
        }
    }
    if !index.has_object("ServiceAccount", account, namespace) {
        return;
    }
    let mut bound = Vec::new();
    let mut missing_roles = false;
    for (_, binding) in index.bindings_of(account) {
        if !binds(binding, account, namespace) {
            continue;
        }
        let role_kind = text(&binding.0["roleRef"], "kind");
        let role_name = text(&binding.0["roleRef"], "name");
        let role = match role_kind {
            "ClusterRole" => index.named("ClusterRole", role_name, None).into_iter().next(),
            _ => index.named("Role", role_name, binding.namespace()).into_iter().next(),
        };
        match role {
            Some((_, r)) => bound.push(r),
            None => missing_roles = true,
        }
    }
    if bound.iter().any(|r| grants_task_results(r)) {
        return;
    }
    let roles: Vec<String> = bound.iter().map(|r| format!("{}/{}", r.kind(), r.name())).collect();
    let message = if bound.is_empty() {
        format!(
            "ServiceAccount {account:?} is bound to no Role in the bundle: Argo's executor needs `workflowtaskresults` create and patch (argoproj.io) to report each task's outputs"
        )
    } else {
        format!(
            "ServiceAccount {account:?} is bound to {}, which grants no `workflowtaskresults` create and patch (argoproj.io): every task will fail to report its outputs",
            roles.join(", ")
        )
    };
    let finding = Finding::new(Rule::MissingTaskResults, root.doc, path, message);
    // An error when the Roles it is bound to are all here; otherwise they may grant it elsewhere.
    out.push(if bound.is_empty() || missing_roles { finding.warning() } else { finding });
}

fn binds(binding: &Object, account: &str, namespace: Option<&str>) -> bool {
    list(&binding.0["subjects"]).iter().any(|s| {
        let subject_ns = s.get("namespace").and_then(Value::as_str).or(binding.namespace());
        text(s, "kind") == "ServiceAccount"
            && text(s, "name") == account
            && match (namespace, subject_ns) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    })
}

fn has(rule: &Value, key: &str, wanted: &str) -> bool {
    list(&rule[key]).iter().any(|v| v.as_str().is_some_and(|s| s == wanted || s == "*"))
}

fn grants_task_results(role: &Object) -> bool {
    list(&role.0["rules"]).iter().any(|rule| {
        has(rule, "apiGroups", "argoproj.io")
            && has(rule, "resources", "workflowtaskresults")
            && has(rule, "verbs", "create")
            && has(rule, "verbs", "patch")
    })
}

pub fn wildcards(index: &Index, out: &mut Vec<Finding>) {
    for kind in ["Role", "ClusterRole"] {
        for (doc, role) in index.objects_of(kind) {
            if !role.api_version().starts_with("rbac.authorization.k8s.io/") {
                continue;
            }
            for (i, rule) in list(&role.0["rules"]).iter().enumerate() {
                for key in ["apiGroups", "resources", "verbs"] {
                    if let Some(j) = list(&rule[key]).iter().position(|v| v == "*") {
                        let message = format!("grants `*` in {key}: name the {key} the subject needs (least privilege)");
                        out.push(Finding::new(Rule::Wildcard, doc, format!("rules[{i}].{key}[{j}]"), message));
                    }
                }
            }
        }
    }
}

fn field<'a>(unit: &Unit<'a>, pointer: &str) -> Option<&'a str> {
    unit.spec.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty())
}
