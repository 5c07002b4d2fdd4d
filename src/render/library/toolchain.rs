//! The `deps`, `lint` and `test` templates of one toolchain, run by the launcher script with
//! the dependency cache mounted. `generic` has no preset: its command and image are required inputs.

use super::container::{LARGE, env, hardened_container, input, step, workspace_mount};
use super::reports;
use crate::argo::{Parameter, Template};
use crate::model::{Platform, Toolchain};
use crate::render::contract::{CACHE_PATH, CACHE_VOLUME, SOURCE_PATH, event, param, template};
use crate::render::presets::{self, CACHE_LINK};
use crate::render::scripts;
use k8s_openapi::api::core::v1::VolumeMount;

/// What started the run, which picks the cache's trust class. Every pipeline passes its own
/// `event` parameter; a caller that passes none is taken for an untrusted pull request.
fn event_input() -> Parameter {
    Parameter::with_default(
        param::EVENT,
        event::PULL_REQUEST,
        "What started the run: pull-request runs (and unknown events, and callers that pass none) use cache keys of their own.",
    )
}

pub(super) fn templates(platform: &Platform, toolchain: Toolchain) -> Vec<Template> {
    let preset = presets::preset(toolchain);
    let image = platform.images.toolchain(toolchain);
    [(template::DEPS, preset.deps), (template::LINT, preset.lint), (template::TEST, preset.test)]
        .into_iter()
        .map(|(name, command)| {
            let mut c = hardened_container(&input(param::STEP_IMAGE), LARGE);
            c.command = Some(vec!["sh".into(), "-c".into(), scripts::LAUNCHER.into()]);
            let mut vars = vec![
                env("PW_COMMAND", &input(param::COMMAND)),
                env("PW_CONTEXT_DIR", &input(param::CONTEXT_DIR)),
                env("PW_TOOLCHAIN", toolchain.as_str()),
                env("PW_LOCKFILES", &preset.lockfiles.join("\n")),
                env("PW_SOURCE", SOURCE_PATH),
                env("PW_CACHE_ROOT", CACHE_PATH),
                env("PW_CACHE", CACHE_LINK),
                env("PW_EVENT", &input(param::EVENT)),
                env("HOME", "/tmp"),
                // The clone runs as another user: let tools that call git trust the checkout.
                env("GIT_CONFIG_COUNT", "1"),
                env("GIT_CONFIG_KEY_0", "safe.directory"),
                env("GIT_CONFIG_VALUE_0", SOURCE_PATH),
            ];
            if name == template::DEPS {
                vars.push(env("PW_CACHE_PRUNE", "true"));
            }
            vars.extend(preset.env.iter().map(|(k, v)| env(k, v)));
            if name == template::TEST {
                vars.extend(reports::test_env(toolchain, platform.junit_reports));
            }
            c.env = Some(vars);
            c.working_dir = Some(SOURCE_PATH.into());
            c.volume_mounts = Some(vec![
                workspace_mount(),
                VolumeMount { name: CACHE_VOLUME.into(), mount_path: CACHE_PATH.into(), ..Default::default() },
            ]);
            let command = match command {
                [] => Parameter::required(param::COMMAND, "The command, one argument per line."),
                argv => Parameter::with_default(param::COMMAND, argv.join("\n"), "The command, one argument per line."),
            };
            let image = match image {
                None => Parameter::required(param::STEP_IMAGE, "The container image to run it in (needs /bin/sh)."),
                Some(i) => Parameter::with_default(param::STEP_IMAGE, i.as_str(), "The container image to run it in."),
            };
            let mut t = step(
                name,
                vec![
                    Parameter::required(param::CONTEXT_DIR, "The project directory inside the repository."),
                    command,
                    image,
                    event_input(),
                ],
                c,
            );
            if name == template::TEST && platform.junit_reports {
                t.outputs = Some(reports::junit_outputs());
            }
            t
        })
        .collect()
}
