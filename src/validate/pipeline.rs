//! Checks a `Pipeline` spec and builds the valid model.

use super::{Path, Problems, name, rules, supply_chain, triggers};
use crate::krm::Severity;
use crate::model::{
    self, AccessMode, Cache, ClaimSettings, Command, ContextDir, GitAuth, GitCheckout, GitRef, GitUrl, ImageRef, ImageRepo,
    LIBRARY_VERSION, LibraryVersion, Name, Origin, Step, StepPlan, StorageSize, Toolchain,
};
use crate::spec::{self, CacheSetting, GitSettings, StepSetting, Steps};

/// The namespace a Pipeline lives in when it names none.
pub const DEFAULT_NAMESPACE: &str = "argo";
/// The revision built when a Pipeline names none.
pub const DEFAULT_REVISION: &str = "main";
/// The longest CronWorkflow name Argo accepts.
const MAX_CRON_NAME: usize = 52;
/// The workspace's size when a Pipeline names none.
const DEFAULT_WORKSPACE_SIZE: &str = "2Gi";
/// The dependency cache's size when a Pipeline names none.
pub const DEFAULT_CACHE_SIZE: &str = "5Gi";

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
    let image =
        s.image.as_deref().and_then(|i| problems.check(&spec_path.key("image"), rules::image(i, false)).then(|| ImageRepo::checked(i)));
    let steps_path = spec_path.key("steps");
    let mut given = s.steps.unwrap_or_default();
    if s.toolchain == Toolchain::Generic {
        generic_steps(problems, &steps_path, &given);
    }
    fixed_steps(problems, &steps_path, &mut given);
    let mut steps = StepPlan {
        deps: step(problems, &steps_path.key("deps"), given.deps),
        lint: step(problems, &steps_path.key("lint"), given.lint),
        test: step(problems, &steps_path.key("test"), given.test),
        security_scan: step(problems, &steps_path.key("security-scan"), given.security_scan),
        build_image: step(problems, &steps_path.key("build-image"), given.build_image),
        sonar: step(problems, &steps_path.key("sonar"), given.sonar),
    };
    if steps.build_image.enabled() && s.image.is_none() {
        problems.push(
            &spec_path.key("image"),
            "is required while the build-image step is on: give the image repository to publish, or set `steps.build-image: false`".into(),
        );
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
    if s.toolchain == Toolchain::Dotnet && steps.sonar.enabled() {
        let message = "is skipped for dotnet: the SonarScanner CLI the library runs cannot analyse C#; SonarScanner for .NET \
                       (`dotnet sonarscanner begin`, `dotnet build`, `dotnet sonarscanner end`) can, in a test step of your own \
                       image. Set `steps.sonar: false` to silence this"
            .to_owned();
        problems.push_with(crate::krm::Severity::Warning, &steps_path.key("sonar"), message);
        steps.sonar = Step::Off;
    }
    let build = image_build(problems, &spec_path.key("build"), s.build, steps.build_image.enabled());
    let git = git(problems, &spec_path.key("git"), &s.repo, s.git.unwrap_or_default());
    let cache = cache(problems, &spec_path.key("cache"), s.cache);
    let workspace = volume(problems, &spec_path.key("workspace"), DEFAULT_WORKSPACE_SIZE, s.workspace.unwrap_or_default());
    let library = s.library.as_deref().unwrap_or(LIBRARY_VERSION);
    let library = problems.check(&spec_path.key("library"), rules::library_version(library)).then(|| LibraryVersion::checked(library));
    let scheduled = s.triggers.as_ref().is_some_and(|t| t.schedule.is_some());
    let triggers = triggers::check(problems, &spec_path.key("triggers"), repo.as_ref(), s.triggers);
    if scheduled && name.is_some() && p.metadata.name.len() > MAX_CRON_NAME {
        let message = format!(
            "is {} characters long: a Pipeline with `triggers.schedule` becomes a CronWorkflow of the same name, which Argo limits to {MAX_CRON_NAME} characters (it appends an 11-character timestamp to each run's name)",
            p.metadata.name.len()
        );
        problems.push(&meta.key("name"), message);
    }
    Some(model::Pipeline {
        origin: Origin { kind: "Pipeline", namespace: Some(namespace?), name: name? },
        repo: repo?,
        revision: revision?,
        context_dir: context_dir?,
        toolchain: s.toolchain,
        image: if steps.build_image.enabled() { image } else { None },
        build,
        steps,
        notify: notify?,
        fail_on: s.scan.and_then(|sc| sc.fail_on),
        sonar_project_key: project_key?,
        git: git?,
        cache: cache?,
        workspace: workspace?,
        library: library?,
        triggers: triggers?,
    })
}

