//! The library's static scripts. They contain no `{{…}}` and no user text: every value
//! reaches them through environment variables set from Argo parameters.

/// Points `PW_CACHE` at the dependency cache for this trust class, toolchain, project and
/// lockfiles (`PW_CACHE_ROOT/<toolchain>-<hash>`, or `pr-<toolchain>-<hash>` unless `PW_EVENT` is
/// push, tag, manual or schedule), then runs `PW_COMMAND` (one argument per line) in
/// `PW_CONTEXT_DIR`, without a shell interpreting the arguments: word splitting on newlines
/// only, globbing off. A cold, missing or unwritable cache never fails the step: it runs with
/// an empty cache instead. With `PW_CACHE_PRUNE=true` (the deps step) keys unused for 14 days go.
/// With `PW_REPORTS_FROM` (a directory such as `target/surefire-reports`), the command is not
/// `exec`ed: the XML files under every such directory are copied to `PW_REPORTS_DIR` after it
/// runs, and the step exits with the command's code.
pub const LAUNCHER: &str = r#"set -eu
set -f
IFS='
'
cd -- "$PW_CONTEXT_DIR"
pw_key_input() {
  printf '%s\n%s\n' "$PW_TOOLCHAIN" "$PW_CONTEXT_DIR"
  for f in $PW_LOCKFILES; do
    for p in "$f" "$PW_SOURCE/$f"; do
      if [ -f "$p" ]; then printf '%s\n' "$f"; cat -- "$p"; break; fi
    done
  done
}
key=unkeyed
if command -v sha256sum >/dev/null 2>&1; then key=$(pw_key_input | sha256sum | cut -c1-16); fi
# Pull requests (and runs whose event is unknown) get keys of their own: they never write into
# the keys that push, tag, manual and scheduled builds read.
case "${PW_EVENT:-}" in push|tag|manual|schedule) trust= ;; *) trust=pr- ;; esac
key=$trust$PW_TOOLCHAIN-$key
dir="$PW_CACHE_ROOT/$key"
state=warm
[ -d "$dir" ] || state=cold
rm -rf "$PW_CACHE" 2>/dev/null || true
if mkdir -p "$dir" 2>/dev/null && touch "$dir" 2>/dev/null && ln -s "$dir" "$PW_CACHE" 2>/dev/null; then
  echo "pipewright: dependency cache $key ($state)"
  if [ "${PW_CACHE_PRUNE:-}" = true ]; then
    find "$PW_CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -mtime +14 -exec rm -rf {} + 2>/dev/null || true
  fi
else
  mkdir -p "$PW_CACHE"
  echo "pipewright: dependency cache unavailable; running with an empty one" >&2
fi
set -- $PW_COMMAND
if [ -n "${PW_REPORTS_FROM:-}" ]; then
  # The runner writes JUnit XML in its own place: copy it out after the run, keeping its exit code.
  set +e
  "$@"
  rc=$?
  set -e
  mkdir -p "$PW_REPORTS_DIR"
  # Each report keeps its module's path in its name: modules often hold same-named reports.
  find . -path "*/$PW_REPORTS_FROM/*" -name '*.xml' -type f 2>/dev/null | while IFS= read -r report; do
    cp -- "$report" "$PW_REPORTS_DIR/$(printf '%s' "${report#./}" | tr '/' '_')" || true
  done
  echo "pipewright: $(find "$PW_REPORTS_DIR" -name '*.xml' -type f | wc -l | tr -d ' ') JUnit report(s) in $PW_REPORTS_DIR"
  exit "$rc"
fi
exec "$@"
"#;

/// Clones `REPO_URL` at `REVISION` into the workspace (`DEPTH` commits, 0 for all; submodules
/// when `SUBMODULES` is `true`) and computes the image tag. With a `COMMIT` (the event's), it
/// checks out exactly that commit, after verifying that `REVISION` reaches it (fetching deeper
/// when the ref moved on since the event), and refuses (exit 2) when it does not. With `PW_GIT_AUTH=https` git asks a
/// credential helper for the token, which reads it from the mounted Secret and answers only for
/// https on `REPO_URL`'s host (a submodule elsewhere gets nothing), and only https is allowed;
/// with `ssh` the key is copied to a private file, host keys are checked strictly and only ssh
/// is allowed. No credential reaches an argument, an
/// environment variable, the log or an output. `umask 0002` keeps the tree writable for the
/// steps that share the workspace's group.
/// Then it applies the publishing rule of `EVENT`: a semver tag publishes `<version>` (leading
/// `v` stripped, anything else refused), a branch push or manual run `<branch>-<short sha>`, a
/// pull request or schedule builds without pushing. A non-empty `IMAGE_TAG` overrides the tag
/// of a manual run only, and may not look like a release (semver) tag.
pub const CLONE: &str = r#"set -eu
umask 0002
case "$REPO_URL" in -*) echo "pipewright: refusing repo URL that starts with '-'" >&2; exit 2 ;; esac
case "$REVISION" in -*|'') echo "pipewright: refusing empty revision or one that starts with '-'" >&2; exit 2 ;; esac
case "$DEPTH" in ''|*[!0-9]*) echo "pipewright: depth must be a whole number" >&2; exit 2 ;; esac
COMMIT=${COMMIT:-}
case "$COMMIT" in *[!0-9a-f]*) echo "pipewright: commit must be a full lowercase hex SHA" >&2; exit 2 ;; esac
case "${#COMMIT}" in 0|40|64) ;; *) echo "pipewright: commit must be a full SHA (40 or 64 hex digits) or empty" >&2; exit 2 ;; esac
mkdir -p /tmp/pipewright
case "${PW_GIT_AUTH:-none}" in
  https)
    # The token is for REPO_URL's host only: `.gitmodules` (a pull request's to write) may name
    # any URL. The helper answers git only for https on that host; GIT_ALLOW_PROTOCOL refuses
    # every other transport, submodules included.
    case "$REPO_URL" in https://?*) ;; *) echo "pipewright: HTTPS credentials need an https:// repo URL" >&2; exit 2 ;; esac
    PW_GIT_TOKEN_KEY=${PW_GIT_TOKEN_KEY:-password}
    case "$PW_GIT_TOKEN_KEY" in .|..|*/*|*[!A-Za-z0-9._-]*) echo "pipewright: invalid token key" >&2; exit 2 ;; esac
    export PW_GIT_TOKEN_KEY
    PW_GIT_HOST=${REPO_URL#https://}
    PW_GIT_HOST=${PW_GIT_HOST%%/*}
    PW_GIT_HOST=${PW_GIT_HOST##*@}
    # A pull request's `.gitmodules` may also name another private repository on that host,
    # which its own test step could then read: its runs get the token for this one only.
    PW_GIT_PATH=
    if [ "${EVENT:-manual}" = pull-request ]; then
      PW_GIT_PATH=${REPO_URL#https://}
      PW_GIT_PATH=${PW_GIT_PATH#*/}
    fi
    export PW_GIT_HOST PW_GIT_PATH
    cat > /tmp/pipewright/credential <<'EOF'
