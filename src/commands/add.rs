//! `pipewright add pipeline|team …`: writes a spec and lists it in its kustomization
//! (`argo/workflows` for a Pipeline, as a resource; `argo/events` for a Team, as a generator),
//! editing that file's text so its comments survive. The spec is checked by the function's own
//! validator, beside the specs already in the tree, so `add` refuses exactly what the function
//! would, with the same messages (a missing image also names the flags that set it).
//! In the teams layout, a Team gets its folder `argo/teams/<namespace>/` (`team.yaml`, a
//! kustomization, the transformer config and the guard), and a Pipeline goes to the folder of
//! the team whose namespace it names, under `pipelines/`.

use super::{Failure, Outcome, say};
use crate::gitops::layout::{self, Layout};
use crate::gitops::{EVENTS_KUSTOMIZATION, WORKFLOWS_KUSTOMIZATION, display, files, kustomization, roots, scaffold, tree};
use crate::krm::{Limits, Object, parse_objects, to_yaml};
use crate::spec::{API_VERSION, Kind};
use crate::validate::{self, DEFAULT_NAMESPACE, is_pipewright};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// A Pipeline to add, as given on the command line (not yet validated).
#[derive(Debug, Clone)]
pub struct PipelineRequest {
    /// The repo root (holds `argo/`).
    pub root: PathBuf,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, when given.
    pub namespace: Option<String>,
    /// `spec.repo`.
    pub repo: String,
    /// `spec.toolchain`.
    pub toolchain: String,
    /// `spec.image`, when given.
    pub image: Option<String>,
    /// Writes `spec.steps.build-image: false`: the pipeline publishes no image.
    pub no_build_image: bool,
    /// `spec.contextDir`, when given.
    pub context_dir: Option<String>,
    /// `spec.revision`, when given.
    pub revision: Option<String>,
    /// `spec.triggers.push.branches`.
    pub push: Vec<String>,
    /// `spec.triggers.tags`.
    pub tags: bool,
    /// `spec.triggers.pullRequests`.
    pub pull_requests: bool,
    /// `spec.triggers.schedule`, when given.
    pub schedule: Option<String>,
    /// `spec.git.https` or `spec.git.ssh`, when given.
    pub git: Option<GitSecret>,
}

/// The clone's credentials, as given on the command line.
#[derive(Debug, Clone)]
pub enum GitSecret {
    /// `NAME` or `NAME.KEY` (split at the first `.`: Secret names given to pipewright are
    /// DNS subdomains, but rarely hold dots, while keys often do).
    Https(String),
    /// The Secret's name.
    Ssh(String),
}

impl PipelineRequest {
    /// The spec object, exactly as it will be written.
    fn object(&self) -> Object {
        let mut metadata = Map::new();
        metadata.insert("name".into(), Value::String(self.name.clone()));
        if let Some(ns) = &self.namespace {
            metadata.insert("namespace".into(), Value::String(ns.clone()));
        }
        let mut spec = Map::new();
        spec.insert("repo".into(), Value::String(self.repo.clone()));
        spec.insert("toolchain".into(), Value::String(self.toolchain.clone()));
        if let Some(image) = &self.image {
            spec.insert("image".into(), Value::String(image.clone()));
        }
        for (field, value) in [("contextDir", &self.context_dir), ("revision", &self.revision)] {
            if let Some(v) = value {
                spec.insert(field.into(), Value::String(v.clone()));
            }
        }
        if self.no_build_image {
            spec.insert("steps".into(), json!({"build-image": false}));
        }
        match &self.git {
            Some(GitSecret::Https(secret)) => {
                let reference = match secret.split_once('.') {
                    Some((name, key)) => json!({"name": name, "key": key}),
                    None => json!({"name": secret}),
                };
                spec.insert("git".into(), json!({"https": reference}));
            }
            Some(GitSecret::Ssh(name)) => {
                spec.insert("git".into(), json!({"ssh": {"name": name}}));
            }
            None => {}
        }
        let mut triggers = Map::new();
        if !self.push.is_empty() {
            triggers.insert("push".into(), json!({"branches": self.push}));
        }
        if self.tags {
            triggers.insert("tags".into(), Value::Bool(true));
        }
        if self.pull_requests {
            triggers.insert("pullRequests".into(), Value::Bool(true));
        }
        if let Some(s) = &self.schedule {
            triggers.insert("schedule".into(), Value::String(s.clone()));
        }
        if !triggers.is_empty() {
            spec.insert("triggers".into(), Value::Object(triggers));
        }
        Object::new(json!({"apiVersion": API_VERSION, "kind": Kind::Pipeline.as_str(), "metadata": metadata, "spec": spec}))
    }
}

