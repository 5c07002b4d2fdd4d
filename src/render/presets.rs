//! Toolchain presets: the default commands and environment of the deps, lint and test steps.

use crate::model::Toolchain;

/// A toolchain's default commands and extra environment.
pub struct Preset {
    /// Installs dependencies.
    pub deps: &'static [&'static str],
    /// Lints.
    pub lint: &'static [&'static str],
    /// Tests.
    pub test: &'static [&'static str],
    /// Environment for all three steps (caches live in the shared workspace).
    pub env: &'static [(&'static str, &'static str)],
}

const PYTHON_DEPS: &str = "python -m venv \"$VIRTUAL_ENV\" && if [ -f requirements.txt ]; then pip install -r requirements.txt; fi && if [ -f requirements-dev.txt ]; then pip install -r requirements-dev.txt; fi && if [ -f pyproject.toml ]; then pip install -e .; fi && pip install ruff pytest";

/// The preset of a toolchain.
pub fn preset(toolchain: Toolchain) -> Preset {
    match toolchain {
        Toolchain::Node => Preset {
            deps: &["npm", "ci"],
            lint: &["npm", "run", "lint", "--if-present"],
            test: &["npm", "test"],
            env: &[("npm_config_cache", "/workspace/.cache/npm"), ("CI", "true")],
        },
        Toolchain::Python => Preset {
            deps: &["sh", "-c", PYTHON_DEPS],
            lint: &["ruff", "check", "."],
            test: &["python", "-m", "pytest"],
            env: &[
                ("VIRTUAL_ENV", "/workspace/.venv"),
                ("PATH", "/workspace/.venv/bin:/usr/local/bin:/usr/bin:/bin"),
                ("PIP_CACHE_DIR", "/workspace/.cache/pip"),
                ("CI", "true"),
            ],
        },
        Toolchain::Go => Preset {
            deps: &["go", "mod", "download"],
            lint: &["go", "vet", "./..."],
            test: &["go", "test", "./..."],
            env: &[
                ("GOPATH", "/workspace/.cache/go"),
                ("GOCACHE", "/workspace/.cache/go-build"),
                ("GOFLAGS", "-buildvcs=false"),
                ("CI", "true"),
            ],
        },
    }
}
