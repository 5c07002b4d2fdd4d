//! Checks a `Platform` spec and builds the valid model, filling in the default images and
//! resolving each library version's images (version over `spec.images` over the defaults).

use super::{Path, Problems, name, rules, supply_chain};
use crate::krm::Severity as ResultSeverity;
use crate::model::{self, ImageRef, Images, LIBRARY_VERSION, LibraryVersion, Name, Origin, Release, Severity};
use crate::spec::{self, PlatformImages};
use std::collections::BTreeSet;

/// The images the library runs when the Platform names none, each pinned by digest so that a
/// tag moved upstream cannot change what runs. The tag stays for the reader (and for Renovate's
/// docker datasource); the digest decides. README "Updating the default images" says how to bump them.
pub const DEFAULT_IMAGES: [(&str, &str); 14] = [
    ("git", "alpine/git:2.47.2@sha256:062a01ad7a0eb17cff382bc5e26086b4d710e56dfdfdf001109a49b6d9bd378c"),
    ("node", "node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c"),
    ("python", "python:3.12-slim-bookworm@sha256:782412e85d0f0984994c290652577d4018aff08145c85b262bb63dc0c7522254"),
    ("go", "golang:1.24-bookworm@sha256:1a6d4452c65dea36aac2e2d606b01b4a029ec90cc1ae53890540ce6173ea77ac"),
    ("maven", "maven:3.9-eclipse-temurin-21@sha256:8f6ac126f7810bb5549c4cd122d2bf0e9cda5bdeb0838aa928f09e779fd8bef8"),
    ("gradle", "gradle:8-jdk21@sha256:94452354d9218922457d82e85a343391bab351e7f518f6f5ab1db996967d238b"),
    ("rust", "rust:1-bookworm@sha256:93ce27a88655056a51dbdd8f5f2d7ddc071c7b0070fb288a37b5a285fc83971e"),
    ("dotnet", "mcr.microsoft.com/dotnet/sdk:8.0@sha256:35792ea4ad1db051981f62b313f1be3b46b1f45cadbaa3c288cd0d3056eefb83"),
    ("scanner", "aquasec/trivy:0.63.0@sha256:6fb0646988fcd2fdf7bf123f7174945ebc2c9c72d1fa1567c8d7daeeb70f8037"),
    ("builder", "moby/buildkit:v0.23.2-rootless@sha256:cab936745de5d673465948f1e93ff4d6e372bbe33f218afd3314eba45a6f85a9"),
    ("notifier", "python:3.12-alpine@sha256:6d43704baacd1bfbe7c295d7f13079d5d8104ed33568873133f8fc69980419df"),
    // The scanner image's tags do not follow the CLI version: this digest is SonarScanner CLI 8.1.0.6389.
    ("sonar", "sonarsource/sonar-scanner-cli@sha256:a3f4215076706c95a17a68c19322ee916e40a3acd081a8c1a1e839e0194afa57"),
    ("sbom", "anchore/syft:v1.27.1@sha256:844ed6a928ef9396fac26d1de374e71dcaf80df14f05841670ed41619c5a718f"),
    ("signer", "gcr.io/projectsigstore/cosign:v2.2.4@sha256:bed7ba33a8610c1607c16dee696f62bad168814016126abb9da01e9fb7cb2167"),
];

/// The push-credentials Secret when the Platform names none.
pub const DEFAULT_REGISTRY_SECRET: &str = "registry-credentials";