/// The build settings: a Dockerfile path inside the repository, build arguments with valid
/// names and one-line values, a stage name. With the build-image step off they do nothing.
fn image_build(problems: &mut Problems, path: &Path, given: Option<spec::ImageBuild>, building: bool) -> model::ImageBuild {
    let Some(given) = given else { return model::ImageBuild::default() };
    if !building {
        let message = "has no effect: `steps.build-image` is `false`, so this pipeline builds no image".to_owned();
        problems.push_with(Severity::Warning, path, message);
    }
    let dockerfile = given.dockerfile.and_then(|d| match rules::dockerfile(&d) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.push(&path.key("dockerfile"), e);
            None
        }
    });
    let mut args = Vec::new();
    for (name, value) in given.args.unwrap_or_default() {
        let arg = path.key("args").key(&name);
        let ok = problems.check(&arg, rules::build_arg_name(&name)) & problems.check(&arg, rules::build_arg_value(&value));
        if ok {
            args.push((name, value));
        }
    }
    let target = given.target.filter(|t| problems.check(&path.key("target"), rules::build_target(t)));
    model::ImageBuild { dockerfile, args, target }
}

/// The scan and the build run the platform's scanner and builder, whose images the Platform
/// pins (`spec.images.scanner`, `spec.images.builder`): a pipeline may only switch them on or
/// off. The sonar step runs the platform's scanner against the platform's server: a pipeline
/// may replace its image only. What may not be set is refused as given (an empty command too),
/// then left out, so no other check speaks of it.
fn fixed_steps(problems: &mut Problems, path: &Path, given: &mut Steps) {
    const SCANNER: &str = "the platform's scanner, whose image the Platform sets (`spec.images.scanner`)";
    const BUILDER: &str = "the platform's rootless builder, whose image the Platform sets (`spec.images.builder`)";
    for (key, setting, what) in [("security-scan", &mut given.security_scan, SCANNER), ("build-image", &mut given.build_image, BUILDER)] {
        if let Some(StepSetting::Override(o)) = setting {
            for (field, set) in [("command", o.command.is_some()), ("image", o.image.is_some())] {
                if set {
                    let message =
                        format!("cannot be overridden: the {key} step runs {what}; keep the step (`true`) or switch it off with `false`");
                    problems.push(&path.key(key).key(field), message);
                }
            }
            *setting = Some(StepSetting::Enabled(true));
        }
    }
    if let Some(StepSetting::Override(o)) = &mut given.sonar
        && o.command.take().is_some()
    {
        let message = "cannot be overridden: the sonar step runs the platform's scanner with the platform's server (set `image` or switch the step off with `false`)";
        problems.push(&path.key("sonar").key("command"), message.into());
    }
}

/// The generic toolchain has no preset: each deps, lint and test step that runs names its own.
fn generic_steps(problems: &mut Problems, path: &Path, given: &Steps) {
    const WHY: &str = "the generic toolchain has no preset command or image";
    for (key, setting) in [("deps", &given.deps), ("lint", &given.lint), ("test", &given.test)] {
        let at = path.key(key);
        match setting {
            None | Some(StepSetting::Enabled(true)) => problems
                .push(&at, format!("is required: {WHY}; give `{{command: [...], image: ...}}`, or switch the step off with `false`")),
            Some(StepSetting::Override(o)) => {
                for (field, missing) in [("command", o.command.is_none()), ("image", o.image.is_none())] {
                    if missing {
                        problems.push(&at.key(field), format!("is required: {WHY} (or switch the step off with `false`)"));
                    }
                }
            }
            Some(StepSetting::Enabled(false)) => {}
        }
    }
}

