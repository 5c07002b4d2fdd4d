//! The library's static scripts. They contain no `{{…}}` and no user text: every value
//! reaches them through environment variables set from Argo parameters.

/// Points `PW_CACHE` at the dependency cache for this toolchain, project and lockfiles
/// (`PW_CACHE_ROOT/<toolchain>-<key>`), then runs `PW_COMMAND` (one argument per line) in
/// `PW_CONTEXT_DIR`, without a shell interpreting the arguments: word splitting on newlines
/// only, globbing off. A cold, missing or unwritable cache never fails the step: it runs with
/// an empty cache instead. With `PW_CACHE_PRUNE=true` (the deps step) keys unused for 14 days go.
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
dir="$PW_CACHE_ROOT/$PW_TOOLCHAIN-$key"
state=warm
[ -d "$dir" ] || state=cold
rm -rf "$PW_CACHE" 2>/dev/null || true
if mkdir -p "$dir" 2>/dev/null && touch "$dir" 2>/dev/null && ln -s "$dir" "$PW_CACHE" 2>/dev/null; then
  echo "pipewright: dependency cache $PW_TOOLCHAIN-$key ($state)"
  if [ "${PW_CACHE_PRUNE:-}" = true ]; then
    find "$PW_CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -mtime +14 -exec rm -rf {} + 2>/dev/null || true
  fi
else
  mkdir -p "$PW_CACHE"
  echo "pipewright: dependency cache unavailable; running with an empty one" >&2
fi
set -- $PW_COMMAND
exec "$@"
"#;

/// Clones `REPO_URL` at `REVISION` into the workspace (`DEPTH` commits, 0 for all; submodules
/// when `SUBMODULES` is `true`) and computes the image tag. With `PW_GIT_AUTH=https` git asks a
/// helper for the token, which reads it from the mounted Secret; with `ssh` the key is copied
/// to a private file and host keys are checked strictly. No credential reaches an argument, an
/// environment variable, the log or an output. `umask 0002` keeps the tree writable for the
/// steps that share the workspace's group.
pub const CLONE: &str = r#"set -eu
umask 0002
case "$REPO_URL" in -*) echo "pipewright: refusing repo URL that starts with '-'" >&2; exit 2 ;; esac
case "$REVISION" in -*|'') echo "pipewright: refusing empty revision or one that starts with '-'" >&2; exit 2 ;; esac
case "$DEPTH" in ''|*[!0-9]*) echo "pipewright: depth must be a whole number" >&2; exit 2 ;; esac
mkdir -p /tmp/pipewright
case "${PW_GIT_AUTH:-none}" in
  https)
    cat > /tmp/pipewright/askpass <<'EOF'
#!/bin/sh
case "$1" in
  Username*) if [ -s "$PW_GIT_CREDENTIALS/username" ]; then head -n1 "$PW_GIT_CREDENTIALS/username"; else echo x-access-token; fi ;;
  *) head -n1 "$PW_GIT_CREDENTIALS/password" ;;
esac
EOF
    chmod 0700 /tmp/pipewright/askpass
    export GIT_ASKPASS=/tmp/pipewright/askpass
    ;;
  ssh)
    mkdir -p /tmp/pipewright/ssh
    chmod 0700 /tmp/pipewright/ssh
    (umask 0077; cat "$PW_GIT_CREDENTIALS/ssh-privatekey" > /tmp/pipewright/ssh/key)
    [ -s "$PW_GIT_CREDENTIALS/known_hosts" ] || { echo "pipewright: the SSH Secret has no known_hosts key" >&2; exit 2; }
    export GIT_SSH_COMMAND="ssh -i /tmp/pipewright/ssh/key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$PW_GIT_CREDENTIALS/known_hosts"
    ;;
esac
if [ "$DEPTH" = 0 ]; then depth=; else depth="--depth=$DEPTH"; fi
rm -rf "$PW_SOURCE"
git init -q "$PW_SOURCE"
cd "$PW_SOURCE"
git remote add origin "$REPO_URL"
git fetch -q $depth origin "$REVISION"
git checkout -q --detach FETCH_HEAD
if [ "$SUBMODULES" = true ]; then git submodule update -q --init --recursive $depth; fi
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