pub(super) fn check(p: spec::Platform, problems: &mut Problems) -> Option<model::Platform> {
    let root = Path::root();
    let meta = root.key("metadata");
    let spec_path = root.key("spec");
    let name = name(problems, &meta.key("name"), &p.metadata.name);
    if p.metadata.namespace.is_some() {
        problems.push(
            &meta.key("namespace"),
            "must not be set: a Platform is cluster-scoped (its ClusterWorkflowTemplates have no namespace)".into(),
        );
    }
    let settings = supply_chain::platform(&p.spec, &spec_path, problems);
    let base = p.spec.images.unwrap_or_default();
    let mut ok = check_images(problems, &spec_path.key("images"), &base);
    let releases = p.spec.versions.unwrap_or_else(|| vec![spec::LibraryRelease { version: LIBRARY_VERSION.into(), images: None }]);
    let versions_path = spec_path.key("versions");
    if releases.is_empty() {
        problems.push(&versions_path, format!("is empty: list at least one library version, such as `[{{version: {LIBRARY_VERSION}}}]`"));
    }
    let mut seen = BTreeSet::new();
    let mut versions = Vec::new();
    for (i, release) in releases.into_iter().enumerate() {
        let at = versions_path.index(i);
        let overrides = release.images.unwrap_or_default();
        ok &= check_images(problems, &at.key("images"), &overrides);
        if !problems.check(&at.key("version"), rules::library_version(&release.version)) {
            continue;
        }
        if !seen.insert(release.version.clone()) {
            problems.push(&at.key("version"), format!("{:?} is listed twice: each library version appears once", release.version));
            continue;
        }
        versions.push(Release { version: LibraryVersion::checked(release.version), images: resolve(&[&overrides, &base]) });
    }
    let secret = p.spec.registry.and_then(|r| r.credentials_secret).unwrap_or_else(|| DEFAULT_REGISTRY_SECRET.to_owned());
    let secret =
        problems.check(&spec_path.key("registry").key("credentialsSecret"), rules::dns_subdomain(&secret)).then(|| Name::checked(secret));
    let settings = settings?;
    if !ok {
        return None;
    }
    Some(model::Platform {
        origin: Origin { kind: "Platform", namespace: None, name: name? },
        images: resolve(&[&base]),
        registry_secret: secret?,
        fail_on: p.spec.scan.and_then(|s| s.fail_on).unwrap_or(Severity::High),
        sonar: settings.sonar,
        junit_reports: settings.junit_reports,
        build_cache_tag: settings.build_cache_tag,
        supply_chain: settings.supply_chain,
        argo_server_url: settings.argo_server_url,
        versions,
    })
}

/// The images a Platform may set, by field name.
fn fields(i: &PlatformImages) -> [(&'static str, Option<&String>); 14] {
    [
        ("git", i.git.as_ref()),
        ("node", i.node.as_ref()),
        ("python", i.python.as_ref()),
        ("go", i.go.as_ref()),
        ("maven", i.maven.as_ref()),
        ("gradle", i.gradle.as_ref()),
        ("rust", i.rust.as_ref()),
        ("dotnet", i.dotnet.as_ref()),
        ("scanner", i.scanner.as_ref()),
        ("builder", i.builder.as_ref()),
        ("notifier", i.notifier.as_ref()),
        ("sonar", i.sonar.as_ref()),
        ("sbom", i.sbom.as_ref()),
        ("signer", i.signer.as_ref()),
    ]
}

/// Checks every image given at `path`; warns about those not pinned by digest.
fn check_images(problems: &mut Problems, path: &Path, given: &PlatformImages) -> bool {
    let mut ok = true;
    for (field, value) in fields(given) {
        let Some(value) = value else { continue };
        let at = path.key(field);
        let valid = problems.check(&at, rules::image(value, true));
        ok &= valid;
        if valid && !value.contains("@sha256:") {
            problems.push_with(
                ResultSeverity::Warning,
                &at,
                format!("{value:?} is not pinned by digest: a moved tag changes what every pipeline runs (use `{value}@sha256:<digest>`)"),
            );
        }
    }
    ok
}

/// The images of one version: the first layer that sets a field wins, else the default.
/// Every given value has been checked by `check_images`.
fn resolve(layers: &[&PlatformImages]) -> Images {
    let pick = |field: &str| -> ImageRef {
        let given = layers.iter().find_map(|l| fields(l).into_iter().find(|(f, _)| *f == field).and_then(|(_, v)| v.cloned()));
        let default = DEFAULT_IMAGES.iter().find(|(f, _)| *f == field).map(|(_, d)| (*d).to_owned()).unwrap_or_default();
        ImageRef::checked(given.unwrap_or(default))
    };
    Images {
        git: pick("git"),
        node: pick("node"),
        python: pick("python"),
        go: pick("go"),
        maven: pick("maven"),
        gradle: pick("gradle"),
        rust: pick("rust"),
        dotnet: pick("dotnet"),
        scanner: pick("scanner"),
        builder: pick("builder"),
        notifier: pick("notifier"),
        sonar: pick("sonar"),
        sbom: pick("sbom"),
        signer: pick("signer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_pinned_by_digest() {
        for (field, image) in DEFAULT_IMAGES {
            assert!(rules::image(image, true).is_ok(), "{field}: {image}");
            let digest = image.split_once("@sha256:").map(|(_, d)| d).unwrap_or_default();
            assert!(digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()), "{field} is not pinned by digest: {image}");
        }
        let names: Vec<&str> = fields(&PlatformImages::default()).iter().map(|(f, _)| *f).collect();
        assert_eq!(names, DEFAULT_IMAGES.map(|(f, _)| f), "every image field has a default");
    }
}
