//! Checks the settings for static analysis, scans, the signed artifact and notifications,
//! on both sides: the Platform's switches and what a Pipeline may add.

use super::{Path, Problems, Validated, rules};
use crate::krm::Object;
use crate::model::{
    CommitStatusTarget, Forge, GitUrl, HttpUrl, Name, Notify, Origin, SecretKeyRef, Severity, Signing, Sonar, Spec, SupplyChain,
};
use crate::spec::{self, SigningMode};
use std::collections::BTreeMap;

/// The cache tag when the Platform names none.
pub const DEFAULT_CACHE_TAG: &str = "buildcache";
/// How long the sonar step waits for the quality gate when the Platform says nothing.
pub const DEFAULT_QUALITY_GATE_TIMEOUT: u32 = 300;
/// The public Sigstore Fulcio.
pub const DEFAULT_FULCIO_URL: &str = "https://fulcio.sigstore.dev";
/// The public Sigstore Rekor.
pub const DEFAULT_REKOR_URL: &str = "https://rekor.sigstore.dev";

/// The Platform-side settings, validated.
pub(super) struct PlatformSettings {
    pub sonar: Option<Sonar>,
    pub junit_reports: bool,
    pub build_cache_tag: Option<String>,
    pub supply_chain: SupplyChain,
    pub argo_server_url: Option<HttpUrl>,
}

fn url(problems: &mut Problems, path: &Path, value: &str) -> Option<HttpUrl> {
    problems.check(path, rules::http_url(value)).then(|| HttpUrl::checked(value))
}

/// Checks a Secret name and key pair.
pub(super) fn secret_key(problems: &mut Problems, path: &Path, s: spec::SecretKey) -> Option<SecretKeyRef> {
    let name = secret_name(problems, path, s.name, s.secret_name);
    let key = problems.check(&path.key("key"), rules::secret_key(&s.key));
    Some(SecretKeyRef { name: name?, key: key.then_some(s.key)? })
}

/// The name of a Secret reference: `name`, or the deprecated `secretName` (with a warning that
/// says what to write and when it goes); never both.
pub(super) fn secret_name(problems: &mut Problems, path: &Path, name: Option<String>, old: Option<String>) -> Option<Name> {
    let (field, value) = match (name, old) {
        (Some(_), Some(_)) => {
            problems.push(&path.key("secretName"), "is the deprecated spelling of `name`, which is set too: remove `secretName`".into());
            return None;
        }
        (Some(n), None) => ("name", n),
        (None, Some(n)) => {
            let message = "is deprecated: write `name` instead (`{name, key}`, Kubernetes' own shape of a Secret reference); \
                           `secretName` is accepted until pipewright.dev/v1beta1, which will refuse it"
                .to_owned();
            problems.push_with(crate::krm::Severity::Warning, &path.key("secretName"), message);
            ("secretName", n)
        }
        (None, None) => {
            problems.push(&path.key("name"), "is required: the Secret's name, in the pipeline's namespace".into());
            return None;
        }
    };
    problems.check(&path.key(field), rules::dns_subdomain(&value)).then(|| Name::checked(value))
}

pub(super) fn platform(s: &spec::PlatformSpec, spec_path: &Path, problems: &mut Problems) -> Option<PlatformSettings> {
    let sonar = match s.sonar.clone() {
        None => Some(None),
        Some(sonar) => sonar_settings(sonar, &spec_path.key("sonar"), problems).map(Some),
    };
    let build = s.build.clone().unwrap_or_default();
    let cache_tag = build.cache_tag.unwrap_or_else(|| DEFAULT_CACHE_TAG.to_owned());
    let cache_ok = problems.check(&spec_path.key("build").key("cacheTag"), rules::image_tag(&cache_tag));
    let build_cache_tag = build.cache.unwrap_or(true).then_some(cache_tag);
    let supply_chain = supply_chain(s, &spec_path.key("supplyChain"), problems);
    let argo_server_url = match s.notify.as_ref().and_then(|n| n.argo_server_url.as_deref()) {
        None => Some(None),
        Some(u) => url(problems, &spec_path.key("notify").key("argoServerUrl"), u).map(Some),
    };
    Some(PlatformSettings {
        sonar: sonar?,
        junit_reports: s.reports.as_ref().and_then(|r| r.junit).unwrap_or(false),
        build_cache_tag: if cache_ok { build_cache_tag } else { None },
        supply_chain: supply_chain?,
        argo_server_url: argo_server_url?,
    })
}

fn sonar_settings(s: spec::SonarSettings, path: &Path, problems: &mut Problems) -> Option<Sonar> {
    let host_url = url(problems, &path.key("hostUrl"), &s.host_url);
    let token = secret_key(problems, &path.key("token"), s.token);
    let timeout = s.quality_gate_timeout_seconds.unwrap_or(DEFAULT_QUALITY_GATE_TIMEOUT);
    let timeout_ok = (1..=3600).contains(&timeout);
    if !timeout_ok {
        problems.push(&path.key("qualityGateTimeoutSeconds"), format!("is {timeout}: give a number of seconds from 1 to 3600"));
    }
    Some(Sonar {
        host_url: host_url?,
        token: token?,
        wait_quality_gate: s.wait_quality_gate.unwrap_or(true),
        quality_gate_timeout_seconds: timeout_ok.then_some(timeout)?,
    })
}

