//! Semantic checks on single values: names, git URLs and refs, paths, images, commands.
//! Each returns the reason a value is invalid, phrased to say what would be valid.

/// The longest name Argo and Kubernetes accept for the objects pipewright names after a spec.
pub const MAX_NAME: usize = 63;

/// A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters.
pub fn dns_label(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty: use a DNS-1123 label such as `payments-api`".into());
    }
    if s.len() > MAX_NAME {
        return Err(format!("is {} characters long: the limit is {MAX_NAME}", s.len()));
    }
    let ok_chars = s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok_ends = s.as_bytes()[0].is_ascii_alphanumeric() && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric();
    if !ok_chars || !ok_ends {
        return Err(format!(
            "{s:?} is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// A DNS-1123 subdomain (Secret names): labels joined by '.', at most 253 characters.
pub fn dns_subdomain(s: &str) -> Result<(), String> {
    if s.len() > 253 {
        return Err(format!("is {} characters long: the limit is 253", s.len()));
    }
    if s.is_empty() || s.split('.').any(|l| dns_label(l).is_err()) {
        return Err(format!(
            "{s:?} is not a DNS-1123 subdomain: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// A Secret key: letters, digits, '-', '_' and '.'.
pub fn secret_key(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 253 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return Err(format!("{s:?} is not a valid Secret key: use letters, digits, '-', '_' and '.'"));
    }
    Ok(())
}

fn no_argo_expression(s: &str) -> Result<(), String> {
    if s.contains("{{") || s.contains("}}") {
        return Err("must not contain `{{` or `}}`: Argo would evaluate it as an expression".into());
    }
    Ok(())
}

/// A Dockerfile path: relative to the context directory, inside the repository, not a directory.
pub fn dockerfile(s: &str) -> Result<String, String> {
    let path =
        context_dir(s).map_err(|e| e.replace("such as `.` or `services/api`", "such as `Dockerfile` or `docker/Dockerfile.prod`"))?;
    if path == "." || s.ends_with('/') {
        return Err(format!("{s:?} names a directory: name the Dockerfile itself, such as `Dockerfile` or `docker/Dockerfile.prod`"));
    }
    Ok(path)
}

/// A build argument's name, as Dockerfile `ARG` takes it.
pub fn build_arg_name(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 128;
    if ok {
        Ok(())
    } else {
        Err(format!("{s:?} is not a build argument name: use letters, digits and `_`, not starting with a digit (at most 128)"))
    }
}

/// A build argument's value: one line of text that Argo will not evaluate.
pub fn build_arg_value(s: &str) -> Result<(), String> {
    if s.contains(['\n', '\r', '\0']) {
        return Err("must be one line: build arguments are passed one per line, as data".into());
    }
    if s.len() > 4096 {
        return Err(format!("is {} bytes long: the limit is 4096", s.len()));
    }
    no_argo_expression(s)
}

/// A Dockerfile stage name.
pub fn build_target(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && s.len() <= 128;
    if ok { Ok(()) } else { Err(format!("{s:?} is not a stage name: use letters, digits and . _ - (as in `FROM … AS runtime`)")) }
}

fn printable(s: &str, what: &str) -> Result<(), String> {
    if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!("{what} must not contain whitespace or control characters"));
    }
    Ok(())
}

/// A git URL: `https://host/path`, `ssh://[user@]host[:port]/path` or `user@host:path`, with no password or token.
pub fn git_url(s: &str) -> Result<(), String> {
    const VALID: &str = "use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git";
    printable(s, "a git URL").map_err(|e| format!("{e}: {VALID}"))?;
    no_argo_expression(s)?;
    let url_chars = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%:@+".contains(&b));
    if let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) {
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.contains('@') {
            return Err("carries credentials in the URL: put them in a Secret and give the URL without `user:token@`".into());
        }
        if !host_port(authority) || path.trim_matches('/').is_empty() || !url_chars(path) {
            return Err(format!("{s:?} is not a git URL: {VALID}"));
        }
        return Ok(());
    }
    if let Some(rest) = s.strip_prefix("ssh://") {
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = match authority.split_once('@') {
            Some((user, _)) if user.contains(':') => {
                return Err("carries a password in the URL: use an SSH key Secret instead".into());
            }
            Some((user, host)) if user_ok(user) => host,
            Some(_) => return Err(format!("{s:?} is not a git URL: {VALID}")),
            None => authority,
        };
        if !host_port(host) || path.trim_matches('/').is_empty() || !url_chars(path) {
            return Err(format!("{s:?} is not a git URL: {VALID}"));
        }
        return Ok(());
    }
    // scp-like: user@host:path
    if let Some((user, rest)) = s.split_once('@')
        && let Some((host, path)) = rest.split_once(':')
        && user_ok(user)
        && host_port(host)
        && !path.is_empty()
        && !path.starts_with('-')
        && url_chars(path)
    {
        return Ok(());
    }
    Err(format!("{s:?} is not a git URL: {VALID}"))
}

fn user_ok(user: &str) -> bool {
    !user.is_empty() && user.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
}

fn host_port(s: &str) -> bool {
    let (host, port) = s.split_once(':').unwrap_or((s, "80"));
    !host.is_empty()
        && !host.starts_with(['-', '.'])
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
}

/// A git ref name (branch or tag, as `git check-ref-format` allows) or a commit SHA,
/// restricted to characters that need no quoting anywhere.
pub fn git_ref(s: &str) -> Result<(), String> {
    const VALID: &str = "use a branch, tag or commit such as `main`, `release/1.2` or `v1.2.3`";
    if s.is_empty() {
        return Err(format!("must not be empty: {VALID}"));
    }
    no_argo_expression(s)?;
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._/-+#@,=".contains(&b)) {
        return Err(format!("{s:?} is not a valid git ref: use letters, digits and . _ / - + # @ , = ({VALID})"));
    }
    let bad = s.starts_with(['-', '/', '.'])
        || s.ends_with(['/', '.'])
        || s.ends_with(".lock")
        || s.contains("..")
        || s.contains("//")
        || s.contains("@{")
        || s == "@"
        || s.split('/').any(|c| c.starts_with('.') || c.ends_with(".lock"))
        || s.len() > 255;
    if bad {
        return Err(format!("{s:?} is not a valid git ref name (see git check-ref-format): {VALID}"));
    }
    Ok(())
}

/// A relative directory inside the repository. Returns it normalized (`.` for the root).
pub fn context_dir(s: &str) -> Result<String, String> {
    const VALID: &str = "use a relative path inside the repository, such as `.` or `services/api`";
    if s.starts_with('/') || s.starts_with('\\') || s.starts_with('~') {
        return Err(format!("{s:?} is absolute: {VALID}"));
    }
    no_argo_expression(s)?;
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._/-+@".contains(&b)) {
        return Err(format!("{s:?} has characters outside letters, digits and . _ / - + @: {VALID}"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in s.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("{s:?} escapes the repository: {VALID}"));
                }
            }
            p => parts.push(p),
        }
    }
    Ok(if parts.is_empty() { ".".to_owned() } else { parts.join("/") })
}

