//! The `build` template: a rootless BuildKit build that pushes `image:image_tag`.

use super::container::{LARGE, env, hardened_container, input, network_retry, step, workspace_mount};
use crate::argo::{Outputs, Parameter, Template};
use crate::model::Platform;
use crate::render::contract::{SOURCE_PATH, output, param, template};
use crate::render::scripts;
use k8s_openapi::api::core::v1::{KeyToPath, PodSecurityContext, SeccompProfile, SecretVolumeSource, SecurityContext, Volume, VolumeMount};

pub(super) fn build(platform: &Platform) -> Template {
    const BUILDER_USER: i64 = 1000;
    let mut c = hardened_container(platform.images.builder.as_str(), LARGE);
    c.command = Some(vec!["sh".into(), "-c".into(), scripts::BUILD.into()]);
    c.env = Some(vec![
        env("IMAGE", &input(param::IMAGE)),
        env("IMAGE_TAG", &input(param::IMAGE_TAG)),
        env("PUSH", &input(param::PUSH)),
        env("PW_CONTEXT", &format!("{SOURCE_PATH}/{}", input(param::CONTEXT_DIR))),
        env("DOCKERFILE", &input(param::DOCKERFILE)),
        env("BUILD_ARGS", &input(param::BUILD_ARGS)),
        env("TARGET", &input(param::TARGET)),
        env("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"),
        env("DOCKER_CONFIG", "/home/user/.docker"),
        env("CACHE_TAG", platform.build_cache_tag.as_deref().unwrap_or("")),
    ]);
    // Rootless BuildKit needs its user namespace helpers (setuid newuidmap) and an
    // unconfined seccomp profile: the one documented exception to the hardening rules.
    c.security_context = Some(SecurityContext {
        allow_privilege_escalation: Some(true),
        run_as_non_root: Some(true),
        run_as_user: Some(BUILDER_USER),
        run_as_group: Some(BUILDER_USER),
        seccomp_profile: Some(SeccompProfile { type_: "Unconfined".into(), localhost_profile: None }),
        app_armor_profile: Some(k8s_openapi::api::core::v1::AppArmorProfile { type_: "Unconfined".into(), localhost_profile: None }),
        ..Default::default()
    });
    c.volume_mounts = Some(vec![
        workspace_mount(),
        VolumeMount {
            name: "registry-credentials".into(),
            mount_path: "/home/user/.docker".into(),
            read_only: Some(true),
            ..Default::default()
        },
        VolumeMount { name: "buildkit-state".into(), mount_path: "/home/user/.local/share/buildkit".into(), ..Default::default() },
    ]);
    let mut t = step(
        template::BUILD,
        vec![
            Parameter::required(param::CONTEXT_DIR, "The directory holding the Dockerfile, inside the repository."),
            Parameter::required(param::IMAGE, "The image repository to push to."),
            Parameter::required(param::IMAGE_TAG, "The tag to push."),
            Parameter::with_default(param::PUSH, "true", "true to push the image, false to build only (pull requests)."),
            Parameter::with_default(param::DOCKERFILE, "Dockerfile", "The Dockerfile, relative to the context directory."),
            Parameter::with_default(
                param::BUILD_ARGS,
                "",
                "Build arguments, one NAME=value per line, each passed to BuildKit as one argument.",
            ),
            Parameter::with_default(param::TARGET, "", "The Dockerfile stage to build; empty builds the last one."),
        ],
        c,
    );
    t.security_context = Some(PodSecurityContext { run_as_non_root: Some(true), ..Default::default() });
    t.volumes = vec![
        Volume {
            name: "registry-credentials".into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(platform.registry_secret.as_str().into()),
                items: Some(vec![KeyToPath { key: ".dockerconfigjson".into(), path: "config.json".into(), mode: None, user: None }]),
                optional: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        },
        Volume { name: "buildkit-state".into(), empty_dir: Some(Default::default()), ..Default::default() },
    ];
    t.outputs = Some(Outputs { parameters: vec![Parameter::from_path(output::DIGEST, "/tmp/pipewright/digest")], ..Default::default() });
    t.retry_strategy = Some(network_retry());
    t
}
