//! Checks a `Pipeline` spec and builds the valid model.

use super::{Path, Problems, name, rules, supply_chain};
use crate::model::{self, Command, ContextDir, GitRef, GitUrl, ImageRef, ImageRepo, Name, Origin, Step, StepPlan};
use crate::spec::{self, StepSetting};

/// The namespace a Pipeline lives in when it names none.
pub const DEFAULT_NAMESPACE: &str = "argo";
/// The revision built when a Pipeline names none.
pub const DEFAULT_REVISION: &str = "main";

pub(super) fn check(p: spec::Pipeline, problems: &mut Problems) -> Option<model::Pipeline> {
    let root = Path::root();
    let meta = root.key("metadata");
    let spec_path = root.key("spec");
    let name = name(problems, &meta.key("name"), &p.metadata.name);
    let namespace = name_or_default(problems, &meta.key("namespace"), p.metadata.namespace.as_deref());
    let s = p.spec;

    let repo = problems.check(&spec_path.key("repo"), rules::git_url(&s.repo)).then(|| GitUrl::checked(&s.repo));
    let revision = s.revision.as_deref().unwrap_or(DEFAULT_REVISION);
    let revision = problems.check(&spec_path.key("revision"), rules::git_ref(revision)).then(|| GitRef::checked(revision));
    let context_dir = match rules::context_dir(s.context_dir.as_deref().unwrap_or(".")) {
        Ok(dir) => Some(ContextDir::checked(dir)),
        Err(e) => {
            problems.push(&spec_path.key("contextDir"), e);
            None
        }
    };
    let image = s.image.as_deref().and_then(|i| {
        problems.check(&spec_path.key("image"), rules::image(i, false)).then(|| ImageRepo::checked(i))
    });
    let steps_path = spec_path.key("steps");
    let given = s.steps.unwrap_or_default();
    let steps = StepPlan {
        deps: step(problems, &steps_path.key("deps"), given.deps),
        lint: step(problems, &steps_path.key("lint"), given.lint),
        test: step(problems, &steps_path.key("test"), given.test),
        security_scan: step(problems, &steps_path.key("security-scan"), given.security_scan),
        build_image: step(problems, &steps_path.key("build-image"), given.build_image),
        sonar: step(problems, &steps_path.key("sonar"), given.sonar),
    };
    if let Step::Custom { command: Some(_), .. } = steps.build_image {
        problems.push(&steps_path.key("build-image").key("command"), "cannot be overridden: the build step runs the platform's builder (set `image` or switch the step off with `false`)".into());
    }
    if let Step::Custom { command: Some(_), .. } = steps.sonar {
        problems.push(&steps_path.key("sonar").key("command"), "cannot be overridden: the sonar step runs the platform's scanner with the platform's server (set `image` or switch the step off with `false`)".into());
    }
    if steps.build_image.enabled() && s.image.is_none() {
        problems.push(&spec_path.key("image"), "is required while the build-image step is on: give the image repository to publish, or set `steps.build-image: false`".into());
    }
    let notify = match s.notify {
        None => Some(model::Notify::default()),
        Some(n) => supply_chain::notify(n, repo.as_ref(), &spec_path.key("notify"), problems),
    };
    if s.sonar.is_some() && !steps.sonar.enabled() {
        let message = "has no effect: `steps.sonar` is `false`, so this pipeline sends nothing to SonarQube".to_owned();
        problems.push_with(crate::krm::Severity::Warning, &spec_path.key("sonar"), message);
    }
    let project_key = match s.sonar.and_then(|s| s.project_key) {
        Some(key) => problems.check(&spec_path.key("sonar").key("projectKey"), rules::sonar_project_key(&key)).then_some(key),
        None => Some(format!("{}_{}", p.metadata.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE), p.metadata.name)),
    };
    Some(model::Pipeline {
        origin: Origin { kind: "Pipeline", namespace: Some(namespace?), name: name? },
        repo: repo?,
        revision: revision?,
        context_dir: context_dir?,
        toolchain: s.toolchain,
        image: if steps.build_image.enabled() { image } else { None },
        steps,
        notify: notify?,
        fail_on: s.scan.and_then(|sc| sc.fail_on),
        sonar_project_key: project_key?,
    })
}

fn name_or_default(problems: &mut Problems, path: &Path, value: Option<&str>) -> Option<Name> {
    name(problems, path, value.unwrap_or(DEFAULT_NAMESPACE))
}

fn step(problems: &mut Problems, path: &Path, setting: Option<StepSetting>) -> Step {
    match setting {
        None | Some(StepSetting::Enabled(true)) => Step::Default,
        Some(StepSetting::Enabled(false)) => Step::Off,
        Some(StepSetting::Override(o)) => {
            let command = o.command.and_then(|argv| {
                let cmd_path = path.key("command");
                if argv.is_empty() {
                    problems.push(&cmd_path, "is empty: give the program and its arguments, such as [\"npm\", \"test\"]".into());
                    return None;
                }
                let ok = argv.iter().enumerate().fold(true, |ok, (i, a)| problems.check(&cmd_path.index(i), rules::command_arg(a)) && ok);
                ok.then(|| Command::checked(argv))
            });
            let image = o.image.and_then(|i| problems.check(&path.key("image"), rules::image(&i, true)).then(|| ImageRef::checked(i)));
            Step::Custom { command, image }
        }
    }
}
