//! The bundle seen as Argo sees it: every workflow spec (of a Workflow, WorkflowTemplate,
//! ClusterWorkflowTemplate, CronWorkflow, or a Workflow a Sensor submits), its templates and
//! calls, and how a `template`, `templateRef` or `workflowTemplateRef` resolves.

use super::bundle::Bundle;
use serde_json::Value;
use std::collections::BTreeMap;

/// A list, or nothing when the value is not one.
pub fn list(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// A string field, or "".
pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The names in a list of named things (parameters, volumes, tasks).
pub fn names(v: &Value) -> Vec<&str> {
    list(v).iter().filter_map(|p| p.get("name").and_then(Value::as_str)).collect()
}

/// What holds a workflow spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnitKind {
    /// A Workflow.
    Workflow,
    /// A WorkflowTemplate.
    WorkflowTemplate,
    /// A ClusterWorkflowTemplate.
    ClusterWorkflowTemplate,
    /// A CronWorkflow (its `spec.workflowSpec`).
    CronWorkflow,
    /// The Workflow a Sensor trigger submits.
    SensorWorkflow,
}

impl UnitKind {
    /// The definition name of the object in Argo's schema.
    pub fn schema_kind(self) -> &'static str {
        match self {
            UnitKind::Workflow | UnitKind::SensorWorkflow => "Workflow",
            UnitKind::WorkflowTemplate => "WorkflowTemplate",
            UnitKind::ClusterWorkflowTemplate => "ClusterWorkflowTemplate",
            UnitKind::CronWorkflow => "CronWorkflow",
        }
    }
}

/// One workflow spec and the object that holds it.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    /// The document, by index in the bundle.
    pub doc: usize,
    /// What holds the spec.
    pub kind: UnitKind,
    /// The Argo object (for a Sensor, the Workflow inside its trigger).
    pub object: &'a Value,
    /// The path of `object` in its document ("" at the root).
    pub object_path: String,
    /// The workflow spec.
    pub spec: &'a Value,
    /// The path of `spec` in its document.
    pub spec_path: String,
    /// The namespace (for a Sensor's Workflow, the Sensor's).
    pub namespace: Option<&'a str>,
    /// The name (or generateName).
    pub name: &'a str,
}

impl<'a> Unit<'a> {
    /// The templates, with their paths.
    pub fn templates(&self) -> impl Iterator<Item = (String, &'a Value)> + '_ {
        list(&self.spec["templates"]).iter().enumerate().map(|(i, t)| (format!("{}.templates[{i}]", self.spec_path), t))
    }

    /// A local template by name, with its path.
    pub fn template(&self, name: &str) -> Option<(String, &'a Value)> {
        self.templates().find(|(_, t)| text(t, "name") == name)
    }

    /// `Kind/namespace/name` for messages.
    pub fn id(&self) -> String {
        let kind = match self.kind {
            UnitKind::SensorWorkflow => "Workflow",
            k => k.schema_kind(),
        };
        match self.namespace {
            Some(ns) if self.kind != UnitKind::ClusterWorkflowTemplate => format!("{kind}/{ns}/{}", self.name),
            _ => format!("{kind}/{}", self.name),
        }
    }

    /// Whether the spec runs by itself: it has an entrypoint, or refers to a WorkflowTemplate.
    pub fn runs(&self) -> bool {
        !text(self.spec, "entrypoint").is_empty() || self.spec.get("workflowTemplateRef").is_some()
    }
}

/// A call: a DAG task, a step or a lifecycle hook, and where it sits.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    /// The task, step or hook.
    pub value: &'a Value,
    /// Its path in the document.
    pub path: String,
}

/// Every call a template makes: DAG tasks, steps, and their hooks.
pub fn calls<'a>(template: &'a Value, path: &str) -> Vec<Call<'a>> {
    let mut out = Vec::new();
    for (i, task) in list(&template["dag"]["tasks"]).iter().enumerate() {
        out.push(Call { value: task, path: format!("{path}.dag.tasks[{i}]") });
    }
    for (g, group) in list(&template["steps"]).iter().enumerate() {
        for (i, step) in list(group).iter().enumerate() {
            out.push(Call { value: step, path: format!("{path}.steps[{g}][{i}]") });
        }
    }
    let mut hooks = Vec::new();
    for call in &out {
        if let Some(map) = call.value.get("hooks").and_then(Value::as_object) {
            for (name, hook) in map {
                hooks.push(Call { value: hook, path: format!("{}.hooks.{name}", call.path) });
            }
        }
    }
    out.extend(hooks);
    out
}

