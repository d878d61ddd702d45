#!/usr/bin/env bash
# The fleet-scale fault run of issue 13 (FleetFaultRunTests): seed, resolve --all-services,
# bundle in all four formats, migrate smoke -> production and rotate every generated secret,
# all 22 services, against moto_server through a proxy that faults a share of the requests;
# then the same without faults, and the end states compared. Prints the counts (requests,
# faults injected, extra requests, command re-runs, time against the fault-free run).
# Usage: scripts/fault-run.sh [SEED] [THROTTLE_RATE] [OTHER_FAULT_RATE]   (defaults: 2026, 0.30, 0.10)
# Throttling is 400 ThrottlingException, 429 and 503; the other faults are resets, stalls and
# trickles past the 2 s deadline the commands run with (QSL_HTTP_TIMEOUT), truncated bodies and
# 500s, some after the request reached moto.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/python-venv.sh
export QSL_FAULT_RUN_SEED=${1:-2026} QSL_FAULT_RUN_RATE=${2:-0.30} QSL_FAULT_RUN_OTHER_RATE=${3:-0.10}
swift build --build-tests >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build --filter FleetFaultRunTests >"$log" 2>&1 || status=$?
grep -E '^fault-run:|✘|✔ Test run|Expectation failed' "$log" || tail -n 40 "$log"
exit $status