/// A Team to add, as given on the command line (not yet validated).
#[derive(Debug, Clone)]
pub struct TeamRequest {
    /// The repo root (holds `argo/`).
    pub root: PathBuf,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.groups`.
    pub groups: Vec<String>,
    /// `spec.access`, when given (`view` or `operate`).
    pub access: Option<String>,
    /// `spec.events`, when given.
    pub events: Option<TeamEventsRequest>,
}

/// `spec.events` of a Team to add: the providers `add team` can express with flags.
#[derive(Debug, Clone)]
pub enum TeamEventsRequest {
    /// `spec.events.github`.
    Github {
        /// `webhookSecret.name`.
        secret_name: String,
        /// `webhookSecret.key`.
        secret_key: String,
        /// `repositories` (repository webhooks), when given.
        repositories: Vec<String>,
        /// `organizations` (organization webhooks), when given.
        organizations: Vec<String>,
    },
    /// `spec.events.webhook`, with `authSecret` (name, key) when given.
    Webhook {
        /// `authSecret.name` and `authSecret.key`.
        auth_secret: Option<(String, String)>,
    },
}

/// The annotation that makes a Team file a kustomize generator running pipewright, as in the
/// example tree.
const GENERATOR_FUNCTION: &str = "exec:\n  path: pipewright\n";

impl TeamRequest {
    /// The spec object, exactly as it will be written: in the default layout a generator (it
    /// carries the function annotation), in the teams layout a resource of its folder, whose
    /// transformer expands it.
    fn object(&self, layout: Layout) -> Object {
        let mut spec = Map::new();
        spec.insert("groups".into(), json!(self.groups));
        if let Some(access) = &self.access {
            spec.insert("access".into(), Value::String(access.clone()));
        }
        match &self.events {
            None => {}
            Some(TeamEventsRequest::Webhook { auth_secret }) => {
                let webhook = match auth_secret {
                    Some((name, key)) => json!({"authSecret": {"name": name, "key": key}}),
                    None => json!({}),
                };
                spec.insert("events".into(), json!({ "webhook": webhook }));
            }
            Some(TeamEventsRequest::Github { secret_name, secret_key, repositories, organizations }) => {
                let mut github = json!({"webhookSecret": {"name": secret_name, "key": secret_key}});
                if !organizations.is_empty() {
                    github["organizations"] = json!(organizations);
                } else {
                    github["repositories"] = json!(repositories);
                }
                spec.insert("events".into(), json!({ "github": github }));
            }
        }
        let mut metadata = json!({"name": self.name, "namespace": self.namespace});
        if layout == Layout::Default {
            metadata["annotations"] = json!({"config.kubernetes.io/function": GENERATOR_FUNCTION});
        }
        Object::new(json!({"apiVersion": API_VERSION, "kind": Kind::Team.as_str(), "metadata": metadata, "spec": spec}))
    }
}

/// Validates the request beside the tree's specs, then writes the spec and lists it as a resource.
pub fn pipeline(request: &PipelineRequest, out: &mut dyn std::io::Write) -> Outcome {
    let target = match layout::detect(&request.root) {
        Layout::Default => {
            Target { kustomization: WORKFLOWS_KUSTOMIZATION.into(), field: "resources", dir: "pipelines", file: None, kind: Kind::Pipeline }
        }
        Layout::Teams => {
            let namespace = request.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
            let folder = layout::team_dir(namespace);
            if !request.root.join(&folder).join("team.yaml").is_file() {
                return Err(Failure::one(format!(
                    "no team owns namespace {namespace:?} ({} has no team.yaml): add the team first with `pipewright add team NAME --namespace {namespace} --group GROUP`",
                    display(&request.root.join(&folder))
                )));
            }
            Target {
                kustomization: format!("{folder}/kustomization.yaml"),
                field: "resources",
                dir: "pipelines",
                file: None,
                kind: Kind::Pipeline,
            }
        }
    };
    // The validator names the spec field; on the command line, the flags are what to change.
    let hint = (request.image.is_none() && !request.no_build_image)
        .then_some(("spec.image", " (with `pipewright add pipeline`: pass --image REPO, or --no-build-image)"));
    add(&request.root, &target, &request.object(), hint, out)
}

/// Validates the request beside the tree's specs, then writes the spec and lists it: as a
/// generator in the default layout; in the teams layout as `team.yaml`, a resource of its new
/// team folder.
pub fn team(request: &TeamRequest, out: &mut dyn std::io::Write) -> Outcome {
    let layout = layout::detect(&request.root);
    let target = match layout {
        Layout::Default => {
            Target { kustomization: EVENTS_KUSTOMIZATION.into(), field: "generators", dir: "teams", file: None, kind: Kind::Team }
        }
        Layout::Teams => {
            let folder = layout::team_dir(&request.namespace);
            Target {
                kustomization: format!("{folder}/kustomization.yaml"),
                field: "resources",
                dir: "",
                file: Some("team.yaml"),
                kind: Kind::Team,
            }
        }
    };
    add(&request.root, &target, &request.object(layout), None, out)
}

/// Where a kind's specs go: the kustomization that lists them (relative to the repo root), the
/// list they go in, and their directory beside that kustomization (or their fixed file there).
struct Target {
    kustomization: String,
    field: &'static str,
    dir: &'static str,
    file: Option<&'static str>,
    kind: Kind,
}

/// A hint appended to the validator's message for one field: (field path, text).
type Hint = Option<(&'static str, &'static str)>;

/// Checks `object`, writes it beside the target kustomization (see `entry`), and lists it there
/// unless it is listed already.
fn add(root: &Path, target: &Target, object: &Object, hint: Hint, out: &mut dyn std::io::Write) -> Outcome {
    let kustomization_path = root.join(&target.kustomization);
    // A team's new folder (teams layout): its files are written with the spec, after the checks.
    let new_folder = (target.file.is_some() && !kustomization_path.exists())
        .then(|| layout::team_files(object.namespace().unwrap_or(DEFAULT_NAMESPACE), &[]));
    let kustomization_text = match &new_folder {
        Some(files) => files[0].1.clone(),
        None => std::fs::read_to_string(&kustomization_path).map_err(|e| {
            Failure::one(format!(
                "{}: cannot be read ({e}): run `pipewright init` first, or pass the repo root with --dir",
                display(&kustomization_path)
            ))
        })?,
    };
    check(object, root, hint)?;

    let kustomization_dir = target.kustomization.rsplit_once('/').map_or("", |(dir, _)| dir);
    let base = root.join(kustomization_dir);
    let entry = match target.file {
        Some(file) if base.join(file).exists() => {
            return Err(Failure::one(format!("{}: already exists: one Team per namespace", display(&base.join(file)))));
        }
        Some(file) => file.to_owned(),
        None => entry(&base, target, object)?,
    };
    let spec_path = base.join(&entry);
    let relative = format!("{kustomization_dir}/{entry}");
    let in_kustomization = |e: String| Failure::one(format!("{}: {e}", display(&kustomization_path)));
    let listed = kustomization::lists(&kustomization_text, target.field, &entry).map_err(in_kustomization)?;
    let edited =
        if listed { None } else { Some(kustomization::add_entry(&kustomization_text, target.field, &entry).map_err(in_kustomization)?) };
    let text = format!("{}{}", scaffold::schema_line(target.kind, &relative), to_yaml(&object.0));
    for (path, contents) in new_folder.iter().flatten().skip(1) {
        files::write_atomic(&root.join(path), contents.as_bytes(), None)
            .map_err(|e| Failure::one(format!("{}: cannot be written: {e}", display(&root.join(path)))))?;
        say(out, format!("created   {}", display(&root.join(path))))?;
    }
    if new_folder.is_some() {
        std::fs::create_dir_all(base.join("pipelines"))
            .map_err(|e| Failure::one(format!("{}: cannot be created: {e}", display(&base.join("pipelines")))))?;
    }
    files::write_atomic(&spec_path, text.as_bytes(), None)
        .map_err(|e| Failure::one(format!("{}: cannot be written: {e}", display(&spec_path))))?;
    if let Some(edited) = &edited
        && let Err(e) = files::write_atomic(&kustomization_path, edited.as_bytes(), None)
    {
        let _ = std::fs::remove_file(&spec_path);
        return Err(Failure::one(format!("{}: cannot be written: {e}", display(&kustomization_path))));
    }
    say(out, format!("created   {}", display(&spec_path)))?;
    match edited {
        Some(_) if new_folder.is_some() => say(out, format!("created   {} ({}: + {entry})", display(&kustomization_path), target.field)),
        Some(_) => say(out, format!("updated   {} ({}: + {entry})", display(&kustomization_path), target.field)),
        None => say(out, format!("unchanged {} ({} already lists {entry})", display(&kustomization_path), target.field)),
    }
}

/// The spec's file, relative to the target kustomization: `<dir>/<name>.yaml`, or, when that
/// file holds a spec of the same kind and name in another namespace, `<dir>/<namespace>/<name>.yaml`.
/// The name and namespace have passed the validator (DNS labels), so they are safe in a path.
fn entry(base: &Path, target: &Target, object: &Object) -> Result<String, Failure> {
    let name = object.name();
    let flat = format!("{}/{name}.yaml", target.dir);
    if !base.join(&flat).exists() {
        return Ok(flat);
    }
    let namespace = object.namespace().unwrap_or(DEFAULT_NAMESPACE);
    let theirs =
        std::fs::read(base.join(&flat)).ok().and_then(|bytes| parse_objects(&bytes, &Limits::default()).ok()).and_then(|objects| {
            match objects.as_slice() {
                [one] if is_pipewright(one) && one.kind() == target.kind.as_str() && one.name() == name => {
                    Some(one.namespace().unwrap_or(DEFAULT_NAMESPACE).to_owned())
                }
                _ => None,
            }
        });
    let taken = |path: &str| Failure::one(format!("{}: already exists: choose another name, or edit that file", display(&base.join(path))));
    match theirs {
        Some(theirs) if theirs != namespace => {
            let nested = format!("{}/{namespace}/{name}.yaml", target.dir);
            if base.join(&nested).exists() { Err(taken(&nested)) } else { Ok(nested) }
        }
        _ => Err(taken(&flat)),
    }
}

/// Runs the function's validator on the new spec together with the specs in the tree, and
/// keeps the problems of the new one: its own mistakes, and a name that is already taken.
/// A tree file that exists but cannot be read may hold the name, so it stops the add.
fn check(object: &Object, root: &Path, hint: Hint) -> Outcome {
    // The whole argo/ tree: a name is taken wherever in the build its spec is listed. Without
    // argo/kustomization.yaml, the two kustomizations `add` edits.
    let argo = root.join(crate::gitops::ARGO_DIR);
    let dirs: Vec<PathBuf> = if tree::kustomization_file(&argo).is_some() {
        vec![argo]
    } else if layout::detect(root) == Layout::Teams {
        roots::roots(&argo).map_err(Failure::input)?.into_iter().map(|r| r.dir).collect()
    } else {
        [WORKFLOWS_KUSTOMIZATION, EVENTS_KUSTOMIZATION]
            .iter()
            .filter_map(|k| root.join(k).parent().map(Path::to_path_buf))
            .filter(|d| tree::kustomization_file(d).is_some())
            .collect()
    };
    let (mut existing, mut unreadable) = (Vec::new(), Vec::new());
    for dir in dirs {
        match tree::collect(&dir, tree::Strictness::Lenient) {
            Ok(objects) => existing.extend(objects),
            Err(errors) => unreadable.extend(errors),
        }
    }
    let id = object.reference();
    if !unreadable.is_empty() {
        unreadable.push(format!(
            "{id}: cannot tell whether the name is taken while the tree has files that cannot be read (above): fix them, then run add again"
        ));
        return Err(Failure::input(unreadable));
    }
    let mut specs: Vec<&Object> = existing.iter().filter(|o| is_pipewright(o)).collect();
    specs.push(object);
    let validated = validate::validate(&specs);
    let lines: Vec<String> = validated
        .results
        .iter()
        .filter(|r| r.resource_ref.as_ref() == Some(&id) && r.severity == crate::krm::Severity::Error)
        .map(|r| match hint {
            Some((field, text)) if r.field.as_ref().is_some_and(|f| f.path == field) => format!("{}{text}", r.to_line()),
            _ => r.to_line(),
        })
        .collect();
    if lines.is_empty() { Ok(()) } else { Err(Failure { code: super::exit::INPUT, lines }) }
}
