//! Pipeline to its dependency cache: a PersistentVolumeClaim named `<pipeline>-cache` that
//! outlives runs, and the workflow-level volume that mounts it (an `emptyDir` when the cache is
//! off, so the library's templates mount the same volume name either way). Pull requests run
//! code that anyone may have written, with the cache mounted read-write: with pull-request
//! triggers a second claim, `<pipeline>-cache-pr`, is theirs, named by the `cache_claim`
//! argument the Sensor passes, so nothing a pull request writes reaches a trusted run.

use super::contract::{CACHE_VOLUME, param};
use super::meta;
use crate::argo::Parameter;
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

/// The pull requests' own cache claim's name.
fn pull_request_claim_name(p: &Pipeline) -> String {
    format!("{}-cache-pr", p.name())
}

/// The cache settings, when the cache is on and a toolchain step (deps, lint or test) runs.
fn settings(p: &Pipeline) -> Option<&Cache> {
    let used = [&p.steps.deps, &p.steps.lint, &p.steps.test].iter().any(|s| s.enabled());
    (used && p.cache != Cache::Off).then_some(&p.cache)
}

/// The claims, when the cache is used: the pipeline's, and the pull requests' when they trigger
/// runs. Argo CD keeps them across runs (they are ordinary objects of the build) and deletes
/// them with the Pipeline.
pub fn claims(p: &Pipeline) -> Vec<Object> {
    let Some(Cache::Volume(settings)) = settings(p) else { return Vec::new() };
    let mut names = vec![claim_name(p)];
    if p.triggers.pull_requests {
        names.push(pull_request_claim_name(p));
    }
    names.iter().map(|n| claim(p, n, settings)).collect()
}

/// One claim named `named`, with the cache's settings.
fn claim(p: &Pipeline, named: &str, ClaimSettings { size, storage_class, access_mode }: &ClaimSettings) -> Object {
    let name = p.name().as_str();
    let claim = PersistentVolumeClaim {
        metadata: meta::object_meta(&p.origin, named, Some(p.namespace().as_str()), &[("pipewright.dev/pipeline", name)]),
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
    Object::from_serialize(&claim)
}

/// The WorkflowTemplate's `cache_claim` argument, when the cache is used: the pipeline's claim.
pub fn argument(p: &Pipeline) -> Option<Parameter> {
    settings(p).map(|_| Parameter::value(param::CACHE_CLAIM, claim_name(p)))
}

/// What a pull request's run passes as `cache_claim`: the pull requests' own claim.
pub fn pull_request_argument(p: &Pipeline) -> Option<Parameter> {
    settings(p).filter(|_| p.triggers.pull_requests).map(|_| Parameter::value(param::CACHE_CLAIM, pull_request_claim_name(p)))
}

/// The workflow-level `cache` volume.
pub fn volume(p: &Pipeline) -> Volume {
    match settings(p) {
        Some(_) => Volume {
            name: CACHE_VOLUME.into(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: format!("{{{{workflow.parameters.{}}}}}", param::CACHE_CLAIM),
                read_only: None,
            }),
            ..Default::default()
        },
        None => Volume { name: CACHE_VOLUME.into(), empty_dir: Some(EmptyDirVolumeSource::default()), ..Default::default() },
    }
}
