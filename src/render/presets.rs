//! Toolchain presets: the default commands, environment and cache keys of the deps, lint and
//! test steps. Every cache path sits under `CACHE_LINK`, which the launcher points at the
//! cache directory keyed by the project's lockfiles.

use super::scripts;
use crate::model::Toolchain;

/// Where each step finds its dependency cache: a link the launcher makes to `/cache/<key>`
/// (or to an empty directory when the cache is cold, missing or unwritable).
pub const CACHE_LINK: &str = "/tmp/cache";

/// A toolchain's default commands, environment and cache key.
pub struct Preset {
    /// Installs dependencies (empty: no default, the Pipeline must give one).
    pub deps: &'static [&'static str],
    /// Lints (empty: no default).
    pub lint: &'static [&'static str],
    /// Tests (empty: no default).
    pub test: &'static [&'static str],
    /// Environment for all three steps; tool caches point under `CACHE_LINK`.
    pub env: &'static [(&'static str, &'static str)],
    /// The lockfiles whose contents key the cache, looked up in the project's directory first,
    /// then at the repository root (workspaces keep one lockfile for many projects).
    pub lockfiles: &'static [&'static str],
}

/// The preset of a toolchain.
pub fn preset(toolchain: Toolchain) -> Preset {
    match toolchain {
        Toolchain::Node => Preset {
            deps: &["npm", "ci"],
            lint: &["npm", "run", "lint", "--if-present"],
            test: &["npm", "test"],
            env: &[("npm_config_cache", "/tmp/cache/npm"), ("CI", "true")],
            lockfiles: &["package-lock.json", "npm-shrinkwrap.json"],
        },
        Toolchain::Python => Preset {
            deps: &["sh", "-c", scripts::PYTHON_DEPS],
            lint: &["ruff", "check", "."],
            test: &["python", "-m", "pytest"],
            env: &[
                ("VIRTUAL_ENV", "/workspace/.venv"),
                ("PATH", "/workspace/.venv/bin:/usr/local/bin:/usr/bin:/bin"),
                ("PIP_CACHE_DIR", "/tmp/cache/pip"),
                ("CI", "true"),
            ],
            lockfiles: &["uv.lock", "poetry.lock", "requirements.txt", "requirements-dev.txt", "pyproject.toml"],
        },
        Toolchain::Go => Preset {
            deps: &["go", "mod", "download"],
            lint: &["go", "vet", "./..."],
            test: &["go", "test", "./..."],
            env: &[("GOPATH", "/tmp/cache/go"), ("GOCACHE", "/tmp/cache/go-build"), ("GOFLAGS", "-buildvcs=false"), ("CI", "true")],
            lockfiles: &["go.sum"],
        },
        Toolchain::Maven => Preset {
            deps: &["mvn", "-B", "-ntp", "dependency:go-offline"],
            lint: &["mvn", "-B", "-ntp", "-DskipTests", "verify"],
            test: &["mvn", "-B", "-ntp", "test"],
            env: &[("MAVEN_CONFIG", "/tmp/.m2"), ("MAVEN_OPTS", "-Duser.home=/tmp -Dmaven.repo.local=/tmp/cache/m2"), ("CI", "true")],
            lockfiles: &["pom.xml"],
        },
        Toolchain::Gradle => Preset {
            deps: &["gradle", "--no-daemon", "--console=plain", "testClasses"],
            lint: &["gradle", "--no-daemon", "--console=plain", "check", "-x", "test"],
            test: &["gradle", "--no-daemon", "--console=plain", "test"],
            env: &[("GRADLE_USER_HOME", "/tmp/cache/gradle"), ("CI", "true")],
            lockfiles: &[
                "gradle.lockfile",
                "build.gradle",
                "build.gradle.kts",
                "settings.gradle",
                "settings.gradle.kts",
                "gradle/libs.versions.toml",
            ],
        },
        Toolchain::Rust => Preset {
            deps: &["cargo", "fetch"],
            lint: &["cargo", "check", "--all-targets"],
            test: &["cargo", "test"],
            env: &[
                ("CARGO_HOME", "/tmp/cache/cargo"),
                ("CARGO_TARGET_DIR", "/tmp/cache/target"),
                ("CARGO_INCREMENTAL", "0"),
                ("CARGO_TERM_COLOR", "never"),
                ("CI", "true"),
            ],
            lockfiles: &["Cargo.lock", "rust-toolchain.toml"],
        },
        Toolchain::Dotnet => Preset {
            deps: &["dotnet", "restore"],
            lint: &["dotnet", "format", "--verify-no-changes"],
            test: &["dotnet", "test"],
            env: &[
                ("NUGET_PACKAGES", "/tmp/cache/nuget"),
                ("DOTNET_CLI_HOME", "/tmp"),
                ("DOTNET_CLI_TELEMETRY_OPTOUT", "1"),
                ("DOTNET_NOLOGO", "1"),
                ("CI", "true"),
            ],
            lockfiles: &["packages.lock.json", "Directory.Packages.props", "global.json"],
        },
        Toolchain::Generic => {
            Preset { deps: &[], lint: &[], test: &[], env: &[("XDG_CACHE_HOME", "/tmp/cache"), ("CI", "true")], lockfiles: &[] }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_live_under_the_link_and_only_generic_lacks_commands() {
        for t in Toolchain::ALL {
            let p = preset(t);
            for (name, value) in p.env {
                let is_cache = name.contains("CACHE")
                    || name.contains("HOME") && *name != "DOTNET_CLI_HOME"
                    || ["GOPATH", "NUGET_PACKAGES", "CARGO_TARGET_DIR"].contains(name);
                assert!(!is_cache || value.starts_with(CACHE_LINK), "{t:?}: {name}={value} is outside {CACHE_LINK}");
            }
            assert_eq!(p.deps.is_empty(), t == Toolchain::Generic, "{t:?}");
            assert_eq!(p.lockfiles.is_empty(), t == Toolchain::Generic, "{t:?}");
        }
    }
}
