//! Metadata every generated object carries: who manages it and which spec it came from.

use crate::model::Origin;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The annotation that names the spec an object was generated from. pipewright replaces
/// objects that carry it when it runs again, and prunes those whose spec is gone.
pub const GENERATED_FROM: &str = "pipewright.dev/generated-from";
/// The standard label that says pipewright manages an object.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";

/// Metadata for an object generated from `origin`.
pub fn object_meta(origin: &Origin, name: &str, namespace: Option<&str>, extra_labels: &[(&str, &str)]) -> ObjectMeta {
    let mut labels = BTreeMap::from([(MANAGED_BY_LABEL.to_owned(), "pipewright".to_owned())]);
    for (k, v) in extra_labels {
        labels.insert((*k).to_owned(), (*v).to_owned());
    }
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: namespace.map(str::to_owned),
        labels: Some(labels),
        annotations: Some(BTreeMap::from([(GENERATED_FROM.to_owned(), origin.to_string())])),
        ..Default::default()
    }
}