#!/bin/sh
[ "${1:-}" = get ] || exit 0
protocol=
host=
path=
while IFS= read -r line; do
  case "$line" in
    protocol=*) protocol=${line#protocol=} ;;
    host=*) host=${line#host=} ;;
    path=*) path=${line#path=} ;;
    '') break ;;
  esac
done
if [ "$protocol" != https ] || [ "$host" != "$PW_GIT_HOST" ]; then exit 0; fi
if [ -n "$PW_GIT_PATH" ] && [ "$path" != "$PW_GIT_PATH" ]; then exit 0; fi
if [ -s "$PW_GIT_CREDENTIALS/username" ]; then user=$(head -n1 "$PW_GIT_CREDENTIALS/username"); else user=x-access-token; fi
printf 'username=%s\npassword=%s\n' "$user" "$(head -n1 "$PW_GIT_CREDENTIALS/${PW_GIT_TOKEN_KEY:-password}")"
EOF
    chmod 0700 /tmp/pipewright/credential
    # The first, empty helper drops any helper a config file names; ours is then the only one.
    # useHttpPath makes git send the repository's path, which pull-request runs are held to.
    export GIT_CONFIG_COUNT=3 GIT_CONFIG_KEY_0=credential.helper GIT_CONFIG_VALUE_0='' GIT_CONFIG_KEY_1=credential.helper GIT_CONFIG_VALUE_1=/tmp/pipewright/credential
    export GIT_CONFIG_KEY_2=credential.useHttpPath GIT_CONFIG_VALUE_2=true
    export GIT_ALLOW_PROTOCOL=https
    ;;
  ssh)
    mkdir -p /tmp/pipewright/ssh
    chmod 0700 /tmp/pipewright/ssh
    (umask 0077; cat "$PW_GIT_CREDENTIALS/ssh-privatekey" > /tmp/pipewright/ssh/key)
    [ -s "$PW_GIT_CREDENTIALS/known_hosts" ] || { echo "pipewright: the SSH Secret has no known_hosts key" >&2; exit 2; }
    # The key only ever goes over ssh; public https submodules stay reachable.
    export GIT_ALLOW_PROTOCOL=ssh:https
    export GIT_SSH_COMMAND="ssh -i /tmp/pipewright/ssh/key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o UserKnownHostsFile=$PW_GIT_CREDENTIALS/known_hosts"
    ;;
esac
if [ "$DEPTH" = 0 ]; then depth_arg=; else depth_arg="--depth=$DEPTH"; fi
rm -rf "$PW_SOURCE"
git init -q "$PW_SOURCE"
cd "$PW_SOURCE"
git remote add origin "$REPO_URL"
git fetch -q ${depth_arg:+"$depth_arg"} origin "$REVISION"
if [ -z "$COMMIT" ]; then
  git checkout -q --detach FETCH_HEAD
else
  # The event's commit. The ref may have moved since the event (a run waits behind its
  # branch's mutex): fetch the ref deeper until its history holds the commit, and never check
  # out a commit the ref does not reach (a force-push or deletion since the event).
  want=
  for more in 50 500 all end; do
    if want=$(git rev-parse -q --verify "$COMMIT^{commit}") && git merge-base --is-ancestor "$want" FETCH_HEAD; then break; fi
    want=
    if [ "$more" = end ] || [ "$(git rev-parse --is-shallow-repository)" != true ]; then break; fi
    if [ "$more" = all ]; then
      git fetch -q --unshallow origin "$REVISION"
    elif [ "$DEPTH" = 0 ] || [ "$more" -gt "$DEPTH" ]; then
      git fetch -q --depth="$more" origin "$REVISION"
    fi
  done
  if [ -z "$want" ]; then
    echo "pipewright: commit $COMMIT is not reachable from $REVISION (force-pushed or deleted since the event?): refusing to build another commit" >&2
    exit 2
  fi
  git checkout -q --detach "$want"
