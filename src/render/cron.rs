//! A Pipeline's `schedule` to a CronWorkflow that runs its WorkflowTemplate by reference.

use super::contract::{event, param};
use super::meta;
use crate::argo::{self, Arguments, CronWorkflow, CronWorkflowSpec, Parameter, WorkflowSpec, WorkflowTemplateRef};
use crate::krm::Object;
use crate::model::Pipeline;

/// The CronWorkflow, when the pipeline has a schedule.
pub fn render(p: &Pipeline) -> Option<Object> {
    let schedule = p.triggers.schedule.as_ref()?;
    let name = p.name().as_str();
    let cron = CronWorkflow {
        api_version: argo::API_VERSION,
        kind: "CronWorkflow",
        metadata: meta::object_meta(&p.origin, name, Some(p.namespace().as_str()), &[("pipewright.dev/pipeline", name)]),
        spec: CronWorkflowSpec {
            schedules: vec![schedule.as_str().into()],
            // A run still going when the next is due is not doubled; the mutex also serializes it
            // with pushes to the same branch.
            concurrency_policy: "Forbid".into(),
            starting_deadline_seconds: 600,
            successful_jobs_history_limit: 3,
            failed_jobs_history_limit: 3,
            workflow_spec: WorkflowSpec {
                workflow_template_ref: Some(WorkflowTemplateRef { name: name.into() }),
                arguments: Some(Arguments { parameters: vec![Parameter::value(param::EVENT, event::SCHEDULE)] }),
                ..Default::default()
            },
        },
    };
    Some(Object::from_serialize(&cron))
}
