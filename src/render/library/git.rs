//! The `clone` template: a shallow git clone of `repo_url` at `revision` into the workspace.

use super::container::{SMALL, env, hardened_container, input, network_retry, step, workspace_mount};
use crate::argo::{Outputs, Parameter, Template};
use crate::model::Platform;
use crate::render::contract::{GLOBAL_COMMIT, SOURCE_PATH, output, param, template};
use crate::render::scripts;

pub(super) fn clone(platform: &Platform) -> Template {
    let mut c = hardened_container(platform.images.git.as_str(), SMALL);
    c.command = Some(vec!["sh".into(), "-c".into(), scripts::CLONE.into()]);
    c.env = Some(vec![
        env("REPO_URL", &input(param::REPO_URL)),
        env("REVISION", &input(param::REVISION)),
        env("IMAGE_TAG", &input(param::IMAGE_TAG)),
        env("PW_SOURCE", SOURCE_PATH),
        env("HOME", "/tmp"),
        env("GIT_ALLOW_PROTOCOL", "https:http:ssh"),
        env("GIT_TERMINAL_PROMPT", "0"),
    ]);
    c.volume_mounts = Some(vec![workspace_mount()]);
    let mut t = step(
        template::CLONE,
        vec![
            Parameter::required(param::REPO_URL, "The git repository to clone."),
            Parameter::required(param::REVISION, "The branch, tag or commit to check out."),
            Parameter::with_default(param::IMAGE_TAG, "", "The image tag to publish; empty computes <revision>-<short sha>."),
        ],
        c,
    );
    t.outputs = Some(Outputs {
        parameters: vec![
            // Published globally too, so the exit handler can set the commit status.
            Parameter { global_name: Some(GLOBAL_COMMIT.into()), ..Parameter::from_path(output::COMMIT, "/tmp/pipewright/commit") },
            Parameter::from_path(output::IMAGE_TAG, "/tmp/pipewright/image_tag"),
        ],
        ..Default::default()
    });
    t.retry_strategy = Some(network_retry());
    t
}