fi
if [ "$SUBMODULES" = true ]; then git submodule update -q --init --recursive ${depth_arg:+"$depth_arg"}; fi
commit=$(git rev-parse HEAD)
short=$(printf '%s' "$commit" | cut -c1-7)
printf '%s' "$commit" > /tmp/pipewright/commit
push=true
# A branch names its tags; a revision given as a full commit names none (`sha-<short sha>`).
branch=${REVISION#refs/heads/}
if printf '%s\n' "$REVISION" | grep -Eq '^[0-9a-f]{40}$'; then branch=sha; fi
case "${EVENT:-manual}" in
  tag)
    version=${REVISION#refs/tags/}
    version=${version#v}
    case "$version" in ''|*[!0-9A-Za-z.-]*) version=invalid ;; esac
    if ! printf '%s\n' "$version" | grep -Eq '^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'; then
      echo "pipewright: the tag is not a semver version (v1.2.3 or 1.2.3-rc.1): refusing to publish it" >&2; exit 2
    fi
    tag=$version ;;
  push|manual) tag="$branch-$short" ;;
  pull-request) tag="pr-$short"; push=false ;;
  schedule) tag="$branch-$short"; push=false ;;
  *) echo "pipewright: unknown event (valid: manual, push, tag, pull-request, schedule)" >&2; exit 2 ;;
esac
if [ -n "$IMAGE_TAG" ]; then
  if [ "${EVENT:-manual}" != manual ]; then
    echo "pipewright: image_tag is honoured only for manual runs: a $EVENT run publishes by the rule of its event" >&2; exit 2
  fi
  if printf '%s\n' "$IMAGE_TAG" | grep -Eq '^v?[0-9]+\.[0-9]+\.[0-9]+'; then
    echo "pipewright: image_tag may not be a semver version: release tags come only from pushed git tags" >&2; exit 2
  fi
  tag=$IMAGE_TAG
fi
# cut ends its line with a newline, which the command substitution drops: the output has none.
tag=$(printf '%s' "$tag" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-128)
printf '%s' "$tag" > /tmp/pipewright/image_tag
printf '%s' "$push" > /tmp/pipewright/push
echo "pipewright: checked out $commit, image tag $(cat /tmp/pipewright/image_tag), push $push"
"#;

/// The Python deps step, run by the launcher as `sh -c` (one line: the launcher splits its
/// command on newlines). It picks the installer from the project's lockfile: `uv.lock` →
/// `uv sync --frozen` (the dev group included, as uv does by default); `poetry.lock` →
/// `poetry install` into `VIRTUAL_ENV` (`--with dev` when a dev group is declared, so an
/// optional one is installed too); otherwise a venv with `requirements.txt` and
/// `requirements-dev.txt`. The project itself is installed only when `pyproject.toml` declares
/// a `[project]` or a `[build-system]` (a `pyproject.toml` holding only tool settings is no
/// package). uv and poetry come from the image when it has them, else from PyPI into a venv of
/// their own. Then ruff and pytest, when the project did not bring them.
pub const PYTHON_DEPS: &str = concat!(
    "set -eu; ",
    "pw_package() { [ -f pyproject.toml ] && grep -Eq '^[[:space:]]*\\[(project|build-system)(\\.[^]]*)?\\][[:space:]]*(#.*)?$' pyproject.toml; }; ",
    "pw_tool() { if command -v \"$1\" >/dev/null 2>&1; then tool=$(command -v \"$1\"); else ",
    "python -m venv \"/tmp/pipewright-$1\" && \"/tmp/pipewright-$1/bin/pip\" install -q \"$1\" && tool=\"/tmp/pipewright-$1/bin/$1\"; fi; }; ",
    "if [ -f uv.lock ]; then ",
    "pw_tool uv; echo 'pipewright: uv.lock: uv sync --frozen'; ",
    "UV_PROJECT_ENVIRONMENT=$VIRTUAL_ENV UV_CACHE_DIR=${PIP_CACHE_DIR:-/tmp/cache/pip}/uv UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy \"$tool\" sync --frozen; ",
    "elif [ -f poetry.lock ]; then ",
    "python -m venv \"$VIRTUAL_ENV\"; pw_tool poetry; set --; ",
    "pw_package || set -- --no-root; ",
    "if grep -Eq '^[[:space:]]*\\[tool\\.poetry\\.group\\.dev(\\.dependencies)?\\]' pyproject.toml; then set -- \"$@\" --with dev; fi; ",
    "echo \"pipewright: poetry.lock: poetry install $*\"; ",
    "POETRY_CACHE_DIR=${PIP_CACHE_DIR:-/tmp/cache/pip}/poetry POETRY_VIRTUALENVS_CREATE=false \"$tool\" install --no-interaction \"$@\"; ",
    "else ",
    "python -m venv \"$VIRTUAL_ENV\"; ",
    "if [ -f requirements.txt ]; then pip install -r requirements.txt; fi; ",
    "if [ -f requirements-dev.txt ]; then pip install -r requirements-dev.txt; fi; ",
    "if pw_package; then pip install -e .; ",
    "elif [ -f pyproject.toml ]; then echo 'pipewright: pyproject.toml declares no [project] or [build-system]: not installing the project itself'; fi; ",
    "fi; ",
    "set --; for t in ruff pytest; do [ -x \"$VIRTUAL_ENV/bin/$t\" ] || set -- \"$@\" \"$t\"; done; ",
    "if [ $# -gt 0 ]; then ",
    "if [ -x \"$VIRTUAL_ENV/bin/pip\" ]; then \"$VIRTUAL_ENV/bin/pip\" install \"$@\"; ",
    "else \"$tool\" pip install --python \"$VIRTUAL_ENV/bin/python\" \"$@\"; fi; ",
    "fi"
);

