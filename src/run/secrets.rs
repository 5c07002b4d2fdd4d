//! The Secrets a run may read, given on the command line (`--secret NAME.KEY=VALUE`) or as
//! files (`--secrets-dir DIR`, one `DIR/NAME/KEY` file per key). Values are never printed:
//! the console masks them in step output.

use std::collections::BTreeMap;
use std::path::Path;

/// Secret data by Secret name, then key.
#[derive(Debug, Clone, Default)]
pub struct Secrets(pub BTreeMap<String, BTreeMap<String, Vec<u8>>>);

impl Secrets {
    /// Adds `NAME.KEY=VALUE` (the key may itself hold dots: the first dot splits).
    pub fn add_arg(&mut self, arg: &str) -> Result<(), String> {
        let (target, value) = arg
            .split_once('=')
            .ok_or_else(|| "--secret takes NAME.KEY=VALUE (for example --secret ci-webhook.url=http://127.0.0.1:8080/hook)".to_string())?;
        let (name, key) = target
            .split_once('.')
            .filter(|(n, k)| !n.is_empty() && !k.is_empty())
            .ok_or_else(|| format!("--secret {target}=…: name the Secret and its key as NAME.KEY"))?;
        self.0.entry(name.into()).or_default().insert(key.into(), value.as_bytes().to_vec());
        Ok(())
    }

    /// Adds every `DIR/NAME/KEY` file.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), String> {
        let shown = dir.display();
        let entries = std::fs::read_dir(dir).map_err(|e| format!("--secrets-dir {shown}: cannot be read: {e}"))?;
        let mut secrets: Vec<_> = entries.flatten().filter(|e| e.path().is_dir()).collect();
        secrets.sort_by_key(|e| e.file_name());
        for secret in secrets {
            let name = secret.file_name().to_string_lossy().into_owned();
            let keys = std::fs::read_dir(secret.path()).map_err(|e| format!("--secrets-dir {shown}/{name}: cannot be read: {e}"))?;
            for key in keys.flatten().filter(|e| e.path().is_file()) {
                let data = std::fs::read(key.path()).map_err(|e| format!("{}: cannot be read: {e}", key.path().display()))?;
                self.0.entry(name.clone()).or_default().insert(key.file_name().to_string_lossy().into_owned(), data);
            }
        }
        Ok(())
    }

    /// One key of one Secret; the error says how to give it.
    pub fn get(&self, name: &str, key: &str) -> Result<&[u8], String> {
        match self.0.get(name) {
            None => {
                Err(format!("Secret {name} was not given: pass --secret {name}.{key}=VALUE or --secrets-dir DIR with DIR/{name}/{key}"))
            }
            Some(keys) => keys.get(key).map(Vec::as_slice).ok_or_else(|| {
                format!(
                    "Secret {name} has no key {key} (given: {}): pass --secret {name}.{key}=VALUE",
                    keys.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            }),
        }
    }

    /// Every key of one Secret.
    pub fn keys(&self, name: &str) -> Option<&BTreeMap<String, Vec<u8>>> {
        self.0.get(name)
    }

    /// The values to mask in output: every value of at least four characters, longest first.
    pub fn masks(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .0
            .values()
            .flat_map(|keys| keys.values())
            .filter_map(|v| std::str::from_utf8(v).ok())
            .flat_map(|v| [v.to_owned(), v.trim().to_owned()])
            .filter(|v| v.chars().count() >= 4)
            .collect();
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_and_dirs_give_keys_and_errors_say_how_to_give_more() {
        let mut s = Secrets::default();
        s.add_arg("git.password=s3cret").unwrap();
        s.add_arg("tls.ca.crt=x").unwrap();
        assert_eq!(s.get("git", "password").unwrap(), b"s3cret");
        assert_eq!(s.get("tls", "ca.crt").unwrap(), b"x");
        assert!(s.add_arg("nokey=1").unwrap_err().contains("NAME.KEY"));
        assert!(s.get("git", "username").unwrap_err().contains("given: password"));
        assert!(s.get("other", "k").unwrap_err().contains("--secret other.k=VALUE"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("hook")).unwrap();
        std::fs::write(dir.path().join("hook/url"), "http://127.0.0.1/x\n").unwrap();
        s.add_dir(dir.path()).unwrap();
        assert_eq!(s.get("hook", "url").unwrap(), b"http://127.0.0.1/x\n");
        assert_eq!(s.masks()[0], "http://127.0.0.1/x\n");
        assert!(s.masks().contains(&"s3cret".to_string()));
    }
}
