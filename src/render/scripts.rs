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

/// Builds `CONTEXT` with BuildKit (rootless, daemonless) and pushes `IMAGE:IMAGE_TAG`.
pub const BUILD: &str = r#"set -eu
case "$IMAGE_TAG" in ''|*[!A-Za-z0-9_.-]*) echo "pipewright: invalid image tag" >&2; exit 2 ;; esac
case "$IMAGE" in ''|*[!a-z0-9./:_-]*) echo "pipewright: invalid image repository" >&2; exit 2 ;; esac
mkdir -p /tmp/pipewright
buildctl-daemonless.sh build \
  --frontend dockerfile.v0 \
  --local "context=$PW_CONTEXT" \
  --local "dockerfile=$PW_CONTEXT" \
  --output "type=image,name=$IMAGE:$IMAGE_TAG,push=true" \
  --metadata-file /tmp/pipewright/build.json
sed -n 's/.*"containerimage.digest": *"\([^"]*\)".*/\1/p' /tmp/pipewright/build.json > /tmp/pipewright/digest
echo "pipewright: pushed $IMAGE:$IMAGE_TAG@$(cat /tmp/pipewright/digest)"
"#;

/// Posts a JSON summary of the run to `WEBHOOK_URL`. Slack incoming webhooks read `text`.
pub const NOTIFY: &str = r#"import json, os, sys, urllib.request
env = os.environ
try:
    failures = json.loads(env.get("FAILURES") or "null")
except ValueError:
    failures = env.get("FAILURES")
body = {
    "pipeline": env["PIPELINE"],
    "workflow": env["WORKFLOW_NAME"],
    "namespace": env["WORKFLOW_NAMESPACE"],
    "status": env["STATUS"],
    "duration": env.get("DURATION", ""),
    "failures": failures,
}
body["text"] = "%s: %s (%s)" % (body["pipeline"], body["status"], body["workflow"])
request = urllib.request.Request(env["WEBHOOK_URL"], data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
with urllib.request.urlopen(request, timeout=30) as response:
    print("pipewright: notified, HTTP %d" % response.status)
sys.exit(0)
"#;
