"""`scripts/bench --run`: the overhead of `pipewright run` beyond the steps' own time.

Runs a ten-task pipeline of trivial steps (the generic toolchain with `true` for deps, lint and
test; the clone from a local repository; the Sonar step, off by default; the webhook notifier
of the exit handler, posting to a loopback server; --skip for the four supply-chain tasks,
whose programs this machine lacks) with the host executor, several times, and prints a
markdown table: the run's wall time, the time spent in the steps' processes (the report's
`stepSeconds`, bubblewrap included), the overhead (wall minus steps) per run and per task, and
what one bubblewrap sandbox costs by itself. Targets (issue 10): under 50 ms per task and under
1 s for a ten-task run.
"""

import http.server
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

STEP = '{command: ["true"], image: debian:bookworm-slim}'
PIPELINE = f"""apiVersion: pipewright.dev/v1alpha1
kind: Pipeline
metadata: {{name: bench, namespace: team}}
spec:
  repo: https://git.example.invalid/team/bench.git
  toolchain: generic
  image: registry.example.invalid/team/bench
  notify:
    webhook: {{secretName: hook, key: url}}
  steps:
    deps: {STEP}
    lint: {STEP}
    test: {STEP}
"""
SKIPPED = ["security-scan", "build-image", "scan-image", "provenance"]


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.invalid", GIT_COMMITTER_NAME="b",
               GIT_COMMITTER_EMAIL="b@example.invalid")
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL)


def bwrap_seconds(repeat):
    """One bubblewrap sandbox around `true`, against `true` alone (the host's `/` read-only)."""
    def once(cmd):
        t = time.perf_counter()
        subprocess.run(cmd, check=True)
        return time.perf_counter() - t
    sandbox = ["bwrap", "--die-with-parent", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    return (statistics.median(once(sandbox) for _ in range(repeat)), statistics.median(once(["true"]) for _ in range(repeat)))


def main(binary, quick):
    repeat = 3 if quick else 7
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="pipewright-bench-run-")
    try:
        repo = os.path.join(tmp, "repo")
        os.makedirs(repo)
        with open(os.path.join(repo, "README"), "w") as f:
            f.write("bench\n")
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "bench")
        with open(os.path.join(tmp, "pipeline.yaml"), "w") as f:
            f.write(PIPELINE)
        cmd = [binary, "run", "pipeline.yaml", "--executor", "host", "--output", "json", "--source", repo,
               "--work-dir", os.path.join(tmp, "work"), "--secret", f"hook.url=http://127.0.0.1:{server.server_port}/"]
        for task in SKIPPED:
            cmd += ["--skip", task]
        runs = []
        for i in range(repeat + 1):
            t = time.perf_counter()
            out = subprocess.run(cmd, cwd=tmp, capture_output=True, check=False)
            wall = time.perf_counter() - t
            report = json.loads(out.stdout)
            if report["status"] != "Succeeded":
                raise SystemExit(f"the bench pipeline failed:\n{out.stderr.decode()}")
            if i > 0:  # the first run warms the cache directory and the page cache
                runs.append((wall, report))
        tasks = len(runs[0][1]["tasks"])
        pods = sum(1 for t in runs[0][1]["tasks"] if t["attempts"] > 0)
        wall = statistics.median(w for w, _ in runs)
        duration = statistics.median(r["durationSeconds"] for _, r in runs)
        steps = statistics.median(r["stepSeconds"] for _, r in runs)
        over = statistics.median(r["durationSeconds"] - r["stepSeconds"] for _, r in runs)
        process = statistics.median(w - r["durationSeconds"] for w, r in runs)
        # Steps run side by side (lint, test, sonar), so the summed step time over-counts: the
        # DAG's critical path, from each task's own duration, shows the time between tasks.
        def task(r, name):
            return next((t["durationSeconds"] for t in r["tasks"] if t["name"] == name), 0.0)

        def critical(r):
            return task(r, "clone") + task(r, "deps") + max(task(r, n) for n in ("lint", "test", "sonar")) + task(r, "notify/webhook")

        gaps = statistics.median(r["durationSeconds"] - critical(r) for _, r in runs)
        per_task = {t["name"]: statistics.median(task(r, t["name"]) for _, r in runs) for t in runs[0][1]["tasks"] if t["attempts"] > 0}
        sandbox, bare = bwrap_seconds(repeat * 3)
        ms = lambda s: f"{s * 1000:,.0f} ms"
        print(f"`pipewright run`, {tasks} tasks ({pods} pods, {len(SKIPPED)} skipped), host executor, median of {repeat} runs\n")
        print("| measure | value | note |\n|---|---|---|")
        print(f"| process wall time | {ms(wall)} | from exec to exit: render, run, report |")
        print(f"| run (report `durationSeconds`) | {ms(duration)} | target < 1 s for ten tasks |")
        print(f"| steps (report `stepSeconds`) | {ms(steps)} | summed over pods, sandbox start-up included |")
        print(f"| interpreter overhead per run | {ms(over)} | duration − steps (steps side by side make it a floor) |")
        print(f"| time between tasks on the critical path | {ms(gaps)} | duration − (clone + deps + slowest of lint, test, sonar + notifier) |")
        print(f"| interpreter overhead per task | {ms(max(over, gaps) / tasks)} | the larger of the two above, over {tasks} tasks; target < 50 ms |")
        print(f"| before and after the run | {ms(process)} | bundle render, loopback git server, report |")
        print(f"| each pod (median) | {', '.join(f'{n} {ms(v)}' for n, v in per_task.items())} | launcher `sh` script, git, python3 included |")
        print(f"| one bubblewrap sandbox | {ms(sandbox)} | `true` alone: {ms(bare)}; ≈ {ms(sandbox - bare)} per pod, {ms((sandbox - bare) * pods)} per run |")
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
