//! The integration test binary: one module per topic, each driving the real `pipewright`
//! binary (and the real kustomize and kpt where the topic needs them).

mod argo_checks;
mod argocd;
mod cases;
mod cli;
mod clone;
mod determinism;
mod docs_links;
mod error_files;
mod events_checks;
mod fidelity;
mod functions;
mod fuzz_smoke;
mod gitops;
mod hardening;
mod image_build;
mod injection;
mod invariants;
mod kpt;
mod kustomize;
mod python_deps;
mod rbac_checks;
mod required_fields;
mod retries;
mod run_semantics;
mod schema;
mod sensor_filters;
mod sensor_warnings;
mod splicing;
mod step_order;
mod supply_chain;
mod support;
mod tree;