fn git(problems: &mut Problems, path: &Path, repo: &str, g: GitSettings) -> Option<GitCheckout> {
    let https_repo = repo.starts_with("https://");
    let ssh_repo = repo.starts_with("ssh://") || !repo.contains("://");
    let secret = |problems: &mut Problems, key: &str, r: &spec::SecretRef, fits: bool, needs: &str| -> Option<Name> {
        let at = path.key(key);
        let name = supply_chain::secret_name(problems, &at, r.name.clone(), r.secret_name.clone());
        // An invalid repo (its own problem) fits no credentials: saying so would repeat it.
        if !fits && rules::git_url(repo).is_ok() {
            problems.push(&at, format!("does not fit `spec.repo` {repo:?}: {key} credentials need {needs}"));
        }
        name.filter(|_| fits)
    };
    let auth = match (&g.https, &g.ssh) {
        (Some(_), Some(_)) => {
            problems.push(path, "sets both `https` and `ssh`: give the one that matches `spec.repo`".into());
            None
        }
        (Some(h), None) => {
            let name = secret(problems, "https", h, https_repo, "an https:// repo URL (a token is never sent over plain http://)");
            let key = h.key.clone().unwrap_or_else(|| model::DEFAULT_TOKEN_KEY.into());
            let key_ok = problems.check(&path.key("https").key("key"), rules::secret_key(&key));
            name.filter(|_| key_ok).map(|name| GitAuth::Https { name, key })
        }
        (None, Some(k)) => {
            if k.key.is_some() {
                let message = "does not apply to SSH: the Secret's `ssh-privatekey` and `known_hosts` keys are read".to_owned();
                problems.push(&path.key("ssh").key("key"), message);
            }
            secret(problems, "ssh", k, ssh_repo, "an ssh://host/path or git@host:path repo URL").map(GitAuth::Ssh)
        }
        (None, None) => {
            if ssh_repo && rules::git_url(repo).is_ok() {
                problems.push_with(
                    Severity::Warning,
                    &path.key("ssh"),
                    "is not set, but `spec.repo` is an SSH URL: an SSH clone needs a key and known hosts (`git.ssh: {secretName: ...}`), or use the https:// URL".into(),
                );
            }
            Some(GitAuth::None)
        }
    };
    Some(GitCheckout { auth: auth?, depth: g.depth.unwrap_or(1), submodules: g.submodules.unwrap_or(false) })
}

fn cache(problems: &mut Problems, path: &Path, setting: Option<CacheSetting>) -> Option<Cache> {
    let given = match setting {
        Some(CacheSetting::Enabled(false)) => return Some(Cache::Off),
        None | Some(CacheSetting::Enabled(true)) => spec::ClaimSettings::default(),
        Some(CacheSetting::Volume(v)) => v,
    };
    volume(problems, path, DEFAULT_CACHE_SIZE, given).map(Cache::Volume)
}

/// A claim's size, StorageClass and access mode, as given, with defaults.
fn volume(problems: &mut Problems, path: &Path, default_size: &str, given: spec::ClaimSettings) -> Option<ClaimSettings> {
    let spec::ClaimSettings { size, storage_class_name: class, access_mode: mode } = given;
    let size = size.as_deref().unwrap_or(default_size);
    let size = problems.check(&path.key("size"), rules::storage_size(size)).then(|| StorageSize::checked(size));
    let class = match class {
        Some(c) => Some(problems.check(&path.key("storageClassName"), rules::dns_subdomain(&c)).then(|| Name::checked(c))),
        None => Some(None),
    };
    Some(ClaimSettings { size: size?, storage_class: class?, access_mode: mode.unwrap_or(AccessMode::ReadWriteOnce) })
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
