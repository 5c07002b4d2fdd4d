//! Least-privilege checks on every generated Role: no wildcard verbs, resources or API groups,
//! no cluster-wide grant but the library reader for Sensors (never for a team), and view-level
//! Team roles that cannot change anything.
//! Also proves that a group name able to break out of the SSO rbac-rule is rejected.

use super::support::{function, items, root};
use serde_json::Value;

const WRITES: [&str; 5] = ["create", "update", "patch", "delete", "deletecollection"];

/// The one cluster-scoped grant pipewright makes: read access to the library (its
/// ClusterWorkflowTemplates are cluster-scoped), bound only to Sensor accounts, never to a team.
fn cluster_scoped(o: &Value, at: &str, team: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if team {
        problems.push(format!("{at}: a team is granted nothing cluster-wide"));
    }
    match o["kind"].as_str() {
        Some("ClusterRole") => {
            let expected = serde_json::json!([{"apiGroups": ["argoproj.io"], "resources": ["clusterworkflowtemplates"], "verbs": ["get", "list", "watch"]}]);
            if o["metadata"]["name"] != "pipewright-library-reader" || o["rules"] != expected {
                problems.push(format!(
                    "{at}: the only ClusterRole is the library reader, with get, list and watch on clusterworkflowtemplates"
                ));
            }
        }
        _ => {
            let subjects = o["subjects"].as_array().cloned().unwrap_or_default();
            let sensors_only = !subjects.is_empty()
                && subjects.iter().all(|s| s["kind"] == "ServiceAccount" && s["name"].as_str().is_some_and(|n| n.ends_with(".sensor")));
            if o["roleRef"]["name"] != "pipewright-library-reader" || !sensors_only {
                problems.push(format!("{at}: a ClusterRoleBinding may only bind the library reader to Sensor accounts"));
            }
        }
    }
    problems
}

/// Every RBAC problem in `objects`.
pub fn check(objects: &[Value]) -> Vec<String> {
    let mut problems = Vec::new();
    for o in objects {
        let at = super::support::id(o);
        let team = o["metadata"]["labels"]["pipewright.dev/team"].is_string();
        if matches!(o["kind"].as_str(), Some("ClusterRole" | "ClusterRoleBinding"))
            && o["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "pipewright"
        {
            problems.extend(cluster_scoped(o, &at, team));
        }
        if o["kind"] != "Role" {
            continue;
        }
        let view = o["metadata"]["labels"]["pipewright.dev/access"] == "view";
        if team && !o["metadata"]["labels"]["pipewright.dev/access"].is_string() {
            problems.push(format!("{at}: a Team Role without an access label"));
        }
        for rule in o["rules"].as_array().into_iter().flatten() {
            for field in ["verbs", "resources", "apiGroups"] {
                for v in rule[field].as_array().into_iter().flatten().filter_map(Value::as_str) {
                    if v.contains('*') {
                        problems.push(format!("{at}: wildcard {field} {v:?}"));
                    }
                }
            }
            for verb in rule["verbs"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if view && WRITES.contains(&verb) {
                    problems.push(format!("{at}: view access grants {verb:?}"));
                }
            }
            if rule["resources"].as_array().into_iter().flatten().any(|r| r == "secrets")
                && rule["resourceNames"].as_array().is_none_or(|n| n.is_empty())
            {
                problems.push(format!("{at}: reads Secrets without naming them"));
            }
        }
    }
    problems
}

/// Every valid case's output and the example tree pass; the view Roles are really checked.
#[test]
fn every_generated_role_is_least_privilege() {
    let mut objects = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(root().join("tests/cases/valid")).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    for case in cases {
        let run = function(&std::fs::read(case.join("input.yaml")).unwrap());
        objects.extend(items(&run.stdout));
    }
    let problems = check(&objects);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let views = objects.iter().filter(|o| o["kind"] == "Role" && o["metadata"]["labels"]["pipewright.dev/access"] == "view").count();
    let operates = objects.iter().filter(|o| o["kind"] == "Role" && o["metadata"]["labels"]["pipewright.dev/access"] == "operate").count();
    assert!(views >= 2 && operates >= 2, "too few Team Roles to prove anything: {views} view, {operates} operate");
    let sensors = objects.iter().filter(|o| o["kind"] == "Role" && o["metadata"]["name"].as_str().is_some_and(|n| n.ends_with(".sensor")));
    for role in sensors {
        let rules = serde_json::to_string(&role["rules"]).unwrap();
        assert_eq!(
            rules,
            r#"[{"apiGroups":["argoproj.io"],"resources":["workflows"],"verbs":["create","list"]},{"apiGroups":["argoproj.io"],"resources":["workflowtemplates"],"verbs":["get"]}]"#
        );
    }
}

#[test]
fn the_check_catches_broad_roles() {
    let bad: Vec<Value> = serde_json::from_str(r#"[
        {"kind": "Role", "metadata": {"name": "a.team", "labels": {"pipewright.dev/team": "a", "pipewright.dev/access": "view"}},
         "rules": [{"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["get", "patch"]},
                   {"apiGroups": [""], "resources": ["*"], "verbs": ["get"]},
                   {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]},
        {"kind": "ClusterRoleBinding", "metadata": {"name": "b", "labels": {"pipewright.dev/team": "a", "app.kubernetes.io/managed-by": "pipewright"}}},
        {"kind": "ClusterRole", "metadata": {"name": "pipewright-library-reader", "labels": {"app.kubernetes.io/managed-by": "pipewright"}},
         "rules": [{"apiGroups": ["argoproj.io"], "resources": ["clusterworkflowtemplates", "workflows"], "verbs": ["get", "list"]}]},
        {"kind": "ClusterRoleBinding", "metadata": {"name": "c", "labels": {"app.kubernetes.io/managed-by": "pipewright"}},
         "roleRef": {"kind": "ClusterRole", "name": "pipewright-library-reader"}, "subjects": [{"kind": "ServiceAccount", "name": "payments.team", "namespace": "n"}]}
    ]"#).unwrap();
    let text = check(&bad).join("\n");
    for expected in [
        "view access grants \"patch\"",
        "wildcard resources",
        "reads Secrets without naming them",
        "a team is granted nothing cluster-wide",
        "the only ClusterRole is the library reader",
        "may only bind the library reader to Sensor accounts",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
}

/// A group name that could escape its string literal in the rbac-rule is refused, with the
/// field named, and nothing is emitted.
#[test]
fn group_names_cannot_inject_into_the_rbac_rule() {
    for hostile in ["x' || true || 'y", "x\" in groups || \"y", "a||b", "a && b", "(admins)", "a\\\\b", "`x`", "{{x}}"] {
        let input = format!(
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: pipewright.dev/v1alpha1\n  kind: Team\n  metadata: {{name: t, namespace: n}}\n  spec:\n    groups: [ok-group, {}]\n",
            serde_json::to_string(hostile).unwrap()
        );
        let run = function(input.as_bytes());
        assert_eq!(run.code, 1, "{hostile:?} was accepted:\n{}", run.stdout);
        assert!(
            run.stderr.contains("spec.groups[1]") && run.stderr.contains("could break out of the rbac-rule expression"),
            "{hostile:?}: {}",
            run.stderr
        );
        assert!(items(&run.stdout).is_empty(), "{hostile:?}: objects were emitted");
    }
}
