//! Model to Kubernetes objects: one file per output family. Takes the model only, so it has
//! no error paths for bad input.

mod cache;
pub mod contract;
mod cron;
mod events;
mod library;
mod meta;
mod pipeline_steps;
mod presets;
mod rbac;
mod scripts;
mod sensor;
mod sso;
mod workflow_template;

use crate::krm::Object;
use crate::model::Spec;

pub use meta::{GENERATED_FROM, MANAGED_BY_LABEL};

/// Every object one spec expands into, in a fixed order.
pub fn render(spec: &Spec) -> Vec<Object> {
    match spec {
        Spec::Platform(p) => library::render(p),
        Spec::Pipeline(p) => {
            let mut out = vec![workflow_template::render(p)];
            out.extend(cache::claims(p));
            out.extend(rbac::render(p));
            out.extend(sensor::render(p));
            out.extend(cron::render(p));
            out
        }
        Spec::Team(t) => {
            let mut out = sso::render(t);
            out.extend(events::render(t));
            out
        }
    }
}
