//! Least-privilege checks on every generated Role and binding: no wildcard verbs, resources or
//! API groups, no `escalate`, `bind` or `impersonate`, every RoleBinding bound to a Role of its
//! own namespace from the same build, view-level Team roles that cannot change anything, and
//! one cluster-wide grant only: the read-only library reader, bound to Sensor accounts and to
//! `operate` teams (resubmit resolves templateRefs with the user's credentials), never to a
//! `view` team. Also proves that a group name able to break out of the SSO rbac-rule is rejected.

use super::support::{function, items, root};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const WRITES: [&str; 5] = ["create", "update", "patch", "delete", "deletecollection"];
/// Verbs that let a holder grant itself more than it has, or act as someone else.
const ESCALATING: [&str; 3] = ["escalate", "bind", "impersonate"];
const LIBRARY_READER: &str = "pipewright-library-reader";

fn library_reader_ref() -> Value {
    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": LIBRARY_READER})
}

/// The one cluster-scoped grant pipewright makes: read access to the library (its
/// ClusterWorkflowTemplates are cluster-scoped), bound to Sensor accounts and to the SSO
/// account of an `operate` team, once per team; never to a `view` team.
fn cluster_scoped(o: &Value, at: &str, team_bindings: &mut BTreeMap<String, usize>) -> Vec<String> {
    let mut problems = Vec::new();
    let labels = &o["metadata"]["labels"];
    let team = labels["pipewright.dev/team"].as_str();
    if o["kind"] == "ClusterRole" {
        let expected =
            json!([{"apiGroups": ["argoproj.io"], "resources": ["clusterworkflowtemplates"], "verbs": ["get", "list", "watch"]}]);
        if team.is_some() {
            problems.push(format!("{at}: a team is granted no ClusterRole of its own"));
        }
        if o["metadata"]["name"] != LIBRARY_READER || o["rules"] != expected {
            problems
                .push(format!("{at}: the only ClusterRole is the library reader, with get, list and watch on clusterworkflowtemplates"));
        }
        return problems;
    }
    if o["roleRef"] != library_reader_ref() {
        problems.push(format!("{at}: a ClusterRoleBinding may only bind the ClusterRole {LIBRARY_READER}"));
    }
    let subjects = o["subjects"].as_array().cloned().unwrap_or_default();
    match team {
        Some(team) => {
            if labels["pipewright.dev/access"] != "operate" {
                problems.push(format!("{at}: a view team is granted nothing cluster-wide"));
            }
            let account = json!([{"kind": "ServiceAccount", "name": format!("{team}.team"), "namespace": o["subjects"][0]["namespace"]}]);
            if o["subjects"] != account || !o["subjects"][0]["namespace"].is_string() {
                problems.push(format!("{at}: a team's ClusterRoleBinding binds its own SSO account {team}.team and nothing else"));
            }
            let count = team_bindings.entry(format!("{}/{team}", o["subjects"][0]["namespace"].as_str().unwrap_or(""))).or_default();
            *count += 1;
            if *count > 1 {
                problems.push(format!("{at}: an operate team has at most one ClusterRoleBinding"));
            }
        }
        None => {
            let sensors_only = !subjects.is_empty()
                && subjects.iter().all(|s| s["kind"] == "ServiceAccount" && s["name"].as_str().is_some_and(|n| n.ends_with(".sensor")));
            if !sensors_only {
                problems.push(format!("{at}: a ClusterRoleBinding without a team label may only bind Sensor accounts"));
            }
        }
    }
    problems
}

