//! Pipeline to its dependency cache: a PersistentVolumeClaim named `<pipeline>-cache` that
//! outlives runs, and the workflow-level volume that mounts it (an `emptyDir` when the cache is
//! off, so the library's templates mount the same volume name either way).

use super::contract::CACHE_VOLUME;
use super::meta;
use crate::krm::Object;
use crate::model::{Cache, Pipeline};
use k8s_openapi::api::core::v1::{
    EmptyDirVolumeSource, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, Volume,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

/// The cache claim's name.
pub fn claim_name(p: &Pipeline) -> String {
    format!("{}-cache", p.name())
}

/// The claim, when the cache is on. Argo CD keeps it (it is not pruned between runs) and
/// deletes it with the Pipeline.
pub fn claim(p: &Pipeline) -> Option<Object> {
    let Cache::Volume { size, storage_class, access_mode } = &p.cache else { return None };
    let name = p.name().as_str();
    let claim = PersistentVolumeClaim {
        metadata: meta::object_meta(&p.origin, &claim_name(p), Some(p.namespace().as_str()), &[("pipewright.dev/pipeline", name)]),
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec![access_mode.as_str().into()]),
            storage_class_name: storage_class.as_ref().map(|c| c.to_string()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".into(), Quantity(size.to_string()))])),
                limits: None,
            }),
            ..Default::default()
        }),
        status: None,
    };
    Some(Object::from_serialize(&claim))
}

/// The workflow-level `cache` volume.
pub fn volume(p: &Pipeline) -> Volume {
    match p.cache {
        Cache::Volume { .. } => Volume {
            name: CACHE_VOLUME.into(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource { claim_name: claim_name(p), read_only: None }),
            ..Default::default()
        },
        Cache::Off => Volume { name: CACHE_VOLUME.into(), empty_dir: Some(EmptyDirVolumeSource::default()), ..Default::default() },
    }
}
