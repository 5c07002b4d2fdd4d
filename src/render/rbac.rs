//! Pipeline to RBAC: the ServiceAccount a pipeline runs as, its token Secret for the executor,
//! and a Role that grants only what the Argo executor needs.

use super::meta;
use crate::krm::Object;
use crate::model::Pipeline;
use k8s_openapi::api::core::v1::{Secret, ServiceAccount};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};

/// The ServiceAccount, its token Secret, the Role and the RoleBinding.
pub fn render(p: &Pipeline) -> Vec<Object> {
    let name = p.name().as_str();
    let namespace = Some(p.namespace().as_str());
    let labels = [("pipewright.dev/pipeline", name)];
    let metadata = |object_name: &str| meta::object_meta(&p.origin, object_name, namespace, &labels);
    let service_account = ServiceAccount { metadata: metadata(name), automount_service_account_token: Some(false), ..Default::default() };
    let token_name = format!("{name}.service-account-token");
    let mut token_meta = metadata(&token_name);
    token_meta.annotations.get_or_insert_default().insert("kubernetes.io/service-account.name".into(), name.into());
    let token = Secret { metadata: token_meta, type_: Some("kubernetes.io/service-account-token".into()), ..Default::default() };
    let role = Role {
        metadata: metadata(name),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec!["argoproj.io".into()]),
            resources: Some(vec!["workflowtaskresults".into()]),
            verbs: vec!["create".into(), "patch".into()],
            ..Default::default()
        }]),
    };
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
    vec![
        Object::from_serialize(&service_account),
        Object::from_serialize(&token),
        Object::from_serialize(&role),
        Object::from_serialize(&binding),
    ]
}
