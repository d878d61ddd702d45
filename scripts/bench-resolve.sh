#!/usr/bin/env bash
# Resolves all 22 services of the platform tree (platform/ with environments/production.json)
# against moto_server, in one run, three ways:
#   - qsl-config resolve --all-services: one process, one pass over every service;
#   - qsl-config resolve --service ID, 22 processes: each service starting on its own;
#   - a boto3 script doing what teams do today: one GetSecretValue or GetParameter per reference.
# Prints the calls moto received (from moto's own request recording) and the median wall time of
# RUNS runs for each, and the ratios. Then measures what `qsl-config exec -- /bin/true` adds to a
# process start with the embedded local store, over EXEC_RUNS runs.
#
# usage: scripts/bench-resolve.sh [RUNS] [EXEC_RUNS]        (defaults 5 and 200)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/
cd "$(dirname "$0")/.."
runs=${1:-5}
exec_runs=${2:-200}

swift build -c release --static-swift-stdlib --scratch-path .build-release --product qsl-config >&2
bin=$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/qsl-config

work=.build-bench/resolve
rm -rf "$work"
mkdir -p "$work/refs"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
MOTO_RECORDER_FILEPATH="$PWD/$work/recording.jsonl" moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/')" 2>/dev/null && break
  sleep 0.2
done

# Fake credentials and nothing from this machine's AWS set-up.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/nonexistent/qsl-bench/config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/qsl-bench/credentials
unset AWS_PROFILE AWS_ENDPOINT_URL QSL_LOG_LEVEL

# Each service's configuration with its references as written (no store is read), then moto
# seeded with a fake value for every secret and parameter they reference.
ids=$(python3 -c 'import json; print(" ".join(s["id"] for s in json.load(open("environments/services.json"))["services"]))')
for id in $ids; do
  "$bin" resolve --root . --environment production --service "$id" --keep-references --show-secrets --format json >"$work/refs/$id.json"