fn supply_chain(s: &spec::PlatformSpec, path: &Path, problems: &mut Problems) -> Option<SupplyChain> {
    let given = s.supply_chain.clone().unwrap_or_default();
    let signing_given = given.signing.unwrap_or_default();
    let signing_path = path.key("signing");
    let rekor = url(problems, &signing_path.key("rekorUrl"), signing_given.rekor_url.as_deref().unwrap_or(DEFAULT_REKOR_URL));
    let mode = signing_given.mode.unwrap_or(SigningMode::Keyless);
    let signing = match mode {
        SigningMode::Keyless => {
            if signing_given.key_secret.is_some() {
                problems.push(
                    &signing_path.key("keySecret"),
                    "is set but `mode` is `keyless`: set `mode: key` to sign with the key, or remove `keySecret`".into(),
                );
            }
            let fulcio = url(problems, &signing_path.key("fulcioUrl"), signing_given.fulcio_url.as_deref().unwrap_or(DEFAULT_FULCIO_URL));
            Some(Signing::Keyless { fulcio_url: fulcio?, rekor_url: rekor? })
        }
        SigningMode::Key => {
            if signing_given.fulcio_url.is_some() {
                problems.push(
                    &signing_path.key("fulcioUrl"),
                    "is only used with `mode: keyless`: remove it, or switch to keyless signing".into(),
                );
            }
            match signing_given.key_secret {
                None => {
                    problems.push(
                        &signing_path.key("keySecret"),
                        "is required with `mode: key`: name the Secret that holds `cosign.key` and `cosign.password`".into(),
                    );
                    None
                }
                Some(secret) => {
                    let ok = problems.check(&signing_path.key("keySecret"), rules::dns_subdomain(&secret));
                    if ok { rekor.map(|rekor_url| Signing::Key { secret: Name::checked(secret), rekor_url }) } else { None }
                }
            }
        }
        SigningMode::Off => Some(Signing::Off),
    };
    let sbom = given.sbom.unwrap_or(true);
    let attest = given.attest_sbom.unwrap_or(true);
    if given.attest_sbom == Some(true) && (!sbom || mode == SigningMode::Off) {
        problems
            .push(&path.key("attestSbom"), "is `true` but needs both `sbom: true` and signing on (`signing.mode` keyless or key)".into());
    }
    Some(SupplyChain {
        scan_image: s.scan.as_ref().and_then(|sc| sc.image).unwrap_or(true),
        sbom,
        attest_sbom: attest && sbom && mode != SigningMode::Off,
        signing: signing?,
    })
}

/// Checks a Pipeline's `notify` block. The repository URL is `None` when it was invalid.
pub(super) fn notify(n: spec::Notify, repo: Option<&GitUrl>, path: &Path, problems: &mut Problems) -> Option<Notify> {
    if n.webhook.is_none() && n.slack.is_none() && n.commit_status.is_none() {
        problems.push(path, "names no channel: set `webhook`, `slack` or `commitStatus`, or remove `notify`".into());
        return None;
    }
    let webhook = n.webhook.map(|w| secret_key(problems, &path.key("webhook"), w));
    let slack = n.slack.map(|w| secret_key(problems, &path.key("slack"), w));
    let commit_status = n.commit_status.map(|c| commit_status(c, repo, &path.key("commitStatus"), problems));
    Some(Notify {
        webhook: webhook.map_or(Some(None), |w| w.map(Some))?,
        slack: slack.map_or(Some(None), |w| w.map(Some))?,
        commit_status: commit_status.map_or(Some(None), |w| w.map(Some))?,
    })
}

fn commit_status(c: spec::CommitStatus, repo: Option<&GitUrl>, path: &Path, problems: &mut Problems) -> Option<CommitStatusTarget> {
    let token = secret_key(problems, &path.key("token"), c.token);
    let (host, repo_path) = rules::git_host_and_path(repo?.as_str());
    let api_url = match (c.api_url, c.provider) {
        (Some(u), _) => url(problems, &path.key("apiUrl"), &u),
        (None, Forge::Github) if host == "github.com" => Some(HttpUrl::checked("https://api.github.com")),
        (None, Forge::Github) => Some(HttpUrl::checked(format!("https://{host}/api/v3"))),
        (None, Forge::Gitlab) => Some(HttpUrl::checked(format!("https://{host}/api/v4"))),
    };
    Some(CommitStatusTarget { forge: c.provider, token: token?, api_url: api_url?, repo_path })
}

/// Every severity, lowest first.
const SEVERITIES: [Severity; 5] = [Severity::Unknown, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

fn severity_name(s: Severity) -> String {
    format!("{s:?}").to_uppercase()
}

/// A Pipeline's `scan.failOn` may only make a Platform's stricter. When the Platform is part of
/// the same input, a looser value is an error here; otherwise the scan step ignores it at run time.
pub(super) fn stricter_fail_on(objects: &BTreeMap<Origin, &Object>, out: &mut Validated) {
    let platforms: Vec<(Origin, Severity)> = out
        .specs
        .iter()
        .filter_map(|s| match s {
            Spec::Platform(p) => Some((p.origin.clone(), p.fail_on)),
            Spec::Pipeline(_) | Spec::Team(_) => None,
        })
        .collect();
    let mut rejected = Vec::new();
    for spec in &out.specs {
        let Spec::Pipeline(p) = spec else { continue };
        let Some(wanted) = p.fail_on else { continue };
        for (platform, floor) in platforms.iter().filter(|(_, floor)| wanted > *floor) {
            let valid: Vec<String> = SEVERITIES.into_iter().filter(|s| s <= floor).map(severity_name).collect();
            let message = format!(
                "{} is looser than {platform}'s failOn {}: a pipeline may only make the threshold stricter (valid: {})",
                severity_name(wanted),
                severity_name(*floor),
                valid.join(", ")
            );
            let mut problems = Problems::for_object(objects[&p.origin]);
            problems.push(&Path::root().key("spec").key("scan").key("failOn"), message);
            out.results.append(&mut problems.items);
            rejected.push(p.origin.clone());
        }
    }
    out.specs.retain(|s| !rejected.contains(s.origin()));
    out.results.sort();
}
