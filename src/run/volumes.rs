//! Volumes as local directories: `volumeClaimTemplates` under the run's directory (removed at
//! the end, as `volumeClaimGC` does), PersistentVolumeClaims under the pipeline's work
//! directory (they persist, so a second run finds the cache warm), `emptyDir` per pod, and
//! Secret and projected volumes written per pod from the given Secrets.

use super::secrets::Secrets;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Where a run keeps its state.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// The pipeline's work directory (claims live here across runs).
    pub work: PathBuf,
    /// This run's directory.
    pub run: PathBuf,
}

impl Dirs {
    /// The host directory of a PersistentVolumeClaim.
    pub fn claim(&self, name: &str) -> PathBuf {
        self.work.join("claims").join(name)
    }

    /// The host directory of a `volumeClaimTemplates` entry.
    pub fn claim_template(&self, name: &str) -> PathBuf {
        self.run.join("volumes").join(name)
    }

    /// A pod's own directory.
    pub fn pod(&self, pod: &str) -> PathBuf {
        self.run.join("pods").join(pod)
    }
}

/// Makes the host side of a volume for one pod: `volume` is the (substituted) volume object.
pub fn materialize(volume: &Value, dirs: &Dirs, pod: &str, secrets: &Secrets) -> Result<PathBuf, String> {
    let name = volume.get("name").and_then(Value::as_str).unwrap_or("");
    let safe = name.replace(['/', '.'], "_");
    if let Some(claim) = volume.get("persistentVolumeClaim") {
        let claim = claim.get("claimName").and_then(Value::as_str).unwrap_or("");
        if claim.is_empty() || claim.contains('/') || claim.starts_with('.') {
            return Err(format!("volume {name}: claimName `{claim}` is not a claim's name"));
        }
        let dir = dirs.claim(claim);
        std::fs::create_dir_all(&dir).map_err(|e| format!("volume {name}: cannot create {}: {e}", dir.display()))?;
        return Ok(dir);
    }
    let dir = dirs.pod(pod).join("volumes").join(&safe);
    std::fs::create_dir_all(&dir).map_err(|e| format!("volume {name}: cannot create {}: {e}", dir.display()))?;
    if volume.get("emptyDir").is_some() {
        return Ok(dir);
    }
    if let Some(secret) = volume.get("secret") {
        write_secret(secret, &dir, secrets).map_err(|e| format!("volume {name}: {e}"))?;
        return Ok(dir);
    }
    if let Some(projected) = volume.get("projected") {
        for source in projected.get("sources").and_then(Value::as_array).into_iter().flatten() {
            if let Some(token) = source.get("serviceAccountToken") {
                let path = token.get("path").and_then(Value::as_str).unwrap_or("token");
                let audience = token.get("audience").and_then(Value::as_str).unwrap_or("");
                // No cluster issues tokens here: the step gets a recognisable stand-in.
                write_file(&dir.join(path), format!("pipewright-run-local-token.audience={audience}").as_bytes(), 0o600)
                    .map_err(|e| format!("volume {name}: {e}"))?;
            }
            if let Some(secret) = source.get("secret") {
                let mut secret = secret.clone();
                if let Some(obj) = secret.as_object_mut()
                    && let Some(n) = obj.remove("name")
                {
                    obj.insert("secretName".into(), n);
                }
                write_secret(&secret, &dir, secrets).map_err(|e| format!("volume {name}: {e}"))?;
            }
        }
        return Ok(dir);
    }
    Err(format!("volume {name}: only emptyDir, secret, projected and persistentVolumeClaim volumes run locally"))
}