done
python3 scripts/bench/seed_platform.py "$endpoint" "$work"/refs/*.json

python3 - "$bin" "$endpoint" "$work" "$runs" "$exec_runs" $ids <<'PY'
import json, os, statistics, subprocess, sys, time, urllib.request
from collections import Counter

bin, endpoint, work, runs, exec_runs, ids = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:]
refs = [f"{work}/refs/{id}.json" for id in ids]

def recorder(action, method="POST"):
    request = urllib.request.Request(f"{endpoint}/moto-api/recorder/{action}", method=method, data=b"" if method == "POST" else None)
    return urllib.request.urlopen(request).read().decode()

def recorded_calls(run):
    recorder("reset-recording"); recorder("start-recording")
    run()
    recorder("stop-recording")
    lines = [json.loads(line) for line in recorder("download-recording", "GET").splitlines() if line.strip()]
    return Counter(next((v for k, v in line["headers"].items() if k.lower() == "x-amz-target"), "?").split(".")[-1] for line in lines)

def run(command, stdout=subprocess.DEVNULL):
    result = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"bench-resolve: {' '.join(command[:4])} ... failed ({result.returncode}): {result.stderr.strip()[:400]}")
    return result

one_pass = [bin, "resolve", "--root", ".", "--environment", "production", "--all-services", "--endpoint-url", endpoint]
def qsl_one_pass(): run(one_pass)
def qsl_per_service():
    for id in ids: run([bin, "resolve", "--root", ".", "--environment", "production", "--service", id, "--endpoint-url", endpoint])
boto3_seconds = []
def boto3_script(output="-"):
    result = run([sys.executable, "scripts/bench/boto3_resolve.py", endpoint, output] + refs, stdout=subprocess.PIPE)
    fields = dict(part.split("=") for part in result.stdout.split())
    boto3_seconds.append(float(fields["seconds"]))
    return int(fields["calls"])

# Both tools must produce the same values for every referencing key.
boto3_script(f"{work}/boto3.json")
qsl = json.loads(run(one_pass + ["--show-secrets"], stdout=subprocess.PIPE).stdout)
theirs = json.load(open(f"{work}/boto3.json"))
checked = 0
for id, path, resolved in zip(ids, refs, theirs):
    ours = {key.lower(): value for key, value in qsl[id].items()}  # configuration keys ignore case
    for key, written in json.load(open(path)).items():
        if isinstance(written, str) and "${aws:" in written:
            checked += 1
            if ours.get(key.lower()) != resolved[key]:
                sys.exit(f"bench-resolve: {id} {key}: qsl-config and boto3 disagree")
boto3_seconds.clear()

calls = {"one": recorded_calls(qsl_one_pass), "per": recorded_calls(qsl_per_service), "boto3": recorded_calls(boto3_script)}
boto3_seconds.clear()

walls = {"one": [], "per": []}
for _ in range(runs):  # interleaved, so load on the machine hits all three alike
    for name, body in (("one", qsl_one_pass), ("per", qsl_per_service)):
        start = time.perf_counter(); body(); walls[name].append(time.perf_counter() - start)
    boto3_script()
median = {name: statistics.median(values) for name, values in walls.items()}
median["boto3"] = statistics.median(boto3_seconds)

def describe(counter): return ", ".join(f"{n} {op}" for op, n in sorted(counter.items()))
print(f"platform: {len(ids)} services, {checked} references; values identical in both tools; median of {runs} runs")
print(f"{'':<52}{'calls':>7}{'wall ms':>10}{'boto3 / this':>14}")
rows = [
    ("qsl-config resolve --all-services (1 process)", "one"),
    ("qsl-config resolve --service ID (22 processes)", "per"),
    ("boto3, one call per reference (1 process)", "boto3"),
]
for label, name in rows:
    total = sum(calls[name].values())
    print(f"{label:<52}{total:>7}{median[name] * 1000:>10.1f}{median['boto3'] / median[name]:>13.1f}x")
for label, name in rows:
    print(f"  {name}: {describe(calls[name])}")
print("  (qsl-config walls include process start; the boto3 wall is its resolution loop alone, without interpreter start or import)")
PY

# What `qsl-config exec` adds to a process start: a small service on the embedded local store.
svc="$work/exec/svc"
mkdir -p "$svc"
store="$work/exec/.qsl/local-store.json"
cat >"$svc/appsettings.json" <<'JSON'
{
  "ConnectionStrings": { "postgres-userservice": "${aws:secrets:qsl/development/neon/userservice}" },
  "Logto": { "ClientId": "${aws:secrets:qsl/development/logto:clientId}", "ClientSecret": "${aws:secrets:qsl/development/logto:clientSecret}" },
  "Monitoring": { "OpenTelemetry": { "Headers": "api-key=${aws:secrets:qsl/development/otel}" } },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
JSON
printf 'Host=localhost;Database=users;Username=svc;Password=fake-bench' | "$bin" secret put qsl/development/neon/userservice --store local --local-store "$store" >/dev/null
printf '{"clientId":"fake-id","clientSecret":"fake-secret"}' | "$bin" secret put qsl/development/logto --store local --local-store "$store" >/dev/null
printf 'fake-otel-key' | "$bin" secret put qsl/development/otel --store local --local-store "$store" >/dev/null
python3 - "$bin" "$svc" "$store" "$exec_runs" <<'PY'
import subprocess, sys, time
bin, svc, store, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def mean_ms(command):
    subprocess.run(command, check=True)  # warm the page cache
    start = time.perf_counter()
    for _ in range(n): subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) / n * 1000
bare = mean_ms(["/bin/true"])
wrapped = mean_ms([bin, "exec", "--config-dir", svc, "--store", "local", "--local-store", store, "--", "/bin/true"])
print(f"exec overhead, local store, 4 references, mean of {n} runs: /bin/true {bare:.2f} ms, "
      f"qsl-config exec -- /bin/true {wrapped:.2f} ms: exec adds {wrapped - bare:.2f} ms")
PY
