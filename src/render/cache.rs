//! Pipeline to its dependency cache: a PersistentVolumeClaim named `<pipeline>-cache` that
//! outlives runs, and the workflow-level volume that mounts it (an `emptyDir` when the cache is
//! off, so the library's templates mount the same volume name either way).

use super::contract::CACHE_VOLUME;
use super::meta;
use crate::krm::Object;
use crate::model::{Cache, ClaimSettings, Pipeline};
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

/// The cache settings, when the cache is on and a toolchain step (deps, lint or test) runs.
fn settings(p: &Pipeline) -> Option<&Cache> {
    let used = [&p.steps.deps, &p.steps.lint, &p.steps.test].iter().any(|s| s.enabled());
    (used && p.cache != Cache::Off).then_some(&p.cache)
}

/// The claim, when the cache is used. Argo CD keeps it across runs (it is an ordinary object
/// of the build) and deletes it with the Pipeline.
pub fn claim(p: &Pipeline) -> Option<Object> {
    let Some(Cache::Volume(ClaimSettings { size, storage_class, access_mode })) = settings(p) else { return None };
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
    match settings(p) {
        Some(_) => Volume {
            name: CACHE_VOLUME.into(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource { claim_name: claim_name(p), read_only: None }),
            ..Default::default()
        },
        None => Volume { name: CACHE_VOLUME.into(), empty_dir: Some(EmptyDirVolumeSource::default()), ..Default::default() },
    }
}