/// An OCI image reference. With `allow_tag` false, only a repository (no tag or digest).
pub fn image(s: &str, allow_tag: bool) -> Result<(), String> {
    let example = if allow_tag { "registry.example.com/team/app:1.2.3" } else { "registry.example.com/team/app" };
    let valid = format!("use an OCI reference such as `{example}`");
    if s.is_empty() {
        return Err(format!("must not be empty: {valid}"));
    }
    no_argo_expression(s)?;
    if s.len() > 255 {
        return Err(format!("is {} characters long: the limit for an image reference is 255", s.len()));
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    let (repo, tag) = match rest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, Some(t)),
        _ => (rest, None),
    };
    if !allow_tag && (tag.is_some() || digest.is_some()) {
        return Err(format!("{s:?} has a tag or digest: give the repository only ({valid}); the tag is computed for each run"));
    }
    if let Some(d) = digest {
        let ok = d.split_once(':').is_some_and(|(alg, hex)| {
            !alg.is_empty()
                && alg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        });
        if !ok {
            return Err(format!("{s:?} has an invalid digest: use `@sha256:<64 hex digits>`"));
        }
    }
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && (t.as_bytes()[0].is_ascii_alphanumeric() || t.starts_with('_'))
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !ok {
            return Err(format!("{s:?} has an invalid tag: a tag is up to 128 letters, digits, '_', '.' and '-'"));
        }
    }
    let mut components: Vec<&str> = repo.split('/').collect();
    if components.len() > 1 && (components[0].contains(['.', ':']) || components[0] == "localhost") {
        let registry = components.remove(0);
        if !host_port(registry) {
            return Err(format!("{s:?} has an invalid registry host {registry:?}: {valid}"));
        }
    }
    let path_ok = components.iter().all(|c| {
        !c.is_empty()
            && c.as_bytes()[0].is_ascii_alphanumeric()
            && c.as_bytes()[c.len() - 1].is_ascii_alphanumeric()
            && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    });
    if !path_ok {
        return Err(format!(
            "{s:?} is not a valid image reference (repository paths are lowercase letters, digits, '.', '_' and '-'): {valid}"
        ));
    }
    Ok(())
}

