#!/usr/bin/env bash
# Bundling all 22 services costs no more AWS calls than resolving the union of their
# references once. Against a moto_server on loopback, for the development and production
# environments of the demo platform, prints the AWS calls (counted from moto's request log, so
# every HTTP request is seen, pages and retries included) and the wall time of:
#
#   bundle json   qsl-config bundle --format json for all 22 services (one resolution pass)
#   bundle ecs    qsl-config bundle --format ecs for all 22 services (metadata only)
#   union once    qsl-config resolve of one file holding every distinct reference of the 22
#   22 resolves   qsl-config resolve --service for each service in turn (the naive way)
#
# and exits 1 if a bundle costs more calls than the union.
#
#   scripts/bench-bundle.sh            # builds qsl-config in release mode into .build-release
#   QSL_CONFIG_BIN=path scripts/bench-bundle.sh
#
# Needs: swift, moto_server, python3 with boto3 (moto's dependency). Writes only under a
# temporary folder, removed at exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ -n ${QSL_CONFIG_BIN:-} ]]; then
  bin=$QSL_CONFIG_BIN
else
  echo "building qsl-config (release) ..." >&2
  swift build -c release --static-swift-stdlib --scratch-path .build-release --product qsl-config >&2
  bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/qsl-config"
fi

work=$(mktemp -d)
moto_pid=
cleanup() {
  if [[ -n $moto_pid ]]; then kill "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1)
        break
    except Exception:
        time.sleep(0.1)
PY

export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent/qsl-bench/config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/qsl-bench/credentials
store=(--store aws --endpoint-url "$AWS_ENDPOINT_URL")

# AWS API requests moto has logged so far (its own /moto-api/ requests excluded).
calls() { grep -E '"(POST|GET) /' "$work/moto.log" | grep -vc '/moto-api/' || true; }

# Every distinct aws: reference of the 22 services of ENV, as one appsettings.json.
union() {
  local env=$1 dir=$work/union-$env prefix=""
  # Production's AppHost sets AWS:ParameterStorePrefix; the union loads that prefix too.
  if [[ $env == production ]]; then prefix=/qsl/production/config/; fi
  mkdir -p "$dir"
  for id in $(python3 -c 'import json; print(" ".join(s["id"] for s in json.load(open("environments/services.json"))["services"]))'); do
    "$bin" resolve --root . --environment "$env" --service "$id" --keep-references --show-secrets --format json
  done | python3 -c '
import json, re, sys
refs = set()
for match in re.finditer(r"\$\{aws:[^}]*\}", sys.stdin.read().replace("\\/", "/")):
    refs.add(match.group(0))
prefix = sys.argv[1]
settings = {"References": {str(i): ref for i, ref in enumerate(sorted(refs))}}
if prefix:
    settings["AWS"] = {"ParameterStorePrefix": prefix}
json.dump(settings, open(sys.argv[2] + "/appsettings.json", "w"), indent=1)
print(len(refs))
' "$prefix" "$dir"
}

# Runs a command, prints "calls seconds".
measure() {
  local before after start end
  before=$(calls)
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  after=$(calls)
  echo "$((after - before)) $(python3 -c "print(f'{$end - $start:.2f}')")"
}

# Development: the demo seed, written with qsl-config itself.
"$bin" seed --root . --environment development --from platform/dev-seed.json "${store[@]}" >/dev/null
# Production: a fake value for every secret and parameter the tree references, plus the prefix.
python3 - "$AWS_ENDPOINT_URL" <<'PY'
import boto3, glob, json, re, sys
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
sm, ssm = boto3.client("secretsmanager", **kw), boto3.client("ssm", **kw)
keys, params = {}, set()
for path in glob.glob("platform/**/*.json", recursive=True):
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"\$\{aws:secrets:(qsl/production/[^:}]+)(?::([^:}]*))?[^}]*\}", text):
        keys.setdefault(m.group(1), set()).update([m.group(2)] if m.group(2) else [])
    for m in re.finditer(r"\$\{aws:(?:parameter|ssm):(/qsl/production/[^:}]+)[^}]*\}", text):
        params.add(m.group(1))
for name, fields in sorted(keys.items()):
    sm.create_secret(Name=name, SecretString=json.dumps({k: "fake-" + k for k in fields}) if fields else "fake-" + name)
for name in sorted(params):
    ssm.put_parameter(Name=name, Value="https://fake.example" + name, Type="String")
PY

printf '%-12s %-14s %8s %9s\n' environment run "AWS calls" seconds
status=0
for env in development production; do
  refs=$(union "$env")
  read -r json_calls json_time < <(measure "$bin" bundle --root . --environment "$env" --format json --output "$work/out-$env" "${store[@]}")
  # Production's ecs bundles stop on the tree's plaintext fallbacks (see the README); json does not.
  if [[ $env == development ]]; then
    read -r ecs_calls ecs_time < <(measure "$bin" bundle --root . --environment "$env" --format ecs --output "$work/ecs-$env" "${store[@]}")
  fi
  read -r union_calls union_time < <(measure "$bin" resolve --config-dir "$work/union-$env" --environment Bench "${store[@]}")
  naive_before=$(calls)
  naive_start=$(date +%s.%N)
  for id in $(python3 -c 'import json; print(" ".join(s["id"] for s in json.load(open("environments/services.json"))["services"]))'); do
    "$bin" resolve --root . --environment "$env" --service "$id" "${store[@]}" >/dev/null
  done
  naive_calls=$(($(calls) - naive_before))
  naive_time=$(python3 -c "print(f'{$(date +%s.%N) - $naive_start:.2f}')")

  printf '%-12s %-14s %8s %9s\n' "$env" "bundle json" "$json_calls" "$json_time"
  if [[ $env == development ]]; then printf '%-12s %-14s %8s %9s\n' "$env" "bundle ecs" "$ecs_calls" "$ecs_time"; fi
  printf '%-12s %-14s %8s %9s   (%s distinct references)\n' "$env" "union once" "$union_calls" "$union_time" "$refs"
  printf '%-12s %-14s %8s %9s\n' "$env" "22 resolves" "$naive_calls" "$naive_time"
  printf '%-12s %-14s %8s\n' "$env" "ratio" "$(python3 -c "print(f'bundle/union {$json_calls / $union_calls:.2f}, 22-resolves/bundle {$naive_calls / $json_calls:.1f}x')")"
  if ((json_calls > union_calls)); then
    echo "FAIL: bundling $env cost $json_calls calls, more than the $union_calls of the union" >&2
    status=1
  fi
done
exit $status