/// The hooks of a workflow spec, as calls.
pub fn spec_hooks<'a>(unit: &Unit<'a>) -> Vec<Call<'a>> {
    let mut out = Vec::new();
    if let Some(map) = unit.spec.get("hooks").and_then(Value::as_object) {
        for (name, hook) in map {
            out.push(Call { value: hook, path: format!("{}.hooks.{name}", unit.spec_path) });
        }
    }
    out
}

/// The template a call runs, once resolved.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// The unit that holds it (index in [`Index::units`]).
    pub unit: usize,
    /// The template.
    pub template: &'a Value,
    /// Its path in its document.
    pub path: String,
}

/// Why a reference did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// A local template name that the unit lacks.
    Local(String),
    /// A templateRef whose object is not in the bundle.
    Object(String),
    /// A templateRef whose object lacks the template.
    Template(String, String),
    /// The call names no template at all (nothing to resolve).
    Nothing,
}

/// The bundle's workflow specs and the objects they refer to.
#[derive(Debug)]
pub struct Index<'a> {
    /// Every workflow spec.
    pub units: Vec<Unit<'a>>,
    /// The bundle.
    pub bundle: &'a Bundle,
    workflow_templates: BTreeMap<&'a str, Vec<usize>>,
    cluster_templates: BTreeMap<&'a str, usize>,
    /// Every document by kind and name (lookups stay cheap in bundles of thousands).
    named: BTreeMap<(&'a str, &'a str), Vec<usize>>,
    /// Every document by kind.
    kinds: BTreeMap<&'a str, Vec<usize>>,
    /// RoleBindings and ClusterRoleBindings by the names of the ServiceAccounts they bind.
    bindings: BTreeMap<&'a str, Vec<usize>>,
}

fn is_argo(object: &Value) -> bool {
    text(object, "apiVersion").starts_with("argoproj.io/")
}