/// Every RBAC problem in `objects`, the output of one build.
pub fn check(objects: &[Value]) -> Vec<String> {
    let mut problems = Vec::new();
    let roles: BTreeSet<(&str, &str)> = objects
        .iter()
        .filter(|o| o["kind"] == "Role")
        .map(|o| (o["metadata"]["namespace"].as_str().unwrap_or(""), o["metadata"]["name"].as_str().unwrap_or("")))
        .collect();
    let mut team_bindings = BTreeMap::new();
    for o in objects {
        let at = super::support::id(o);
        let team = o["metadata"]["labels"]["pipewright.dev/team"].is_string();
        let kind = o["kind"].as_str().unwrap_or("");
        if matches!(kind, "ClusterRole" | "ClusterRoleBinding") && o["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "pipewright" {
            problems.extend(cluster_scoped(o, &at, &mut team_bindings));
        }
        if kind == "RoleBinding" {
            let namespace = o["metadata"]["namespace"].as_str().unwrap_or("");
            let role_ref = &o["roleRef"];
            let name = role_ref["name"].as_str().unwrap_or("");
            if role_ref["kind"] != "Role" || role_ref["apiGroup"] != "rbac.authorization.k8s.io" || !roles.contains(&(namespace, name)) {
                problems.push(format!(
                    "{at}: binds {} {name:?}, but a RoleBinding may only bind a Role of its own namespace emitted by the same build",
                    role_ref["kind"].as_str().unwrap_or("?")
                ));
            }
        }
        if !matches!(kind, "Role" | "ClusterRole") {
            continue;
        }
        for rule in o["rules"].as_array().into_iter().flatten() {
            for verb in rule["verbs"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if ESCALATING.contains(&verb) {
                    problems.push(format!("{at}: grants {verb:?}"));
                }
            }
        }
        if kind != "Role" {
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

/// Every valid case's output passes, one build at a time (the example tree's build is checked in
/// `kustomize`); the view and operate Roles and the team bindings are really there to check.
#[test]
fn every_generated_role_is_least_privilege() {
    let mut objects = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(root().join("tests/cases/valid")).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    for case in cases {
        let run = function(&std::fs::read(case.join("input.yaml")).unwrap());
        let built = items(&run.stdout);
        let problems = check(&built);
        assert!(problems.is_empty(), "{}:\n{}", case.display(), problems.join("\n"));
        objects.extend(built);
    }
    let with_access = |kind: &str, access: &str| {
        objects.iter().filter(|o| o["kind"] == kind && o["metadata"]["labels"]["pipewright.dev/access"] == access).count()
    };
    let (views, operates) = (with_access("Role", "view"), with_access("Role", "operate"));
    assert!(views >= 2 && operates >= 2, "too few Team Roles to prove anything: {views} view, {operates} operate");
    assert_eq!(with_access("ClusterRoleBinding", "view"), 0, "a view team got a ClusterRoleBinding");
    assert_eq!(with_access("ClusterRoleBinding", "operate"), operates, "each operate team binds the library reader once");
    let sensors = objects.iter().filter(|o| o["kind"] == "Role" && o["metadata"]["name"].as_str().is_some_and(|n| n.ends_with(".sensor")));
    for role in sensors {
        let rules = serde_json::to_string(&role["rules"]).unwrap();
        assert_eq!(
            rules,
            r#"[{"apiGroups":["argoproj.io"],"resources":["workflows"],"verbs":["create","list"]},{"apiGroups":["argoproj.io"],"resources":["workflowtemplates"],"verbs":["get"]}]"#
        );
    }
}

/// Each rule fires on an object built to break it.
#[test]
fn the_check_catches_broad_roles() {
    let bad: Vec<Value> = serde_json::from_str(r#"[
        {"kind": "Role", "metadata": {"name": "a.team", "namespace": "n", "labels": {"pipewright.dev/team": "a", "pipewright.dev/access": "view"}},
         "rules": [{"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["get", "patch"]},
                   {"apiGroups": [""], "resources": ["*"], "verbs": ["get"]},
                   {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]},
                   {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["escalate", "bind"]},
                   {"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]}]},
        {"kind": "ClusterRoleBinding", "metadata": {"name": "b", "labels": {"pipewright.dev/team": "a", "pipewright.dev/access": "view", "app.kubernetes.io/managed-by": "pipewright"}},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pipewright-library-reader"},
         "subjects": [{"kind": "ServiceAccount", "name": "a.team", "namespace": "n"}]},
        {"kind": "ClusterRole", "metadata": {"name": "pipewright-library-reader", "labels": {"app.kubernetes.io/managed-by": "pipewright"}},
         "rules": [{"apiGroups": ["argoproj.io"], "resources": ["clusterworkflowtemplates", "workflows"], "verbs": ["get", "list"]}]},
        {"kind": "ClusterRole", "metadata": {"name": "x", "labels": {"pipewright.dev/team": "o", "app.kubernetes.io/managed-by": "pipewright"}},
         "rules": [{"apiGroups": ["argoproj.io"], "resources": ["clusterworkflowtemplates"], "verbs": ["get", "list", "watch"]}]},
        {"kind": "ClusterRoleBinding", "metadata": {"name": "c", "labels": {"app.kubernetes.io/managed-by": "pipewright"}},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pipewright-library-reader"},
         "subjects": [{"kind": "ServiceAccount", "name": "payments.team", "namespace": "n"}]},
        {"kind": "ClusterRoleBinding", "metadata": {"name": "d", "labels": {"pipewright.dev/team": "o", "pipewright.dev/access": "operate", "app.kubernetes.io/managed-by": "pipewright"}},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
         "subjects": [{"kind": "ServiceAccount", "name": "o.team", "namespace": "n"}]},
        {"kind": "ClusterRoleBinding", "metadata": {"name": "e", "labels": {"pipewright.dev/team": "o", "pipewright.dev/access": "operate", "app.kubernetes.io/managed-by": "pipewright"}},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pipewright-library-reader"},
         "subjects": [{"kind": "ServiceAccount", "name": "o.team", "namespace": "n"}, {"kind": "ServiceAccount", "name": "default", "namespace": "n"}]},
        {"kind": "RoleBinding", "metadata": {"name": "o.team", "namespace": "n", "labels": {"pipewright.dev/team": "o"}},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"}},
        {"kind": "RoleBinding", "metadata": {"name": "a.team", "namespace": "other", "labels": {"pipewright.dev/team": "a"}},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "a.team"}},
        {"kind": "RoleBinding", "metadata": {"name": "a.team", "namespace": "n", "labels": {"pipewright.dev/team": "a"}},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "a.team"}}
    ]"#).unwrap();
    let problems = check(&bad);
    let text = problems.join("\n");
    for expected in [
        "view access grants \"patch\"",
        "wildcard resources",
        "reads Secrets without naming them",
        "grants \"escalate\"",
        "grants \"bind\"",
        "grants \"impersonate\"",
        "ClusterRoleBinding/b: a view team is granted nothing cluster-wide",
        "ClusterRole/pipewright-library-reader: the only ClusterRole is the library reader",
        "ClusterRole/x: a team is granted no ClusterRole of its own",
        "ClusterRole/x: the only ClusterRole is the library reader",
        "ClusterRoleBinding/c: a ClusterRoleBinding without a team label may only bind Sensor accounts",
        "ClusterRoleBinding/d: a ClusterRoleBinding may only bind the ClusterRole pipewright-library-reader",
        "ClusterRoleBinding/e: a team's ClusterRoleBinding binds its own SSO account o.team and nothing else",
        "ClusterRoleBinding/e: an operate team has at most one ClusterRoleBinding",
        "RoleBinding/n/o.team: binds ClusterRole \"admin\"",
        "RoleBinding/other/a.team: binds Role \"a.team\"",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
    // A RoleBinding to a Role of its own namespace from the same build is fine.
    assert!(!text.contains("RoleBinding/n/a.team"), "{text}");
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
