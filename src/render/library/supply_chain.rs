//! The `provenance` template and the steps it runs after the build, each keyed on the pushed
//! image's digest: an SPDX SBOM (syft), a cosign signature (keyless or key-based) and the SBOM
//! as a signed attestation. The Platform switches each on or off; with all off it is a no-op.

use super::container::{
    MEDIUM, SMALL, env, hardened_container, input, network_retry, noop, registry_credentials, secret_env, step, workspace_mount,
};
use crate::argo::{Dag, Parameter, Task, Template};
use crate::model::{Platform, Signing};
use crate::render::contract::{SBOM_PATH, param, template};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, ProjectedVolumeSource, ServiceAccountTokenProjection, Volume, VolumeMount, VolumeProjection,
};

/// Where cosign reads the pipeline ServiceAccount's OIDC token for keyless signing.
const OIDC_TOKEN_DIR: &str = "/var/run/sigstore/cosign";
/// The audience Fulcio expects on that token.
const OIDC_AUDIENCE: &str = "sigstore";
/// syft's binary in the `anchore/syft` image (`FROM scratch`, `ENTRYPOINT ["/syft"]`).
const SYFT: &str = "/syft";
/// cosign's binary in the ko-built `gcr.io/projectsigstore/cosign` image.
const COSIGN: &str = "/ko-app/cosign";
/// A writable scratch directory for the SBOM step, and its volume.
const TMP_DIR: &str = "/tmp";
const TMP_VOLUME: &str = "tmp";

fn inputs() -> Vec<Parameter> {
    vec![Parameter::required(param::IMAGE, "The image repository."), Parameter::required(param::DIGEST, "The pushed image's digest.")]
}

fn image_ref() -> String {
    format!("{}@{}", input(param::IMAGE), input(param::DIGEST))
}

fn pass_inputs() -> Vec<Parameter> {
    [param::IMAGE, param::DIGEST].map(|p| Parameter::value(p, input(p))).to_vec()
}

/// Every template of the family: `provenance` first, then the steps it calls.
pub(super) fn templates(platform: &Platform) -> Vec<Template> {
    let sc = &platform.supply_chain;
    let mut steps: Vec<(Template, Option<&str>)> = Vec::new();
    if sc.sbom {
        steps.push((sbom(platform), None));
    }
    if sc.signing != Signing::Off {
        steps.push((cosign(platform, template::SIGN), None));
        if sc.attest_sbom {
            steps.push((cosign(platform, template::ATTEST), Some(template::SBOM)));
        }
    }
    if steps.is_empty() {
        return vec![noop(template::PROVENANCE, inputs())];
    }
    let tasks = steps
        .iter()
        .map(|(t, after)| Task {
            name: t.name.clone(),
            template: Some(t.name.clone()),
            depends: after.map(str::to_owned),
            arguments: Some(crate::argo::Arguments { parameters: pass_inputs() }),
            ..Default::default()
        })
        .collect();
    let provenance = Template {
        name: template::PROVENANCE.into(),
        inputs: Some(crate::argo::Inputs { parameters: inputs() }),
        dag: Some(Dag { tasks }),
        ..Default::default()
    };
    std::iter::once(provenance).chain(steps.into_iter().map(|(t, _)| t)).collect()
}

fn with_registry(platform: &Platform, mut c: Container, name: &str) -> Template {
    let (volume, mount, docker_config) = registry_credentials(platform.registry_secret.as_str());
    c.volume_mounts.get_or_insert_default().push(mount);
    c.env.get_or_insert_default().push(docker_config);
    let mut t = step(name, inputs(), c);
    t.volumes.push(volume);
    t.retry_strategy = Some(network_retry());
    t
}

/// The syft image is `FROM scratch`: the binary is `/syft` (no shell, no PATH lookup), and its
/// `/tmp` is root-owned, so the step mounts an `emptyDir` there for syft's temporary files.
fn sbom(platform: &Platform) -> Template {
    let mut c = hardened_container(platform.images.sbom.as_str(), MEDIUM);
    c.command = Some(vec![SYFT.into()]);
    c.args = Some(vec!["scan".into(), format!("registry:{}", image_ref()), "--output".into(), format!("spdx-json={SBOM_PATH}")]);
    c.env = Some(vec![env("HOME", TMP_DIR), env("TMPDIR", TMP_DIR), env("SYFT_CHECK_FOR_APP_UPDATE", "false")]);
    c.volume_mounts =
        Some(vec![workspace_mount(), VolumeMount { name: TMP_VOLUME.into(), mount_path: TMP_DIR.into(), ..Default::default() }]);
    let mut t = with_registry(platform, c, template::SBOM);
    t.volumes.push(Volume { name: TMP_VOLUME.into(), empty_dir: Some(EmptyDirVolumeSource::default()), ..Default::default() });
    t
}

/// `cosign sign` or `cosign attest` of the digest, with the Platform's signing mode.
fn cosign(platform: &Platform, which: &str) -> Template {
    let mut c = hardened_container(platform.images.signer.as_str(), SMALL);
    c.command = Some(vec![COSIGN.into()]);
    let mut args = vec![which.to_owned(), "--yes".into()];
    if which == template::ATTEST {
        args.extend(["--type".into(), "spdxjson".into(), "--predicate".into(), SBOM_PATH.into()]);
    }
    let mut vars = vec![env("HOME", "/tmp")];
    let mut oidc = None;
    match &platform.supply_chain.signing {
        Signing::Keyless { fulcio_url, rekor_url } => {
            args.push(format!("--fulcio-url={fulcio_url}"));
            args.push(format!("--rekor-url={rekor_url}"));
            args.push(format!("--identity-token={OIDC_TOKEN_DIR}/oidc-token"));
            oidc = Some(oidc_token_volume());
        }
        Signing::Key { secret, rekor_url } => {
            args.push("--key=env://COSIGN_PRIVATE_KEY".into());
            args.push(format!("--rekor-url={rekor_url}"));
            vars.push(secret_env("COSIGN_PRIVATE_KEY", secret.as_str(), "cosign.key"));
            vars.push(secret_env("COSIGN_PASSWORD", secret.as_str(), "cosign.password"));
        }
        Signing::Off => {}
    }
    args.push(image_ref());
    c.args = Some(args);
    c.env = Some(vars);
    if which == template::ATTEST {
        c.volume_mounts = Some(vec![workspace_mount()]);
    }
    if oidc.is_some() {
        c.volume_mounts.get_or_insert_default().push(VolumeMount {
            name: "oidc-token".into(),
            mount_path: OIDC_TOKEN_DIR.into(),
            read_only: Some(true),
            ..Default::default()
        });
    }
    let mut t = with_registry(platform, c, which);
    t.volumes.extend(oidc);
    t
}

/// The pipeline ServiceAccount's token for the `sigstore` audience, projected for ten minutes.
/// Fulcio must trust the cluster's OIDC issuer (see the README).
fn oidc_token_volume() -> Volume {
    Volume {
        name: "oidc-token".into(),
        projected: Some(ProjectedVolumeSource {
            sources: Some(vec![VolumeProjection {
                service_account_token: Some(ServiceAccountTokenProjection {
                    audience: Some(OIDC_AUDIENCE.into()),
                    expiration_seconds: Some(600),
                    path: "oidc-token".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }
}
