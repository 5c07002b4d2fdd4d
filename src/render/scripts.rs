//! The library's static scripts. They contain no `{{…}}` and no user text: every value
//! reaches them through environment variables set from Argo parameters.

/// Runs `PW_COMMAND` (one argument per line) in `PW_CONTEXT_DIR`, without a shell
/// interpreting the arguments: word splitting on newlines only, globbing off.
pub const LAUNCHER: &str = r#"set -eu
cd -- "$PW_CONTEXT_DIR"
IFS='
'
set -f
set -- $PW_COMMAND
exec "$@"
"#;

/// Clones `REPO_URL` at `REVISION` into the workspace and computes the image tag.
pub const CLONE: &str = r#"set -eu
case "$REPO_URL" in -*) echo "pipewright: refusing repo URL that starts with '-'" >&2; exit 2 ;; esac
case "$REVISION" in -*|'') echo "pipewright: refusing empty revision or one that starts with '-'" >&2; exit 2 ;; esac
rm -rf "$PW_SOURCE"
git init -q "$PW_SOURCE"
cd "$PW_SOURCE"
git remote add origin "$REPO_URL"
git fetch -q --depth=1 origin "$REVISION"
git checkout -q --detach FETCH_HEAD
mkdir -p /tmp/pipewright
commit=$(git rev-parse HEAD)
printf '%s' "$commit" > /tmp/pipewright/commit
if [ -n "$IMAGE_TAG" ]; then tag=$IMAGE_TAG; else tag="$REVISION-$(printf '%s' "$commit" | cut -c1-7)"; fi
printf '%s' "$tag" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-128 > /tmp/pipewright/image_tag
echo "pipewright: checked out $commit, image tag $(cat /tmp/pipewright/image_tag)"
"#;

/// Builds `CONTEXT` with BuildKit (rootless, daemonless), pushes `IMAGE:IMAGE_TAG` and records
/// its digest; with `CACHE_TAG` set, reads and writes the layer cache at `IMAGE:CACHE_TAG`.
pub const BUILD: &str = r#"set -eu
case "$IMAGE_TAG" in ''|*[!A-Za-z0-9_.-]*) echo "pipewright: invalid image tag" >&2; exit 2 ;; esac
case "$IMAGE" in ''|*[!a-z0-9./:_-]*) echo "pipewright: invalid image repository" >&2; exit 2 ;; esac
mkdir -p /tmp/pipewright
set --
if [ -n "${CACHE_TAG:-}" ]; then
  # The registry layer cache: a cold or unreachable cache never fails the build.
  set -- --import-cache "type=registry,ref=$IMAGE:$CACHE_TAG" \
    --export-cache "type=registry,ref=$IMAGE:$CACHE_TAG,mode=max,ignore-error=true"
fi
buildctl-daemonless.sh build \
  --frontend dockerfile.v0 \
  --local "context=$PW_CONTEXT" \
  --local "dockerfile=$PW_CONTEXT" \
  --output "type=image,name=$IMAGE:$IMAGE_TAG,push=true" \
  --metadata-file /tmp/pipewright/build.json "$@"
sed -n 's/.*"containerimage.digest": *"\([^"]*\)".*/\1/p' /tmp/pipewright/build.json > /tmp/pipewright/digest
grep -Eq '^sha256:[0-9a-f]{64}$' /tmp/pipewright/digest || { echo "pipewright: the build reported no image digest" >&2; exit 1; }
echo "pipewright: pushed $IMAGE:$IMAGE_TAG@$(cat /tmp/pipewright/digest)"
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

/// Reports a run on one channel (`PW_CHANNEL`: `webhook`, `slack`, `github` or `gitlab`) with
/// its status, duration, failed step and a link to the Argo UI. Best effort: a channel that
/// cannot be reached is logged (without its URL, which is a secret) and does not fail the run.
pub const NOTIFY: &str = r#"import json, os, re, sys, time, urllib.parse, urllib.request
env = os.environ
channel = env["PW_CHANNEL"]
status = env.get("STATUS", "")
pipeline = env["PIPELINE"]

def failed_step():
    try:
        failures = json.loads(env.get("FAILURES") or "null")
    except ValueError:
        return None, None
    for failure in failures if isinstance(failures, list) else []:
        if isinstance(failure, dict):
            return failure.get("displayName") or failure.get("templateName"), failure.get("message")
    return None, None

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

def post(url, body, headers):
    headers = dict(headers, **{"Content-Type": "application/json"})
    for attempt in range(3):
        try:
            request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=30) as response:
                print("pipewright: %s notified, HTTP %d" % (channel, response.status))
                return
        except Exception as e:
            print("pipewright: %s attempt %d failed: %s" % (channel, attempt + 1, e), file=sys.stderr)
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
    post(env["TARGET_URL"], summary, {})
elif channel == "slack":
    escape = lambda s: str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    icon = {"Succeeded": ":white_check_mark:"}.get(status, ":x:")
    text = "%s *%s* %s in %s (%s)" % (icon, escape(pipeline), escape(status.lower()), summary["duration"], escape(env["WORKFLOW_NAME"]))
    if step:
        text += "\nFailed step `%s`: %s" % (escape(step), escape(message or ""))
    if link:
        text += "\n<%s|Open the run in Argo>" % link
    post(env["TARGET_URL"], {"text": text}, {})
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
        headers = {"Authorization": "Bearer " + env["FORGE_TOKEN"], "Accept": "application/vnd.github+json"}
    else:
        url = "%s/projects/%s/statuses/%s" % (api, urllib.parse.quote(env["REPO_PATH"], safe=""), commit)
        body = {"state": state, "name": context, "description": description}
        headers = {"PRIVATE-TOKEN": env["FORGE_TOKEN"]}
    if link:
        body["target_url"] = link
    post(url, body, headers)
else:
    sys.exit("pipewright: unknown channel " + channel)
"#;
