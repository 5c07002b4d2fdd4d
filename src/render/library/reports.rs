//! Test reports: where the test step writes JUnit XML (`$PW_REPORTS_DIR`) and the optional
//! output artifact that keeps them when the Platform switches `reports.junit` on.

use super::container::env;
use crate::argo::{Artifact, Outputs};
use crate::model::Toolchain;
use crate::render::contract::{REPORTS_PATH, artifact};
use k8s_openapi::api::core::v1::EnvVar;

/// The test step's report variables: `PW_REPORTS_DIR` for every toolchain, and the flag that
/// makes the toolchain's runner write JUnit XML there where it has one without extra packages.
/// With reports kept (`collect`), the runners that write JUnit XML in their own place (maven's
/// surefire, gradle) get `PW_REPORTS_FROM`: the launcher copies it to `PW_REPORTS_DIR` after the run.
pub(super) fn test_env(toolchain: Toolchain, collect: bool) -> Vec<EnvVar> {
    let mut vars = vec![env("PW_REPORTS_DIR", REPORTS_PATH)];
    if toolchain == Toolchain::Python {
        vars.push(env("PYTEST_ADDOPTS", &format!("--junitxml={REPORTS_PATH}/pytest.xml")));
    }
    let native = match toolchain {
        Toolchain::Maven => Some("target/surefire-reports"),
        Toolchain::Gradle => Some("build/test-results"),
        _ => None,
    };
    if let (Some(dir), true) = (native, collect) {
        vars.push(env("PW_REPORTS_FROM", dir));
    }
    vars
}

/// The reports directory as an optional artifact: a run whose tests write none still succeeds.
pub(super) fn junit_outputs() -> Outputs {
    Outputs {
        artifacts: vec![Artifact { name: artifact::TEST_REPORTS.into(), path: REPORTS_PATH.into(), optional: true }],
        ..Default::default()
    }
}