/// Builds `PW_CONTEXT` with BuildKit (rootless, daemonless) from `DOCKERFILE` (relative to it),
/// stage `TARGET` when set, with `BUILD_ARGS` (one `NAME=value` per line, each one argument of
/// buildctl's, never read by a shell), pushes `IMAGE:IMAGE_TAG` when `PUSH` is
/// `true`, and records its digest; with `CACHE_TAG` set, reads and writes the layer cache at `IMAGE:CACHE_TAG`.
pub const BUILD: &str = r#"set -eu
case "$IMAGE_TAG" in ''|*[!A-Za-z0-9_.-]*) echo "pipewright: invalid image tag" >&2; exit 2 ;; esac
case "$IMAGE" in ''|*[!a-z0-9./:_-]*) echo "pipewright: invalid image repository" >&2; exit 2 ;; esac
case "$PUSH" in true|false) ;; *) echo "pipewright: push must be true or false" >&2; exit 2 ;; esac
dockerfile=${DOCKERFILE:-Dockerfile}
case "/$dockerfile/" in *//*|*/../*|*/./*) echo "pipewright: the Dockerfile must be a plain relative path inside the context" >&2; exit 2 ;; esac
case "$dockerfile" in */*) dockerfile_dir=$PW_CONTEXT/${dockerfile%/*} ;; *) dockerfile_dir=$PW_CONTEXT ;; esac
target=${TARGET:-}
case "$target" in *[!A-Za-z0-9._-]*) echo "pipewright: invalid build target" >&2; exit 2 ;; esac
mkdir -p /tmp/pipewright
set --
if [ "${dockerfile##*/}" != Dockerfile ]; then set -- --opt "filename=${dockerfile##*/}"; fi
if [ -n "$target" ]; then set -- "$@" --opt "target=$target"; fi
if [ -n "${BUILD_ARGS:-}" ]; then
  # One argument per line, split on newlines only with globbing off: each NAME=value line becomes
  # one argv entry of buildctl, whatever its characters.
  set -f
  pw_ifs=$IFS
  IFS='
'
  for arg in $BUILD_ARGS; do
    case "$arg" in [A-Za-z_]*=*) ;; *) echo "pipewright: a build argument is not NAME=value" >&2; exit 2 ;; esac
    set -- "$@" --opt "build-arg:$arg"
  done
  IFS=$pw_ifs
  set +f
fi
if [ -n "${CACHE_TAG:-}" ]; then
  # The registry layer cache: a cold or unreachable cache never fails the build. Runs that
  # do not push (pull requests) read it but never write it, so they cannot poison it.
  set -- "$@" --import-cache "type=registry,ref=$IMAGE:$CACHE_TAG"
  if [ "$PUSH" = true ]; then
    set -- "$@" --export-cache "type=registry,ref=$IMAGE:$CACHE_TAG,mode=max,ignore-error=true"
  fi
fi
buildctl-daemonless.sh build \
  --frontend dockerfile.v0 \
  --local "context=$PW_CONTEXT" \
  --local "dockerfile=$dockerfile_dir" \
  --output "type=image,name=$IMAGE:$IMAGE_TAG,push=$PUSH" \
  --metadata-file /tmp/pipewright/build.json "$@"
digest=$(sed -n 's/.*"containerimage.digest": *"\([^"]*\)".*/\1/p' /tmp/pipewright/build.json)
case "$digest" in sha256:*) hex=${digest#sha256:} ;; *) hex= ;; esac
case "$hex" in *[!0-9a-f]*) hex= ;; esac
[ "${#hex}" -eq 64 ] || { echo "pipewright: the build reported no image digest" >&2; exit 1; }
# No trailing newline: Argo keeps an output file's bytes, and the digest goes into image@digest.
printf '%s' "$digest" > /tmp/pipewright/digest
echo "pipewright: built $IMAGE:$IMAGE_TAG@$digest (push: $PUSH)"
"#;

/// Runs trivy (`$1` is its subcommand) failing on the severities at and above the stricter
/// of `PLATFORM_FAIL_ON` and the pipeline's `FAIL_ON`: a looser pipeline value is ignored.
pub const SCAN: &str = r#"set -eu
rank() { case "$1" in UNKNOWN) echo 0 ;; LOW) echo 1 ;; MEDIUM) echo 2 ;; HIGH) echo 3 ;; CRITICAL) echo 4 ;; *) echo 9 ;; esac; }
floor=$(rank "$PLATFORM_FAIL_ON")
level=$(rank "${FAIL_ON:-$PLATFORM_FAIL_ON}")
if [ "$level" -gt "$floor" ]; then
  echo "pipewright: the pipeline's failOn is unknown or looser than the platform's $PLATFORM_FAIL_ON: using $PLATFORM_FAIL_ON" >&2
  level=$floor
fi
severities=
for s in UNKNOWN LOW MEDIUM HIGH CRITICAL; do
  if [ "$(rank "$s")" -ge "$level" ]; then severities="${severities:+$severities,}$s"; fi
done
echo "pipewright: failing on $severities"
command=$1
shift
exec trivy "$command" --severity "$severities" "$@"
"#;