impl<'a> Index<'a> {
    /// Indexes a bundle.
    pub fn new(bundle: &'a Bundle) -> Index<'a> {
        let mut units = Vec::new();
        for (doc, d) in bundle.documents.iter().enumerate() {
            let o = &d.object.0;
            if !is_argo(o) {
                continue;
            }
            let namespace = d.object.namespace();
            let name = unit_name(o);
            let mut push = |kind, spec_path: &str| {
                let spec = o.pointer(&format!("/{}", spec_path.replace('.', "/"))).unwrap_or(&Value::Null);
                units.push(Unit { doc, kind, object: o, object_path: String::new(), spec, spec_path: spec_path.into(), namespace, name });
            };
            match text(o, "kind") {
                "Workflow" => push(UnitKind::Workflow, "spec"),
                "WorkflowTemplate" => push(UnitKind::WorkflowTemplate, "spec"),
                "ClusterWorkflowTemplate" => push(UnitKind::ClusterWorkflowTemplate, "spec"),
                "CronWorkflow" => push(UnitKind::CronWorkflow, "spec.workflowSpec"),
                "Sensor" => {
                    for (i, trigger) in list(&o["spec"]["triggers"]).iter().enumerate() {
                        for (kind, key) in [("argoWorkflow", "argoWorkflow"), ("k8s", "k8s")] {
                            let resource = &trigger["template"][key]["source"]["resource"];
                            if text(resource, "kind") != "Workflow" || !is_argo(resource) {
                                continue;
                            }
                            let object_path = format!("spec.triggers[{i}].template.{kind}.source.resource");
                            units.push(Unit {
                                doc,
                                kind: UnitKind::SensorWorkflow,
                                object: resource,
                                spec: &resource["spec"],
                                spec_path: format!("{object_path}.spec"),
                                object_path,
                                namespace: resource.pointer("/metadata/namespace").and_then(Value::as_str).or(namespace),
                                name: unit_name(resource),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        let mut workflow_templates: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut cluster_templates = BTreeMap::new();
        for (i, u) in units.iter().enumerate() {
            match u.kind {
                UnitKind::WorkflowTemplate => workflow_templates.entry(u.name).or_default().push(i),
                UnitKind::ClusterWorkflowTemplate => {
                    cluster_templates.entry(u.name).or_insert(i);
                }
                _ => {}
            }
        }
        let mut named: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
        let mut kinds: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, d) in bundle.documents.iter().enumerate() {
            named.entry((d.object.kind(), d.object.name())).or_default().push(i);
            kinds.entry(d.object.kind()).or_default().push(i);
        }
        let mut bindings: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for kind in ["RoleBinding", "ClusterRoleBinding"] {
            for &i in kinds.get(kind).into_iter().flatten() {
                for subject in list(&bundle.documents[i].object.0["subjects"]) {
                    if text(subject, "kind") == "ServiceAccount" {
                        let entry = bindings.entry(text(subject, "name")).or_default();
                        if entry.last() != Some(&i) {
                            entry.push(i);
                        }
                    }
                }
            }
        }
        Index { units, bundle, workflow_templates, cluster_templates, named, kinds, bindings }
    }

    /// The WorkflowTemplate (or, with `cluster`, ClusterWorkflowTemplate) a caller in
    /// `namespace` means by `name`.
    pub fn holder(&self, name: &str, cluster: bool, namespace: Option<&str>) -> Option<usize> {
        if cluster {
            return self.cluster_templates.get(name).copied();
        }
        let candidates = self.workflow_templates.get(name)?;
        let same = |u: usize| match (namespace, self.units[u].namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        candidates.iter().copied().find(|&u| same(u))
    }

    /// The template a call (a task, step or hook, or anything with `template`, `templateRef`
    /// or `inline`) runs, from unit `from`.
    pub fn resolve(&self, from: usize, call: &'a Value, call_path: &str) -> Result<Target<'a>, Unresolved> {
        if let Some(inline) = call.get("inline") {
            return Ok(Target { unit: from, template: inline, path: format!("{call_path}.inline") });
        }
        if let Some(name) = call.get("template").and_then(Value::as_str) {
            let unit = &self.units[from];
            return unit.template(name).map(|(path, template)| Target { unit: from, template, path }).ok_or(Unresolved::Local(name.into()));
        }
        let Some(r) = call.get("templateRef") else { return Err(Unresolved::Nothing) };
        let (name, template) = (text(r, "name"), text(r, "template"));
        let cluster = r.get("clusterScope").and_then(Value::as_bool).unwrap_or(false);
        let holder = self.holder(name, cluster, self.units[from].namespace).ok_or_else(|| {
            let kind = if cluster { "ClusterWorkflowTemplate" } else { "WorkflowTemplate" };
            Unresolved::Object(format!("{kind} {name:?}"))
        })?;
        self.units[holder]
            .template(template)
            .map(|(path, t)| Target { unit: holder, template: t, path })
            .ok_or_else(|| Unresolved::Template(self.units[holder].id(), template.into()))
    }

    /// The unit a `workflowTemplateRef` names, if the unit has one and it resolves.
    pub fn workflow_template_ref(&self, unit: usize) -> Option<Result<usize, String>> {
        let u = &self.units[unit];
        let r = u.spec.get("workflowTemplateRef")?;
        let cluster = r.get("clusterScope").and_then(Value::as_bool).unwrap_or(false);
        let name = text(r, "name");
        Some(self.holder(name, cluster, u.namespace).ok_or_else(|| {
            let kind = if cluster { "ClusterWorkflowTemplate" } else { "WorkflowTemplate" };
            format!("{kind} {name:?}")
        }))
    }

    /// The Kubernetes objects of a kind in the bundle (any apiVersion).
    pub fn objects_of(&self, kind: &str) -> impl Iterator<Item = (usize, &'a crate::krm::Object)> + '_ {
        let docs = self.kinds.get(kind).map(Vec::as_slice).unwrap_or(&[]);
        docs.iter().map(|&i| (i, &self.bundle.documents[i].object))
    }

    /// The objects of a kind with a name, in `namespace` (an object or a caller without a
    /// namespace matches any).
    pub fn named(&self, kind: &str, name: &str, namespace: Option<&str>) -> Vec<(usize, &'a crate::krm::Object)> {
        let bundle = self.bundle;
        // A range from the key, since the map's keys borrow the bundle and these do not.
        let docs = match self.named.range((kind, name)..).next() {
            Some(((k, n), d)) if *k == kind && *n == name => d.as_slice(),
            _ => &[],
        };
        docs.iter()
            .map(|&i| (i, &bundle.documents[i].object))
            .filter(|(_, o)| match (namespace, o.namespace()) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            })
            .collect()
    }

    /// The RoleBindings and ClusterRoleBindings that name a ServiceAccount of this name.
    pub fn bindings_of(&self, account: &str) -> impl Iterator<Item = (usize, &'a crate::krm::Object)> + '_ {
        let docs = self.bindings.get(account).map(Vec::as_slice).unwrap_or(&[]);
        docs.iter().map(|&i| (i, &self.bundle.documents[i].object))
    }

    /// Whether the bundle holds an object of `kind` named `name` in `namespace`.
    pub fn has_object(&self, kind: &str, name: &str, namespace: Option<&str>) -> bool {
        !self.named(kind, name, namespace).is_empty()
    }
}

fn unit_name(o: &Value) -> &str {
    let meta = &o["metadata"];
    Some(text(meta, "name")).filter(|n| !n.is_empty()).unwrap_or_else(|| text(meta, "generateName"))
}
