//! pipewright: a KRM function and CLI that expands three small kinds into Argo Workflows CI.
//!
//! The data flows one way:
//! stdin → [`krm`] → [`spec`] → [`validate`] → [`model`] → [`render`] (with [`argo`]) → [`function`] → stdout.
//! [`bundle`] picks one Pipeline's rendered objects for the commands that read them (run, graph, explain);
//! [`gitops`] reads and writes the GitOps repo for `init`, `add` and `render`;
//! [`commands`] adapt each subcommand; [`app`] and [`cli`] parse arguments and pick exit codes.

pub mod app;
pub mod argo;
pub mod bundle;
pub mod cli;
pub mod commands;
pub mod explain;
pub mod function;
pub mod gitops;
pub mod graph;
pub mod krm;
pub mod lint;
pub mod model;
pub mod render;
pub mod run;
pub mod spec;
pub mod validate;
