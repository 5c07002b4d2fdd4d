//! Checks a `Platform` spec and builds the valid model, filling in the default images.

use super::{Path, Problems, name, rules, supply_chain};
use crate::model::{self, ImageRef, Images, Name, Origin, Severity};
use crate::spec;

/// The images the library runs when the Platform names none.
pub const DEFAULT_IMAGES: [(&str, &str); 10] = [
    ("git", "alpine/git:2.47.2"),
    ("node", "node:22-bookworm-slim"),
    ("python", "python:3.12-slim-bookworm"),
    ("go", "golang:1.24-bookworm"),
    ("scanner", "aquasec/trivy:0.63.0"),
    ("builder", "moby/buildkit:v0.23.2-rootless"),
    ("notifier", "python:3.12-alpine"),
    ("sonar", "sonarsource/sonar-scanner-cli:11.3"),
    ("sbom", "anchore/syft:v1.27.1"),
    ("signer", "gcr.io/projectsigstore/cosign:v2.5.2"),
];

/// The push-credentials Secret when the Platform names none.
pub const DEFAULT_REGISTRY_SECRET: &str = "registry-credentials";

pub(super) fn check(p: spec::Platform, problems: &mut Problems) -> Option<model::Platform> {
    let root = Path::root();
    let meta = root.key("metadata");
    let spec_path = root.key("spec");
    let name = name(problems, &meta.key("name"), &p.metadata.name);
    if p.metadata.namespace.is_some() {
        problems.push(&meta.key("namespace"), "must not be set: a Platform is cluster-scoped (its ClusterWorkflowTemplates have no namespace)".into());
    }
    let settings = supply_chain::platform(&p.spec, &spec_path, problems);
    let given = p.spec.images.unwrap_or_default();
    let mut image = |field: &str, value: Option<String>| -> Option<ImageRef> {
        let default = DEFAULT_IMAGES.iter().find(|(f, _)| *f == field).map(|(_, d)| *d).unwrap_or_default();
        let value = value.unwrap_or_else(|| default.to_owned());
        problems.check(&spec_path.key("images").key(field), rules::image(&value, true)).then(|| ImageRef::checked(value))
    };
    // Check every image before combining them, so that all problems are reported.
    let checked = [
        image("git", given.git),
        image("node", given.node),
        image("python", given.python),
        image("go", given.go),
        image("scanner", given.scanner),
        image("builder", given.builder),
        image("notifier", given.notifier),
        image("sonar", given.sonar),
        image("sbom", given.sbom),
        image("signer", given.signer),
    ];
    let images = match checked {
        [Some(git), Some(node), Some(python), Some(go), Some(scanner), Some(builder), Some(notifier), Some(sonar), Some(sbom), Some(signer)] => {
            Some(Images { git, node, python, go, scanner, builder, notifier, sonar, sbom, signer })
        }
        _ => None,
    };
    let secret = p.spec.registry.and_then(|r| r.credentials_secret).unwrap_or_else(|| DEFAULT_REGISTRY_SECRET.to_owned());
    let secret = problems
        .check(&spec_path.key("registry").key("credentialsSecret"), rules::dns_subdomain(&secret))
        .then(|| Name::checked(secret));
    let settings = settings?;
    Some(model::Platform {
        origin: Origin { kind: "Platform", namespace: None, name: name? },
        images: images?,
        registry_secret: secret?,
        fail_on: p.spec.scan.and_then(|s| s.fail_on).unwrap_or(Severity::High),
        sonar: settings.sonar,
        junit_reports: settings.junit_reports,
        build_cache_tag: settings.build_cache_tag,
        supply_chain: settings.supply_chain,
        argo_server_url: settings.argo_server_url,
    })
}