/// Runs `sonar-scanner` with its arguments plus what `PW_TOOLCHAIN` needs: the CLI scanner
/// refuses Java sources without `sonar.java.binaries` (every module's classes, under the
/// project directory `PW_PROJECT_DIR`; the test step, which runs before, compiled them), and cannot analyse C#
/// at all, so dotnet is skipped with a log line (SonarScanner for .NET does it instead).
pub const SONAR: &str = r#"set -eu
binaries=
classes=
# Every module's classes: sonar.java.binaries takes wildcards, `**` matching no directory too.
case "${PW_TOOLCHAIN:-generic}" in
  maven) binaries='**/target/classes'; classes=target/classes ;;
  gradle) binaries='**/build/classes'; classes=build/classes ;;
  dotnet)
    echo "pipewright: skipping SonarQube: the SonarScanner CLI cannot analyse C#/.NET (run SonarScanner for .NET: dotnet sonarscanner begin, dotnet build, dotnet sonarscanner end)" >&2
    exit 0 ;;
esac
if [ -n "$binaries" ]; then
  if [ -z "$(find "$PW_PROJECT_DIR" -type d -path "*/$classes" 2>/dev/null | head -n 1)" ]; then
    echo "pipewright: no compiled classes in any module's $classes: SonarQube needs them for Java (keep the test step on, it compiles them)" >&2
    exit 2
  fi
  set -- "$@" "-Dsonar.java.binaries=$binaries"
fi
exec sonar-scanner "$@"
"#;

/// Reports a run on one channel (`PW_CHANNEL`: `webhook`, `slack`, `github` or `gitlab`) with
/// its status, duration, failed step and a link to the Argo UI. Best effort: a channel that
/// cannot be reached is logged (without its URL, which is a secret) and does not fail the run.
pub const NOTIFY: &str = r#"import json, os, re, sys, time, urllib.error, urllib.parse, urllib.request
env = os.environ
channel = env["PW_CHANNEL"]
status = env.get("STATUS", "")
pipeline = env["PIPELINE"]

def failed_step():
    # Argo lists every failed node, in no set order: the DAG itself (named after the workflow),
    # a retried step's node and each attempt ("test(1)"). Name the step that failed first.
    try:
        failures = json.loads(env.get("FAILURES") or "null")
    except ValueError:
        return None, None
    steps = {}
    for failure in failures if isinstance(failures, list) else []:
        if not isinstance(failure, dict):
            continue
        name = re.sub(r"\(\d+\)$", "", str(failure.get("displayName") or failure.get("templateName") or ""))
        if not name or name == env.get("WORKFLOW_NAME"):
            continue
        key = (str(failure.get("finishedAt") or "~"), name)
        if name not in steps or key < steps[name][0]:
            steps[name] = (key, failure.get("message"))
    if not steps:
        return None, None
    name = min(steps, key=lambda n: steps[n][0])
    return name, steps[name][1]

def duration():
    try:
        seconds = int(float(env.get("DURATION") or ""))
    except ValueError:
        return ""
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return "%dh%02dm%02ds" % (hours, minutes, seconds) if hours else "%dm%02ds" % (minutes, seconds)

def run_url():
    base = env.get("ARGO_SERVER_URL", "")
    if not base:
        return ""
    quote = lambda s: urllib.parse.quote(s, safe="")
    return "%s/workflows/%s/%s" % (base, quote(env["WORKFLOW_NAMESPACE"]), quote(env["WORKFLOW_NAME"]))

def secret(name):
    # Secret values often end in a newline (`echo` into a file): never send it in a header or URL.
    return env.get(name, "").strip()

class NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would replay the token to wherever it points (and turn the POST into a GET
    # that "succeeds"): report it as the failure it is.
    def redirect_request(self, *args, **kwargs):
        return None

opener = urllib.request.build_opener(NoRedirect)

def post(url, body, headers):
    # An exception's message can quote the URL or a header (a token): log its type and status only.
    headers = dict(headers, **{"Content-Type": "application/json"})
    for attempt in range(3):
        try:
            request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
            with opener.open(request, timeout=30) as response:
                print("pipewright: %s notified, HTTP %d" % (channel, response.status))
                return
        except urllib.error.HTTPError as caught:
            print("pipewright: %s attempt %d failed: HTTP %d" % (channel, attempt + 1, caught.code), file=sys.stderr)
            if caught.code < 500 and caught.code != 429:
                break  # a redirect, a bad token or a bad request: trying again changes nothing
        except ValueError as caught:
            # A malformed URL or header value: no retry can fix it.
            print("pipewright: %s request refused (%s): check the Secret's value" % (channel, type(caught).__name__), file=sys.stderr)
            break
        except Exception as caught:
            print("pipewright: %s attempt %d failed (%s)" % (channel, attempt + 1, type(caught).__name__), file=sys.stderr)
        if attempt < 2:
            time.sleep(5 * (attempt + 1))
    print("pipewright: giving up on %s; the run's outcome is unchanged" % channel, file=sys.stderr)

step, message = failed_step()
link = run_url()
summary = {
    "pipeline": pipeline,
    "workflow": env["WORKFLOW_NAME"],
    "namespace": env["WORKFLOW_NAMESPACE"],
    "status": status,
    "duration": duration(),
    "failedStep": step,
    "failedMessage": message,
    "url": link,
}
if channel == "webhook":
    summary["text"] = "%s: %s (%s)" % (pipeline, status, env["WORKFLOW_NAME"])
    post(secret("TARGET_URL"), summary, {})
elif channel == "slack":
    escape = lambda s: str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    icon = {"Succeeded": ":white_check_mark:"}.get(status, ":x:")
    text = "%s *%s* %s in %s (%s)" % (icon, escape(pipeline), escape(status.lower()), summary["duration"], escape(env["WORKFLOW_NAME"]))
    if step:
        text += "\nFailed step `%s`: %s" % (escape(step), escape(message or ""))
    if link:
        text += "\n<%s|Open the run in Argo>" % link
    post(secret("TARGET_URL"), {"text": text}, {})
elif channel in ("github", "gitlab"):
    commit = env.get("COMMIT", "")
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        print("pipewright: no commit was checked out: no commit status to set")
        sys.exit(0)
    states = {
        "github": {"Running": "pending", "Succeeded": "success", "Failed": "failure"},
        "gitlab": {"Running": "running", "Succeeded": "success", "Failed": "failed"},
    }[channel]
    state = states.get(status, "error" if channel == "github" else "failed")
    context = "pipewright/" + pipeline
    description = ("%s %s" % (status, summary["duration"])).strip()[:140]
    api = env["API_URL"]
    if channel == "github":
        url = "%s/repos/%s/statuses/%s" % (api, env["REPO_PATH"], commit)
        body = {"state": state, "context": context, "description": description}
        headers = {"Authorization": "Bearer " + secret("FORGE_TOKEN"), "Accept": "application/vnd.github+json"}
    else:
        url = "%s/projects/%s/statuses/%s" % (api, urllib.parse.quote(env["REPO_PATH"], safe=""), commit)
        body = {"state": state, "name": context, "description": description}
        headers = {"PRIVATE-TOKEN": secret("FORGE_TOKEN")}
    if link:
        body["target_url"] = link
    post(url, body, headers)
else:
    sys.exit("pipewright: unknown channel " + channel)
"#;

#[cfg(test)]
mod tests {
    use super::{CLONE, LAUNCHER};
    use std::path::Path;
    use std::process::{Command, Output};

    fn sh(script: &str, dir: &Path, env: &[(&str, &str)]) -> Output {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script).current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("sh runs")
    }

    fn launch(src: &Path, cache_root: &str, command: &str) -> (bool, String) {
        launch_for(src, cache_root, command, "push")
    }

    fn launch_for(src: &Path, cache_root: &str, command: &str, event: &str) -> (bool, String) {
        let link = src.join("link");
        let out = sh(
            LAUNCHER,
            src,
            &[
                ("PW_CONTEXT_DIR", "app"),
                ("PW_TOOLCHAIN", "node"),
                ("PW_LOCKFILES", "package-lock.json\nnpm-shrinkwrap.json"),
                ("PW_SOURCE", src.to_str().unwrap()),
                ("PW_CACHE_ROOT", cache_root),
                ("PW_CACHE", link.to_str().unwrap()),
                ("PW_COMMAND", command),
                ("PW_EVENT", event),
            ],
        );
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    /// The notifier never formats an exception (its message can quote a URL or a header with a
    /// token): the only uses of a caught exception are its type name and its HTTP status.
    #[test]
    fn the_notifier_never_logs_an_exception_message() {
        let mut uses = Vec::new();
        for line in super::NOTIFY.lines().map(str::trim) {
            if line.starts_with("except") {
                assert!(!line.contains(" as ") || line.ends_with(" as caught:"), "name every caught exception `caught`: {line}");
                continue;
            }
            if line.contains("caught") {
                let rest = line.replace("type(caught).__name__", "").replace("caught.code", "");
                assert!(!rest.contains("caught"), "formats an exception: {line}");
                uses.push(line);
            }
        }
        assert!(uses.len() >= 3, "{uses:?}");
        for raw in ["str(e)", "repr(", "%s\" % (channel, attempt + 1, e)", ".args", "traceback", "{e}"] {
            assert!(!super::NOTIFY.contains(raw), "{raw}");
        }
    }

    #[test]
    fn the_cache_is_keyed_by_the_lockfile_and_a_cold_or_missing_one_never_fails() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        std::fs::create_dir_all(src.join("app")).unwrap();
        std::fs::write(src.join("app/package-lock.json"), "{\"v\": 1}").unwrap();
        let cache = src.join("cache");
        let cache = cache.to_str().unwrap();
        let (ok, first) = launch(src, cache, "true");
        assert!(ok && first.contains("(cold)"), "{first}");
        let (ok, second) = launch(src, cache, "true");
        assert!(ok && second.contains("(warm)"), "{second}");
        assert_eq!(first.replace("cold", "warm"), second, "same lockfile, same key");
        std::fs::write(src.join("app/package-lock.json"), "{\"v\": 2}").unwrap();
        let (ok, third) = launch(src, cache, "true");
        assert!(ok && third.contains("(cold)"), "a new lockfile is a new key: {third}");
        let (ok, missing) = launch(src, "/proc/pipewright-no-such-cache", "true");
        assert!(ok && missing.contains("unavailable"), "{missing}");
    }

    #[test]
    fn pull_requests_never_share_keys_with_trusted_builds() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        std::fs::create_dir_all(src.join("app")).unwrap();
        std::fs::write(src.join("app/package-lock.json"), "{}").unwrap();
        let cache = src.join("cache");
        let cache = cache.to_str().unwrap();
        let key = |event: &str| {
            let (ok, out) = launch_for(src, cache, "true", event);
            assert!(ok, "{out}");
            out.split_whitespace().nth(3).unwrap().to_owned()
        };
        let trusted = key("push");
        assert!(trusted.starts_with("node-"), "{trusted}");
        for event in ["tag", "manual", "schedule"] {
            assert_eq!(key(event), trusted, "{event}");
        }
        for event in ["pull-request", "", "{{workflow.parameters.event}}"] {
            assert_eq!(key(event), format!("pr-{trusted}"), "{event:?}");
        }
    }

    #[test]
    fn the_launcher_collects_native_junit_reports_and_keeps_the_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        std::fs::create_dir_all(src.join("app")).unwrap();
        let reports = src.join("reports");
        let cache = src.join("cache");
        // Two modules with same-named reports: both are kept, each named after its path.
        let command = "sh\n-c\nfor m in core api; do mkdir -p $m/target/surefire-reports && echo '<testsuite/>' > $m/target/surefire-reports/TEST-a.xml; done; exit 3";
        let out = sh(
            LAUNCHER,
            src,
            &[
                ("PW_CONTEXT_DIR", "app"),
                ("PW_TOOLCHAIN", "maven"),
                ("PW_LOCKFILES", "pom.xml"),
                ("PW_SOURCE", src.to_str().unwrap()),
                ("PW_CACHE_ROOT", cache.to_str().unwrap()),
                ("PW_CACHE", src.join("link").to_str().unwrap()),
                ("PW_COMMAND", command),
                ("PW_REPORTS_FROM", "target/surefire-reports"),
                ("PW_REPORTS_DIR", reports.to_str().unwrap()),
            ],
        );
        assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
        for module in ["core", "api"] {
            assert!(reports.join(format!("{module}_target_surefire-reports_TEST-a.xml")).is_file(), "{module}");
        }
        assert!(String::from_utf8_lossy(&out.stdout).contains("2 JUnit report(s)"));
    }

    #[test]
    fn the_launcher_passes_arguments_without_a_shell() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("app")).unwrap();
        let cache = dir.path().join("cache");
        let (ok, out) = launch(dir.path(), cache.to_str().unwrap(), "printf\n[%s]\n$(touch pwned) *\n`id`;x");
        assert!(ok, "{out}");
        assert!(out.contains("[$(touch pwned) *][`id`;x]"), "{out}");
        assert!(!dir.path().join("app/pwned").exists());
    }

    #[test]
    fn the_clone_honours_depth() {
        let dir = tempfile::tempdir().unwrap();
        let origin = dir.path().join("origin");
        let git = |args: &[&str]| {
            let out = sh(&format!("git {}", args.join(" ")), &origin, &[("HOME", dir.path().to_str().unwrap())]);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        };
        std::fs::create_dir_all(&origin).unwrap();
        git(&["init", "-q", "-b", "main"]);
        for i in 0..3 {
            git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", &format!("c{i}")]);
        }
        for (depth, expected) in [("1", "1"), ("0", "3")] {
            let src = dir.path().join(format!("src{depth}"));
            let out = sh(
                CLONE,
                dir.path(),
                &[
                    ("REPO_URL", origin.to_str().unwrap()),
                    ("REVISION", "main"),
                    ("IMAGE_TAG", ""),
                    ("DEPTH", depth),
                    ("SUBMODULES", "false"),
                    ("PW_SOURCE", src.to_str().unwrap()),
                    ("HOME", dir.path().to_str().unwrap()),
                ],
            );
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let count = Command::new("git").args(["rev-list", "--count", "HEAD"]).current_dir(&src).output().unwrap();
            assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), expected, "depth {depth}");
        }
        let bad = sh(CLONE, dir.path(), &[("REPO_URL", "x"), ("REVISION", "main"), ("DEPTH", "1; id"), ("SUBMODULES", "false")]);
        assert_eq!(bad.status.code(), Some(2));
    }

    /// The HTTPS credential helper the clone writes: it answers only `get` for https on the repo
    /// URL's host, so a submodule on another host (or over http) never sees the token.
    #[test]
    fn the_https_token_is_read_from_the_named_key() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("pw");
        let creds = dir.path().join("creds");
        std::fs::create_dir_all(&creds).unwrap();
        std::fs::write(creds.join("token"), "t0ken\n").unwrap();
        let setup = &CLONE[..CLONE.find("if [ \"$DEPTH\" = 0 ]").unwrap()].replace("/tmp/pipewright", tmp.to_str().unwrap());
        let script = format!("{setup}printf 'protocol=https\\nhost=git.acme.io\\n\\n' | \"$GIT_CONFIG_VALUE_1\" get");
        let base = [
            ("EVENT", "push"),
            ("REPO_URL", "https://git.acme.io/team/app.git"),
            ("REVISION", "main"),
            ("DEPTH", "1"),
            ("PW_GIT_AUTH", "https"),
            ("PW_GIT_CREDENTIALS", creds.to_str().unwrap()),
        ];
        let out = sh(&script, dir.path(), &[&base[..], &[("PW_GIT_TOKEN_KEY", "token")]].concat());
        assert_eq!(String::from_utf8_lossy(&out.stdout), "username=x-access-token\npassword=t0ken\n");
        let out = sh(&script, dir.path(), &[&base[..], &[("PW_GIT_TOKEN_KEY", "../creds/token")]].concat());
        assert_eq!(out.status.code(), Some(2), "a key that is a path is refused");
    }

    #[test]
    fn the_https_token_goes_only_to_the_repo_host() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("pw");
        let creds = dir.path().join("creds");
        std::fs::create_dir_all(&creds).unwrap();
        std::fs::write(creds.join("password"), "s3cret\n").unwrap();
        let setup = &CLONE[..CLONE.find("if [ \"$DEPTH\" = 0 ]").unwrap()].replace("/tmp/pipewright", tmp.to_str().unwrap());
        let ask_as = |event: &str, url: &str, request: &str| {
            let script = format!("{setup}printf '{request}' | \"$GIT_CONFIG_VALUE_1\" get; echo \"[$GIT_ALLOW_PROTOCOL]\"");
            let out = sh(
                &script,
                dir.path(),
                &[
                    ("EVENT", event),
                    ("REPO_URL", url),
                    ("REVISION", "main"),
                    ("DEPTH", "1"),
                    ("PW_GIT_AUTH", "https"),
                    ("PW_GIT_CREDENTIALS", creds.to_str().unwrap()),
                ],
            );
            (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
        };
        let ask = |url: &str, request: &str| ask_as("push", url, request);
        let (code, out) = ask("https://git.acme.io/team/app.git", "protocol=https\\nhost=git.acme.io\\n\\n");
        assert_eq!(code, Some(0), "{out}");
        assert_eq!(out, "username=x-access-token\npassword=s3cret\n[https]\n");
        let (_, out) = ask("https://ci@git.acme.io:8443/team/app.git", "protocol=https\\nhost=git.acme.io:8443\\n\\n");
        assert!(out.contains("password=s3cret"), "{out}");
        for (url, request) in [
            ("https://git.acme.io/team/app.git", "protocol=https\\nhost=evil.example\\n\\n"),
            ("https://git.acme.io/team/app.git", "protocol=http\\nhost=git.acme.io\\n\\n"),
            ("https://git.acme.io/team/app.git", "protocol=https\\nhost=git.acme.io.evil.example\\n\\n"),
            ("https://git.acme.io:8443/app.git", "protocol=https\\nhost=git.acme.io\\n\\n"),
        ] {
            let (code, out) = ask(url, request);
            assert_eq!(code, Some(0), "{out}");
            assert!(!out.contains("s3cret") && !out.contains("username"), "{url} {request}: {out}");
        }
        let (code, _) = ask("http://git.acme.io/team/app.git", "");
        assert_eq!(code, Some(2), "https credentials refuse a non-https URL");
        // A trusted run's private submodules on the same host get the token; a pull request's
        // `.gitmodules` cannot point it at another repository there.
        let other = "protocol=https\\nhost=git.acme.io\\npath=team/secrets.git\\n\\n";
        assert!(ask("https://git.acme.io/team/app.git", other).1.contains("password=s3cret"));
        let (_, out) = ask_as("pull-request", "https://git.acme.io/team/app.git", other);
        assert!(!out.contains("s3cret"), "{out}");
        let own = "protocol=https\\nhost=git.acme.io\\npath=team/app.git\\n\\n";
        assert!(ask_as("pull-request", "https://git.acme.io/team/app.git", own).1.contains("password=s3cret"));
    }

    /// Runs the publishing rule of the clone script (the part after the checkout) with `sh`.
    fn publish(event: &str, revision: &str) -> Result<(String, String), String> {
        publish_as(event, revision, "")
    }

    /// The publishing rule with an `image_tag` argument.
    fn publish_as(event: &str, revision: &str, image_tag: &str) -> Result<(String, String), String> {
        let start = super::CLONE.find("push=true\n").unwrap();
        let end = super::CLONE.find("# cut ends its line").unwrap();
        let script = format!(
            "set -eu\nshort=abc1234\n{}printf '%s %s' \"$(printf '%s' \"$tag\" | tr -c 'A-Za-z0-9_.-' '-')\" \"$push\"",
            &super::CLONE[start..end]
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .env("EVENT", event)
            .env("REVISION", revision)
            .env("IMAGE_TAG", image_tag)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let (tag, push) = stdout.split_once(' ').unwrap();
        Ok((tag.to_owned(), push.to_owned()))
    }

    #[test]
    fn image_tag_overrides_only_a_manual_run_and_never_as_a_release() {
        assert_eq!(publish_as("manual", "main", "hotfix-7").unwrap(), ("hotfix-7".into(), "true".into()));
        for event in ["push", "tag", "pull-request", "schedule"] {
            let refused = publish_as(event, "refs/tags/v1.2.3", "hotfix-7").unwrap_err();
            assert!(refused.contains("honoured only for manual runs"), "{event}: {refused}");
        }
        for release in ["1.2.3", "v1.2.3", "1.2.3-rc.1"] {
            assert!(publish_as("manual", "main", release).unwrap_err().contains("may not be a semver version"), "{release}");
        }
    }

    #[test]
    fn publishing_rules() {
        let ok = |e: &str, r: &str| publish(e, r).unwrap();
        assert_eq!(ok("tag", "refs/tags/v1.2.3"), ("1.2.3".into(), "true".into()));
        assert_eq!(ok("tag", "refs/tags/2.0.0-rc.1"), ("2.0.0-rc.1".into(), "true".into()));
        assert_eq!(ok("push", "refs/heads/main"), ("main-abc1234".into(), "true".into()));
        assert_eq!(ok("push", "refs/heads/release/2.4"), ("release-2.4-abc1234".into(), "true".into()));
        assert_eq!(ok("manual", "main"), ("main-abc1234".into(), "true".into()));
        assert_eq!(ok("pull-request", "refs/pull/7/head"), ("pr-abc1234".into(), "false".into()));
        assert_eq!(ok("schedule", "main"), ("main-abc1234".into(), "false".into()));
        for bad in
            ["refs/tags/v1.2", "refs/tags/latest", "refs/tags/v1.2.3+build", "refs/tags/01.2.3", "refs/tags/1.2.3\nx", "refs/tags/$(id)"]
        {
            assert!(publish("tag", bad).unwrap_err().contains("not a semver version"), "{bad:?}");
        }
        assert!(publish("deploy", "main").unwrap_err().contains("unknown event"));
    }
}
