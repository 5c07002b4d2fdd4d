//! RBAC objects: the ServiceAccount a pipeline runs as, its token Secret for the executor,
//! and a Role that grants only what the Argo executor needs. [`account`] builds the same
//! four objects for Teams and Sensors.

use super::meta;
use crate::krm::Object;
use crate::model::{Origin, Pipeline};
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use std::collections::BTreeMap;

/// A ServiceAccount (with extra annotations), its `<name>.service-account-token` Secret, and
/// a Role with `rules` bound to it, all named `name`.
pub struct Account<'a> {
    /// The spec they come from.
    pub origin: &'a Origin,
    /// The name of all four objects (the Secret adds `.service-account-token`).
    pub name: &'a str,
    /// Their namespace.
    pub namespace: &'a str,
    /// Labels besides the managed-by label.
    pub labels: &'a [(&'a str, &'a str)],
    /// Extra ServiceAccount annotations.
    pub annotations: BTreeMap<String, String>,
    /// The Role's rules.
    pub rules: Vec<PolicyRule>,
    /// Whether the account gets a long-lived token Secret (and no automounted token), as
    /// Argo's executor and SSO need; otherwise its pods get the usual projected token.
    pub token_secret: bool,
}

/// One policy rule.
pub fn rule(group: &str, resources: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![group.into()]),
        resources: Some(resources.iter().map(|r| (*r).into()).collect()),
        verbs: verbs.iter().map(|v| (*v).into()).collect(),
        ..Default::default()
    }
}

/// The ServiceAccount, its token Secret, the Role and the RoleBinding.
pub fn account(a: Account<'_>) -> Vec<Object> {
    let name = a.name;
    let namespace = Some(a.namespace);
    let metadata = |object_name: &str| meta::object_meta(a.origin, object_name, namespace, a.labels);
    let mut sa_meta = metadata(name);
    sa_meta.annotations.get_or_insert_default().extend(a.annotations);
    let automount = a.token_secret.then_some(false);
    let service_account = ServiceAccount { metadata: sa_meta, automount_service_account_token: automount, ..Default::default() };
    let token_name = format!("{name}.service-account-token");
    let mut token_meta = metadata(&token_name);
    token_meta.annotations.get_or_insert_default().insert("kubernetes.io/service-account.name".into(), name.into());
    let token = Secret { metadata: token_meta, type_: Some("kubernetes.io/service-account-token".into()), ..Default::default() };
    let role = Role { metadata: metadata(name), rules: Some(a.rules) };
    let binding = RoleBinding {
        metadata: metadata(name),
        role_ref: RoleRef { api_group: Some("rbac.authorization.k8s.io".into()), kind: "Role".into(), name: name.into() },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: name.into(),
            namespace: namespace.map(str::to_owned),
            api_group: None,
        }]),
    };
    let mut out = vec![Object::from_serialize(&service_account)];
    if a.token_secret {
        out.push(Object::from_serialize(&token));
    }
    out.extend([Object::from_serialize(&role), Object::from_serialize(&binding)]);
    out
}

/// The pipeline's ServiceAccount, token Secret, Role and RoleBinding.
pub fn render(p: &Pipeline) -> Vec<Object> {
    let name = p.name().as_str();
    account(Account {
        origin: &p.origin,
        name,
        namespace: p.namespace().as_str(),
        labels: &[("pipewright.dev/pipeline", name)],
        annotations: BTreeMap::new(),
        rules: vec![rule("argoproj.io", &["workflowtaskresults"], &["create", "patch"])],
        token_secret: true,
    })
}

/// The ClusterRole that reads the library: `get`, `list` and `watch` on ClusterWorkflowTemplates,
/// which are cluster-scoped, so no Role can grant it. The Platform emits it once. All three
/// verbs are needed: the `argo` CLI (which Argo Events submits with) checks for each of them
/// (`HasAccessToClusterWorkflowTemplates`) and, missing one, resolves no `clusterScope`
/// templateRef at all.
pub const LIBRARY_READER: &str = "pipewright-library-reader";

/// The library-reader ClusterRole.
pub fn library_reader(origin: &Origin) -> Object {
    use k8s_openapi::api::rbac::v1::ClusterRole;
    Object::from_serialize(&ClusterRole {
        metadata: meta::object_meta(origin, LIBRARY_READER, None, &[]),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec!["argoproj.io".into()]),
            resources: Some(vec!["clusterworkflowtemplates".into()]),
            verbs: vec!["get".into(), "list".into(), "watch".into()],
            ..Default::default()
        }]),
        aggregation_rule: None,
    })
}

/// Binds the library-reader ClusterRole to one ServiceAccount: what a Sensor needs, because
/// Argo Events submits with the `argo` CLI, which resolves every `templateRef` (and so reads
/// the library's ClusterWorkflowTemplates) before it creates the Workflow; and what an
/// `operate` Team needs, because the Argo Server resubmits with the user's own credentials.
pub fn library_reader_binding(origin: &Origin, account: &str, namespace: &str, labels: &[(&str, &str)]) -> Object {
    use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
    let name = format!("{LIBRARY_READER}.{namespace}.{account}");
    Object::from_serialize(&ClusterRoleBinding {
        metadata: meta::object_meta(origin, &name, None, labels),
        role_ref: RoleRef { api_group: Some("rbac.authorization.k8s.io".into()), kind: "ClusterRole".into(), name: LIBRARY_READER.into() },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: account.into(),
            namespace: Some(namespace.into()),
            api_group: None,
        }]),
    })
}
