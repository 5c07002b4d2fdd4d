//! The clone templates: a shallow git clone of `repo_url` at `revision` into the workspace,
//! for public repositories (`clone`), over HTTPS with a token (`clone-https`) and over SSH with
//! a key and strict host keys (`clone-ssh`). The credentials Secret is a template-level volume
//! named by an input, so it travels with `templateRef` and never reaches an argument or the log.

use super::container::{SMALL, env, hardened_container, input, network_retry, step, workspace_mount};
use crate::argo::{Outputs, Parameter, Template};
use crate::model::Platform;
use crate::render::contract::{GIT_CREDENTIALS_VOLUME, GLOBAL_COMMIT, SOURCE_PATH, event, output, param, template};
use crate::render::scripts;
use k8s_openapi::api::core::v1::{SecretVolumeSource, Volume, VolumeMount};

/// Where a private repository's credentials Secret is mounted.
const CREDENTIALS_PATH: &str = "/etc/pipewright/git";
/// OpenSSH refuses to run for a uid without a passwd entry; `nobody` (65534) has one in Alpine
/// and Debian images alike. The pod keeps group 65532, and the clone's umask 0002 keeps the
/// tree writable for the steps that run as 65532.
const NOBODY: i64 = 65534;

/// How a clone template authenticates.
#[derive(Clone, Copy)]
enum Auth {
    None,
    Https,
    Ssh,
}

/// The three clone templates.
pub(super) fn templates(platform: &Platform) -> Vec<Template> {
    [(template::CLONE, Auth::None), (template::CLONE_HTTPS, Auth::Https), (template::CLONE_SSH, Auth::Ssh)]
        .into_iter()
        .map(|(name, auth)| clone(platform, name, auth))
        .collect()
}

fn clone(platform: &Platform, name: &str, auth: Auth) -> Template {
    let mut c = hardened_container(platform.images.git.as_str(), SMALL);
    c.command = Some(vec!["sh".into(), "-c".into(), scripts::CLONE.into()]);
    let mut vars = vec![
        env("REPO_URL", &input(param::REPO_URL)),
        env("REVISION", &input(param::REVISION)),
        env("COMMIT", &input(param::COMMIT)),
        env("IMAGE_TAG", &input(param::IMAGE_TAG)),
        env("DEPTH", &input(param::DEPTH)),
        env("SUBMODULES", &input(param::SUBMODULES)),
        env("EVENT", &input(param::EVENT)),
        env("PW_SOURCE", SOURCE_PATH),
        env("HOME", "/tmp"),
        // With credentials, no http (the script sets the same): a submodule URL from
        // `.gitmodules` cannot move the clone to a transport that would carry them in clear.
        // An SSH key only ever goes over ssh, so public https submodules stay reachable.
        env(
            "GIT_ALLOW_PROTOCOL",
            match auth {
                Auth::None => "https:http:ssh",
                Auth::Https => "https",
                Auth::Ssh => "ssh:https",
            },
        ),
        env("GIT_TERMINAL_PROMPT", "0"),
    ];
    let mut mounts = vec![workspace_mount()];
    let mut inputs = vec![
        Parameter::required(param::REPO_URL, "The git repository to clone."),
        Parameter::required(param::REVISION, "The branch, tag or commit to check out."),
        Parameter::with_default(
            param::COMMIT,
            "",
            "The commit to check out (the event's), which `revision` must reach; empty checks out the tip of `revision`.",
        ),
        Parameter::with_default(param::IMAGE_TAG, "", "The image tag to publish; empty applies the publishing rule of the event."),
        Parameter::with_default(param::EVENT, event::MANUAL, "What started the run: manual, push, tag, pull-request or schedule."),
        Parameter::with_default(param::DEPTH, "1", "How many commits of history to fetch; 0 fetches all."),
        Parameter::with_default(param::SUBMODULES, "false", "`true` checks out submodules recursively."),
    ];
    let credentials = match auth {
        Auth::None => None,
        Auth::Https => Some(("https", "A kubernetes.io/basic-auth Secret: `password` holds the token, `username` is optional.")),
        Auth::Ssh => Some(("ssh", "A Secret with the private key under `ssh-privatekey` and host keys under `known_hosts`.")),
    };
    let mut volumes = Vec::new();
    if let Auth::Https = auth {
        vars.push(env("PW_GIT_TOKEN_KEY", &input(param::GIT_TOKEN_KEY)));
        inputs.push(Parameter::with_default(param::GIT_TOKEN_KEY, crate::model::DEFAULT_TOKEN_KEY, "The key of the token in the Secret."));
    }
    if let Some((kind, description)) = credentials {
        vars.push(env("PW_GIT_AUTH", kind));
        vars.push(env("PW_GIT_CREDENTIALS", CREDENTIALS_PATH));
        inputs.push(Parameter::required(param::GIT_SECRET, description));
        mounts.push(VolumeMount {
            name: GIT_CREDENTIALS_VOLUME.into(),
            mount_path: CREDENTIALS_PATH.into(),
            read_only: Some(true),
            ..Default::default()
        });
        volumes.push(Volume {
            name: GIT_CREDENTIALS_VOLUME.into(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(input(param::GIT_SECRET)),
                default_mode: Some(0o440),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    c.env = Some(vars);
    c.volume_mounts = Some(mounts);
    let mut t = step(name, inputs, c);
    if let Some(pod) = t.security_context.as_mut() {
        pod.run_as_user = Some(NOBODY);
    }
    t.volumes = volumes;
    t.outputs = Some(Outputs {
        parameters: vec![
            // Published globally too, so the exit handler can set the commit status.
            Parameter { global_name: Some(GLOBAL_COMMIT.into()), ..Parameter::from_path(output::COMMIT, "/tmp/pipewright/commit") },
            Parameter::from_path(output::IMAGE_TAG, "/tmp/pipewright/image_tag"),
            Parameter::from_path(output::PUSH, "/tmp/pipewright/push"),
        ],
        ..Default::default()
    });
    t.retry_strategy = Some(network_retry());
    t
}
