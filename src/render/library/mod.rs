//! Platform to library: the versioned ClusterWorkflowTemplates that every Pipeline calls.
//! One file per step family; `container` holds what every step shares (hardening, mounts).

mod analysis;
mod container;
mod git;
mod image;
mod notify;
mod reports;
mod security;
mod supply_chain;
mod toolchain;

use super::contract::Family;
use super::meta;
use crate::argo::{self, WorkflowSpec};
use crate::krm::Object;
use crate::model::{Platform, Release};

/// Every ClusterWorkflowTemplate of every library version the Platform installs, and the
/// ClusterRole that lets Sensors read them.
pub fn render(platform: &Platform) -> Vec<Object> {
    let mut out: Vec<Object> = platform.versions.iter().flat_map(|release| render_version(platform, release)).collect();
    out.push(super::rbac::library_reader(&platform.origin));
    out
}

/// One library version: each family rendered with the version's images, under versioned names.
fn render_version(base: &Platform, release: &Release) -> Vec<Object> {
    let platform = &Platform { images: release.images.clone(), ..base.clone() };
    let version = release.version.as_str();
    Family::ALL
        .into_iter()
        .map(|family| {
            let templates = match family {
                Family::Git => git::templates(platform),
                Family::Toolchain(t) => toolchain::templates(platform, t),
                Family::Security => vec![security::scan(platform), security::scan_image(platform)],
                Family::Image => vec![image::build(platform)],
                Family::Notify => vec![notify::webhook(platform), notify::slack(platform), notify::commit_status(platform)],
                Family::Analysis => vec![analysis::sonar(platform)],
                Family::SupplyChain => supply_chain::templates(platform),
            };
            let name = family.cluster_template_name(&release.version);
            let mut metadata = meta::object_meta(&platform.origin, &name, None, &[("pipewright.dev/library", version)]);
            metadata
                .annotations
                .get_or_insert_default()
                .insert("workflows.argoproj.io/description".into(), format!("pipewright library {version}: {}", describe(family)));
            Object::from_serialize(&argo::WorkflowTemplate {
                api_version: argo::API_VERSION,
                kind: "ClusterWorkflowTemplate",
                metadata,
                spec: WorkflowSpec { templates, ..Default::default() },
            })
        })
        .collect()
}

fn describe(family: Family) -> String {
    match family {
        Family::Git => "clones the repository into the shared workspace".into(),
        Family::Toolchain(t) => format!("deps, lint and test for {}", t.as_str()),
        Family::Security => "scans the source tree (vulnerabilities, secrets, misconfiguration) and the pushed image".into(),
        Family::Image => "builds and pushes the image with rootless BuildKit".into(),
        Family::Notify => "reports the run's status to a webhook, Slack or a commit status".into(),
        Family::Analysis => "sends the code to SonarQube and waits for its quality gate".into(),
        Family::SupplyChain => "SBOM, signature and attestation of the pushed image, by digest".into(),
    }
}