fn write_secret(secret: &Value, dir: &Path, secrets: &Secrets) -> Result<(), String> {
    let name = secret.get("secretName").and_then(Value::as_str).unwrap_or("");
    let optional = secret.get("optional").and_then(Value::as_bool).unwrap_or(false);
    let mode = secret.get("defaultMode").and_then(Value::as_u64).unwrap_or(0o644) as u32;
    let items = secret.get("items").and_then(Value::as_array);
    match (secrets.keys(name), items) {
        (None, _) if optional => Ok(()),
        (None, _) => {
            secrets.get(name, items.and_then(|i| i.first()).and_then(|i| i.get("key")).and_then(Value::as_str).unwrap_or("KEY")).map(|_| ())
        }
        (Some(keys), None) => {
            for (key, data) in keys {
                write_file(&dir.join(key), data, mode)?;
            }
            Ok(())
        }
        (Some(_), Some(items)) => {
            for item in items {
                let key = item.get("key").and_then(Value::as_str).unwrap_or("");
                let path = item.get("path").and_then(Value::as_str).unwrap_or(key);
                let item_mode = item.get("mode").and_then(Value::as_u64).map(|m| m as u32).unwrap_or(mode);
                match secrets.get(name, key) {
                    Ok(data) => write_file(&dir.join(path), data, item_mode)?,
                    Err(_) if optional => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }
    }
}

fn write_file(path: &Path, data: &[u8], mode: u32) -> Result<(), String> {
    if path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return Err(format!("{} leaves its volume", path.display()));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, data).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    set_mode(path, mode);
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o777));
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

/// The host path of a container path, through the pod's mounts (the longest mount path that
/// holds it wins).
pub fn host_path(mounts: &[super::executor::Mount], path: &str) -> Option<PathBuf> {
    mounts
        .iter()
        .filter(|m| path == m.path || path.starts_with(&format!("{}/", m.path.trim_end_matches('/'))))
        .max_by_key(|m| m.path.len())
        .map(|m| {
            let rest = path[m.path.len()..].trim_start_matches('/');
            if rest.is_empty() { m.host.clone() } else { m.host.join(rest) }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::executor::Mount;
    use serde_json::json;

    #[test]
    fn secret_volumes_write_their_items_and_missing_secrets_say_how_to_give_them() {
        let run = tempfile::tempdir().unwrap();
        let dirs = Dirs { work: run.path().join("w"), run: run.path().join("r") };
        let mut secrets = Secrets::default();
        secrets.add_arg("git.password=tok").unwrap();
        let volume = json!({"name": "git", "secret": {"secretName": "git", "items": [{"key": "password", "path": "password"}]}});
        let dir = materialize(&volume, &dirs, "p1", &secrets).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("password")).unwrap(), "tok");
        let missing = json!({"name": "x", "secret": {"secretName": "nope", "items": [{"key": "k", "path": "k"}]}});
        assert!(materialize(&missing, &dirs, "p1", &secrets).unwrap_err().contains("--secret nope.k=VALUE"));
        let optional = json!({"name": "y", "secret": {"secretName": "nope", "optional": true}});
        assert!(materialize(&optional, &dirs, "p1", &secrets).is_ok());
        let claim = json!({"name": "cache", "persistentVolumeClaim": {"claimName": "api-cache"}});
        assert_eq!(materialize(&claim, &dirs, "p1", &secrets).unwrap(), run.path().join("w/claims/api-cache"));
    }

    #[test]
    fn container_paths_map_through_the_longest_mount() {
        let mounts = vec![
            Mount { host: "/h/tmp".into(), path: "/tmp".into(), read_only: false },
            Mount { host: "/h/ws".into(), path: "/workspace".into(), read_only: false },
            Mount { host: "/h/reports".into(), path: "/workspace/reports".into(), read_only: false },
        ];
        assert_eq!(host_path(&mounts, "/tmp/pipewright/commit"), Some(PathBuf::from("/h/tmp/pipewright/commit")));
        assert_eq!(host_path(&mounts, "/workspace/reports/junit"), Some(PathBuf::from("/h/reports/junit")));
        assert_eq!(host_path(&mounts, "/workspacex"), None);
    }
}
