//! The `deps`, `lint` and `test` templates of one toolchain, run by the launcher script.

use super::reports;
use super::container::{LARGE, env, hardened_container, input, step, workspace_mount};
use crate::argo::{Parameter, Template};
use crate::model::{Platform, Toolchain};
use crate::render::contract::{SOURCE_PATH, param, template};
use crate::render::{presets, scripts};

pub(super) fn templates(platform: &Platform, toolchain: Toolchain) -> Vec<Template> {
    let preset = presets::preset(toolchain);
    let image = platform.images.toolchain(toolchain).as_str();
    [(template::DEPS, preset.deps), (template::LINT, preset.lint), (template::TEST, preset.test)]
        .into_iter()
        .map(|(name, command)| {
            let mut c = hardened_container(&input(param::STEP_IMAGE), LARGE);
            c.command = Some(vec!["sh".into(), "-c".into(), scripts::LAUNCHER.into()]);
            let mut vars = vec![
                env("PW_COMMAND", &input(param::COMMAND)),
                env("PW_CONTEXT_DIR", &input(param::CONTEXT_DIR)),
                env("HOME", "/tmp"),
            ];
            vars.extend(preset.env.iter().map(|(k, v)| env(k, v)));
            if name == template::TEST {
                vars.extend(reports::test_env(toolchain));
            }
            c.env = Some(vars);
            c.working_dir = Some(SOURCE_PATH.into());
            c.volume_mounts = Some(vec![workspace_mount()]);
            let mut t = step(
                name,
                vec![
                    Parameter::required(param::CONTEXT_DIR, "The project directory inside the repository."),
                    Parameter::with_default(param::COMMAND, command.join("\n"), "The command, one argument per line."),
                    Parameter::with_default(param::STEP_IMAGE, image, "The container image to run it in."),
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