/// One command argument: non-empty, one line, and never an Argo expression.
pub fn command_arg(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("is empty: every argument must have a value".into());
    }
    if s.contains(['\n', '\r', '\0']) {
        return Err("contains a line break or NUL: each argument must be a single line".into());
    }
    no_argo_expression(s)
}

/// An `https://` (or `http://`) base URL without credentials, query, fragment or trailing slash.
pub fn http_url(s: &str) -> Result<(), String> {
    const VALID: &str = "use a base URL such as `https://sonar.acme.io` or `https://argo.acme.io/argo`";
    printable(s, "a URL").map_err(|e| format!("{e}: {VALID}"))?;
    no_argo_expression(s)?;
    let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) else {
        return Err(format!("{s:?} is not an http(s) URL: {VALID}"));
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    if authority.contains('@') {
        return Err("carries credentials in the URL: put them in a Secret".into());
    }
    let path_ok = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b));
    if !host_port(authority) || !path_ok || s.ends_with('/') {
        return Err(format!("{s:?} is not a base URL (no query, fragment or trailing slash): {VALID}"));
    }
    Ok(())
}

/// A library version: `v` and a number without leading zeros, such as `v1` or `v12`.
pub fn library_version(s: &str) -> Result<(), String> {
    let digits = s.strip_prefix('v').unwrap_or("");
    if digits.is_empty() || digits.len() > 4 || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not a library version: use `v` and a number, such as `v1` or `v2`"));
    }
    Ok(())
}

/// A SonarQube project key: letters, digits, '-', '_', '.' and ':', with at least one non-digit.
pub fn sonar_project_key(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 400
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        && !s.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(format!("{s:?} is not a SonarQube project key: use letters, digits, '-', '_', '.' and ':' (at least one non-digit)"));
    }
    Ok(())
}

/// A storage size: a whole number and a binary or decimal suffix, such as `5Gi` or `500M`.
pub fn storage_size(s: &str) -> Result<(), String> {
    const SUFFIXES: [&str; 10] = ["Ki", "Mi", "Gi", "Ti", "Pi", "k", "M", "G", "T", "P"];
    let digits = SUFFIXES.iter().find_map(|x| s.strip_suffix(x)).unwrap_or("");
    if digits.is_empty() || digits.len() > 6 || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not a storage size: use a whole number and a unit such as `5Gi`, `512Mi` or `20G`"));
    }
    Ok(())
}

