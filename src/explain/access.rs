//! Who can see a pipeline's runs and logs: the SSO ServiceAccounts of its namespace (those with
//! a `workflows.argoproj.io/rbac-rule`), and what their Roles allow, read from the rendered RBAC.

use crate::krm::Object;
use serde::Serialize;
use serde_json::Value;

/// One SSO mapping into the pipeline's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    /// The Team it comes from (its `pipewright.dev/team` label), when pipewright made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The access level (its `pipewright.dev/access` label), when pipewright made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The ServiceAccount, `namespace/name`.
    pub service_account: String,
    /// The Argo Server's SSO rule: who acts as this ServiceAccount.
    pub rule: String,
    /// What the bound Roles allow, one line per rule ("get, list, watch: workflows, pods/log").
    pub allows: Vec<String>,
    /// Whether it may read the runs' pod logs.
    pub reads_logs: bool,
    /// Whether it may act on runs (create, update or delete workflows: resubmit, retry, stop).
    pub operates: bool,
}

/// The SSO mappings of `namespace`, by ServiceAccount name.
pub fn access(objects: &[Object], namespace: &str) -> Vec<Access> {
    let mut out: Vec<Access> = objects
        .iter()
        .filter(|o| o.kind() == "ServiceAccount" && o.group().is_empty() && o.namespace() == Some(namespace))
        .filter_map(|sa| {
            let rule = sa.annotation("workflows.argoproj.io/rbac-rule")?;
            let rules = bound_rules(objects, namespace, sa.name());
            let allows = rules.iter().map(|r| format!("{}: {}", join(&r.verbs), join(&r.resources))).collect();
            let grants = |verb: &str, resource: &str| {
                rules.iter().any(|r| r.verbs.iter().any(|v| v == verb || v == "*") && r.resources.iter().any(|x| x == resource || x == "*"))
            };
            Some(Access {
                team: label(sa, "pipewright.dev/team"),
                level: label(sa, "pipewright.dev/access"),
                service_account: format!("{namespace}/{}", sa.name()),
                rule: rule.to_owned(),
                allows,
                reads_logs: grants("get", "pods/log"),
                operates: ["create", "update", "patch", "delete"].iter().any(|v| grants(v, "workflows")),
            })
        })
        .collect();
    out.sort_by(|a, b| a.service_account.cmp(&b.service_account));
    out
}

fn label(o: &Object, key: &str) -> Option<String> {
    o.0.pointer("/metadata/labels")?.get(key)?.as_str().map(str::to_owned)
}

fn join(items: &[String]) -> String {
    items.join(", ")
}

struct Rule {
    verbs: Vec<String>,
    resources: Vec<String>,
}

/// The rules of every Role and ClusterRole bound to the ServiceAccount in `namespace`.
fn bound_rules(objects: &[Object], namespace: &str, account: &str) -> Vec<Rule> {
    let rbac = |o: &&Object| o.group() == "rbac.authorization.k8s.io";
    let names_account = |binding: &Object| {
        binding.0["subjects"].as_array().into_iter().flatten().any(|s| {
            s["kind"] == "ServiceAccount"
                && s["name"].as_str() == Some(account)
                && s["namespace"].as_str().unwrap_or(namespace) == namespace
        })
    };
    let mut rules = Vec::new();
    for binding in objects
        .iter()
        .filter(rbac)
        .filter(|o| (o.kind() == "RoleBinding" && o.namespace() == Some(namespace)) || o.kind() == "ClusterRoleBinding")
    {
        if !names_account(binding) {
            continue;
        }
        let role_kind = binding.0.pointer("/roleRef/kind").and_then(Value::as_str).unwrap_or("");
        let role_name = binding.0.pointer("/roleRef/name").and_then(Value::as_str).unwrap_or("");
        let role = objects
            .iter()
            .filter(rbac)
            .find(|o| o.kind() == role_kind && o.name() == role_name && (role_kind == "ClusterRole" || o.namespace() == Some(namespace)));
        for rule in role.and_then(|r| r.0["rules"].as_array()).into_iter().flatten() {
            let strings =
                |key: &str| rule[key].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect::<Vec<_>>();
            rules.push(Rule { verbs: strings("verbs"), resources: strings("resources") });
        }
    }
    rules
}
