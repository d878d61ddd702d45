#!/usr/bin/env bash
# Times the JSON Schema Test Suite's required tests (draft2020-12 and draft7) with qsl-config's
# validator and with python-jsonschema, in one run, and prints both times, pass counts and the
# ratio.
#
# usage: scripts/bench-schema-suite.sh [SUITE_DIR]
#   SUITE_DIR   defaults to Tests/Conformance/json-schema-test-suite
#   ITERATIONS  (environment) runs per side; the fastest counts (default 5)
#
# Both sides include reading the test files and the remotes and building validators in the
# measured time. qsl-config is measured twice: compiling each case's schema once (how the
# library is used) and compiling it for every instance (how the Python baseline runs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUITE="$(cd "${1:-$ROOT/Tests/Conformance/json-schema-test-suite}" && pwd)"
ITERATIONS="${ITERATIONS:-5}"
BASELINE="$SUITE/baseline_python_jsonschema.py"

cd "$ROOT"
echo "building qsl-bench (release)..." >&2
swift build -c release --scratch-path .build-release-bench --product qsl-bench >&2
BIN="$(swift build -c release --scratch-path .build-release-bench --show-bin-path)/qsl-bench"

value() { sed -n "s/^$1=//p" <<<"$2" | head -1; }

per_case="$("$BIN" schema-suite "$SUITE" "$ITERATIONS")"
per_test="$("$BIN" schema-suite "$SUITE" "$ITERATIONS" --compile-per-test)"

# python-jsonschema: the suite's own baseline script, best of ITERATIONS runs.
python_best=""
python_line=""
python_version=""
for _ in $(seq "$ITERATIONS"); do
    output="$(python3 "$BASELINE" "$SUITE")"
    python_version="$(head -1 <<<"$output")"
    line="$(grep '^TOTAL' <<<"$output")"
    seconds="$(sed -E 's/.* ([0-9.]+)s wall.*/\1/' <<<"$line")"
    if [[ -z "$python_best" ]] || awk -v a="$seconds" -v b="$python_best" 'BEGIN { exit !(a < b) }'; then
        python_best="$seconds"
        python_line="$line"
    fi
done
python_cases="$(sed -E 's/.*cases= *([0-9]+).*/\1/' <<<"$python_line")"
python_pass="$(sed -E 's/.*pass= *([0-9]+).*/\1/' <<<"$python_line")"
python_fail="$(sed -E 's/.*fail= *([0-9]+).*/\1/' <<<"$python_line")"
python_error="$(sed -E 's/.*error= *([0-9]+).*/\1/' <<<"$python_line")"

qsl_case_s="$(value qsl_seconds "$per_case")"
qsl_test_s="$(value qsl_seconds "$per_test")"

echo
echo "JSON Schema Test Suite, required tests of draft2020-12 and draft7 ($SUITE)"
echo "best of $ITERATIONS runs each; files, remotes and validator construction included"
echo
printf "%-44s %9s  %s\n" "validator" "seconds" "passed"
printf "%-44s %9.4f  %s/%s (draft2020-12 %s/%s, draft7 %s/%s)\n" "qsl-config, schema compiled once per case" "$qsl_case_s" \
    "$(value qsl_passed "$per_case")" "$(value qsl_total "$per_case")" \
    "$(value draft2020_12_passed "$per_case")" "$(value draft2020_12_total "$per_case")" \
    "$(value draft7_passed "$per_case")" "$(value draft7_total "$per_case")"
printf "%-44s %9.4f  %s/%s\n" "qsl-config, schema compiled per test" "$qsl_test_s" \
    "$(value qsl_passed "$per_test")" "$(value qsl_total "$per_test")"
printf "%-44s %9.4f  %s/%s (%s failed, %s errors)\n" "python-jsonschema, validator built per test" "$python_best" \
    "$python_pass" "$python_cases" "$python_fail" "$python_error"
echo "  ($python_version)"
echo
awk -v p="$python_best" -v a="$qsl_case_s" -v b="$qsl_test_s" 'BEGIN {
    printf "ratio python / qsl-config: %.1fx (compiled once per case), %.1fx (compiled per test)\n", p / a, p / b
}'
grep '^failed=' <<<"$per_case" | sed 's/^failed=/qsl-config failure: /' || true