/// An image tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.
pub fn image_tag(s: &str) -> Result<(), String> {
    let ok = !s.is_empty()
        && s.len() <= 128
        && (s.as_bytes()[0].is_ascii_alphanumeric() || s.starts_with('_'))
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if !ok {
        return Err(format!("{s:?} is not an image tag: use up to 128 letters, digits, '_', '.' and '-', starting with a letter or digit"));
    }
    Ok(())
}

/// The host and the repository path (`owner/repo`, without `.git`) of a valid git URL.
pub fn git_host_and_path(url: &str) -> (String, String) {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).or_else(|| url.strip_prefix("ssh://"));
    let (host, path) = match rest {
        Some(rest) => {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            (host.split(':').next().unwrap_or(host), path)
        }
        None => {
            let rest = url.split_once('@').map_or(url, |(_, r)| r);
            rest.split_once(':').unwrap_or((rest, ""))
        }
    };
    let path = path.trim_matches('/');
    (host.to_owned(), path.strip_suffix(".git").unwrap_or(path).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supply_chain_values() {
        assert!(http_url("https://sonar.acme.io").is_ok());
        assert!(http_url("http://sonarqube.sonar.svc:9000/sonar").is_ok());
        for bad in ["sonar.acme.io", "https://u:p@h.io", "https://h.io/", "https://h.io/?x=1", "https://{{x}}", "ftp://h.io"] {
            assert!(http_url(bad).is_err(), "{bad}");
        }
        assert!(sonar_project_key("team-payments_payments-api").is_ok());
        assert!(sonar_project_key("123").is_err());
        assert!(image_tag("buildcache").is_ok());
        assert!(image_tag("-x").is_err());
        for (url, host, path) in [
            ("https://github.com/acme/a.git", "github.com", "acme/a"),
            ("git@gitlab.acme.io:group/sub/a.git", "gitlab.acme.io", "group/sub/a"),
            ("ssh://git@h.io:2222/a/b", "h.io", "a/b"),
        ] {
            assert_eq!(git_host_and_path(url), (host.to_owned(), path.to_owned()), "{url}");
        }
    }

    #[test]
    fn git_urls() {
        for ok in ["https://github.com/acme/a.git", "git@github.com:acme/a.git", "ssh://git@host:2222/a/b.git", "https://h.io:8443/a"] {
            assert!(git_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://u:t@github.com/a.git",
            "file:///etc",
            "-oProxyCommand=x",
            "https://github.com",
            "ext::sh -c x",
            "https://h/a b",
            "git@h:-x",
        ] {
            assert!(git_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refs_paths_images() {
        assert!(git_ref("release/1.2").is_ok());
        for bad in ["-x", "a..b", "a.lock", "$(id)", "a b", "@", "x/.y", "{{x}}"] {
            assert!(git_ref(bad).is_err(), "{bad}");
        }
        assert_eq!(context_dir("./a/../b/").unwrap(), "b");
        assert_eq!(context_dir(".").unwrap(), ".");
        assert!(context_dir("a/../../b").is_err());
        assert!(context_dir("/abs").is_err());
        assert!(image("registry.acme.io/p/api", false).is_ok());
        assert!(image("localhost:5000/p/api", false).is_ok());
        assert!(image("node:22-slim", true).is_ok());
        assert!(image("node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true).is_ok());
        assert!(image("r.io/p/api:1", false).is_err());
        assert!(image("R.io/Bad", false).is_err());
        assert!(image("a,push=false", false).is_err());
    }

    #[test]
    fn versions_and_sizes() {
        assert!(library_version("v2").is_ok());
        for bad in ["v0", "2", "v", "v1.2", "V1", "v01"] {
            assert!(library_version(bad).is_err(), "{bad}");
        }
        assert!(storage_size("5Gi").is_ok());
        assert!(storage_size("500M").is_ok());
        for bad in ["5", "Gi", "5 Gi", "0Gi", "1.5Gi", "5gb"] {
            assert!(storage_size(bad).is_err(), "{bad}");
        }
    }
}
