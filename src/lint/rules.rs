//! The rules `pipewright lint` knows, each with a stable id, a default severity and one line on
//! what it catches. The table in docs/lint.md lists the same ids (a test keeps them in step).

use crate::krm::Severity;

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// What Argo's own validation (the API server, `argo lint`, the controller at submit) rejects.
    Argo,
    /// What Argo accepts but fails, or misbehaves, only once a pod runs.
    Run,
    /// Security: injection and privileges.
    Security,
    /// Specs of pipewright's own kinds, as the function validates them.
    Pipewright,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $family:ident, $severity:ident, $summary:literal;)*) => {
        /// One rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $summary] $variant,)*
        }

        impl Rule {
            /// Every rule, in the order of the docs' table.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable id, such as `argo/unknown-field`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// Where the rule comes from.
            pub fn family(self) -> Family {
                match self { $(Rule::$variant => Family::$family,)* }
            }

            /// The severity of its findings, unless a finding says otherwise.
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// What it catches, in one line.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    UnknownField = "argo/unknown-field", Argo, Error, "A field Argo's schema does not have (strict decoding rejects it).";
    SchemaType = "argo/schema-type", Argo, Error, "A value of the wrong shape: a mapping, list or scalar where the schema wants another.";
    RequiredField = "argo/required-field", Argo, Error, "A field the schema requires is missing.";
    Name = "argo/name", Argo, Error, "An invalid, too long or duplicate name (object, template, task, step, parameter).";
    Entrypoint = "argo/entrypoint", Argo, Error, "A Workflow or CronWorkflow without an entrypoint, or one that names no template.";
    TemplateMissing = "argo/template-missing", Argo, Error, "A task, step, onExit or hook that names a template the object does not hold.";
    TemplateType = "argo/template-type", Argo, Error, "A template with no type, or more than one (container, script, dag, steps, …).";
    TemplateRefMissing = "argo/templateref-missing", Argo, Error, "A templateRef (or workflowTemplateRef) whose object or template is not in the bundle.";
    DagDependency = "argo/dag-dependency", Argo, Error, "A DAG task that depends on a task the DAG does not have.";
    DagCycle = "argo/dag-cycle", Argo, Error, "DAG tasks that depend on each other in a cycle.";
    DagDependsAndDependencies = "argo/dag-depends-and-dependencies", Argo, Error, "A DAG task with both `depends` and `dependencies`.";
    MissingInput = "argo/missing-input", Argo, Error, "A call that does not supply an input parameter or artifact the template requires.";
    VariableScope = "argo/variable-scope", Argo, Error, "A `{{…}}` variable that is not in scope where it is used.";
    CronSchedule = "argo/cron-schedule", Argo, Error, "A CronWorkflow schedule that does not parse.";
    CronTimezone = "argo/cron-timezone", Argo, Error, "A CronWorkflow timezone that is not an IANA time zone.";
    UndefinedWorkflowParameter = "run/undefined-workflow-parameter", Run, Error, "A `{{workflow.parameters.X}}` in a referenced template that the calling workflow does not define.";
    VolumeMissing = "run/volume-missing", Run, Error, "A volumeMount with no volume of that name in the workflow that runs it (templateRef included).";
    EmptyDirShared = "run/emptydir-shared", Run, Error, "An emptyDir mounted by more than one pod of a DAG or steps: each pod gets its own, nothing is shared.";
    TriggerTemplateMissing = "run/trigger-template-missing", Run, Error, "A Sensor trigger that submits a WorkflowTemplate or template missing from the bundle.";
    PvcMissing = "run/pvc-missing", Run, Warning, "A PersistentVolumeClaim that is referenced but not in the bundle.";
    SecretMissing = "run/secret-missing", Run, Warning, "A Secret that is referenced but not in the bundle.";
    ScriptSplice = "security/script-splice", Security, Warning, "A `{{…}}` spliced into script text or an `sh -c` program (an error when the value comes from workflow parameters or task outputs).";
    ServiceAccountMissing = "rbac/missing-serviceaccount", Security, Warning, "A workflow's ServiceAccount that is not in the bundle.";
    MissingTaskResults = "rbac/missing-taskresults", Security, Error, "A workflow's ServiceAccount bound to no Role that grants workflowtaskresults create and patch.";
    Wildcard = "rbac/wildcard", Security, Error, "A `*` in a Role's or ClusterRole's apiGroups, resources or verbs.";
    PipewrightSpec = "pipewright/spec", Pipewright, Error, "A Pipeline, Team or Platform that the pipewright function rejects (its message says why).";
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn ids_are_unique_and_documented() {
        let ids: std::collections::BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), Rule::ALL.len());
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/lint.md")).unwrap_or_default();
        for rule in Rule::ALL {
            assert!(docs.contains(&format!("`{}`", rule.id())), "docs/lint.md does not list {}", rule.id());
        }
    }
}
