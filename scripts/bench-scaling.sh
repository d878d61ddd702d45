#!/usr/bin/env bash
# Runs each scaling case of `qsl-config resolve` and `qsl-config validate` at N, 2N and 4N with the
# release binary and prints the seconds, the ratio of times per doubling (linear about 2,
# quadratic about 4) and, for resolve-array, the maximum RSS per element (GNU time's %M).
# The ratios are of CPU seconds (user + system, GNU time's %U + %S): on a machine shared with
# other builds, wall time moves with their load, CPU time much less. Wall time at 4N is printed
# too.
#
# usage: scripts/bench-scaling.sh [SCALE] [RUNS]
#   SCALE  multiplies every case's N (default 1: the sizes of the issue; 0.125 to measure a
#          quadratic build in reasonable time)
#   RUNS   runs per size; the fastest counts (default 3). The machine is shared, so repeat.
#   BIN    (environment) a qsl-config binary to measure instead of building the release one
#   CASES  (environment) the cases to run, space-separated (default: all)
#
# Cases (inputs from scripts/bench/make_scaling_inputs.py, files minified on one line):
#   resolve-value    one value holding N `${QSL_BENCH_UNSET:d}` references    N = 40,000
#   resolve-keys     N keys holding one `${QSL_BENCH_UNSET:d}` each          N = 20,000
#   resolve-aws      N keys holding one `${aws:secrets:bench/sK:kJ}` each,   N = 20,000
#                    against the embedded local store (64 JSON secrets)
#   resolve-array    one array of N strings: seconds and max RSS per element  N = 100,000
#   validate-array   {"type":"object"} on an array of N items                 N = 160,000
#   validate-object  {"type":"object"} on an object of N keys                 N = 80,000
#   ref-chain        a schema whose $ref chain has N links, compiled by       N = 30,000
#                    validate (the instance is tiny; evaluating the chain stops at the depth limit)
# Times are of the whole process, the run with the least CPU time of RUNS.
# RSS per element is the growth of the maximum RSS from N to 4N divided by 3N, so the process's
# own start-up memory cancels out.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE="${1:-1}"
RUNS="${2:-3}"
cd "$ROOT"

if [[ -z "${BIN:-}" ]]; then
    echo "building qsl-config (release)..." >&2
    swift build -c release --static-swift-stdlib --scratch-path .build-release --product qsl-config >&2
    BIN="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/qsl-config"
fi
[[ -x /usr/bin/time ]] || { echo "bench-scaling: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

WORK="$(mktemp -d /tmp/qsl-bench-scaling.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
unset QSL_BENCH_UNSET

# Writes the case's seed.json secrets into DIR/store.json with `qsl-config secret put`.
seed_local_store() {
    local dir="$1"
    python3 - "$dir" <<'EOF'
import json, os, sys
dir = sys.argv[1]
os.makedirs(os.path.join(dir, "values"), exist_ok=True)
for i, (name, value) in enumerate(json.load(open(os.path.join(dir, "seed.json")))["secrets"].items()):
    with open(os.path.join(dir, "values", f"{i}.name"), "w") as f:
        f.write(name)
    with open(os.path.join(dir, "values", f"{i}.value"), "w") as f:
        f.write(json.dumps(value, separators=(",", ":")))
EOF
    local file
    for file in "$dir"/values/*.name; do
        "$BIN" secret put "$(cat "$file")" --value-file "${file%.name}.value" --store local --local-store "$dir/store.json" >/dev/null
    done
}

# run CASE N: prints "cpu_seconds wall_seconds max_rss_kb" of the run with the least CPU time.
run() {
    local case="$1" n="$2" dir="$WORK/$1-$2"
    python3 scripts/bench/make_scaling_inputs.py "$case" "$n" "$dir"
    local -a command
    case "$case" in
        resolve-aws)
            seed_local_store "$dir"
            command=("$BIN" resolve --config-dir "$dir" --environment Production --format json --store local --local-store "$dir/store.json") ;;
        resolve-*)
            command=("$BIN" resolve --config-dir "$dir" --environment Production --format json) ;;
        *)
            command=("$BIN" validate --config-dir "$dir" --schema "$dir/schema.json" --environment Development) ;;
    esac
    # validate exits 1 on findings (the chain's depth limit is one); anything else is a failure.
    local allowed=0
    if [[ "$case" == ref-chain ]]; then allowed=1; fi
    local best="" wall="" rss="" cpu seconds kb start end status
    for _ in $(seq "$RUNS"); do
        status=0
        start="$EPOCHREALTIME"
        /usr/bin/time -f "%M %U %S" -o "$WORK/time" "${command[@]}" >"$WORK/out" 2>"$WORK/err" || status=$?
        end="$EPOCHREALTIME"
        if [[ "$status" -ne 0 && "$status" -ne "$allowed" ]]; then
            echo "bench-scaling: $case at $n exited $status:" >&2
            head -5 "$WORK/err" >&2
            exit 1
        fi
        seconds="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')"
        read -r kb cpu <<<"$(tail -1 "$WORK/time" | awk '{ printf "%s %.2f", $1, $2 + $3 }')"
        if [[ -z "$best" ]] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$cpu"
            wall="$seconds"
            rss="$kb"
        fi
    done
    rm -rf "$dir"
    echo "$best $wall $rss"
}

printf "%-16s %8s %9s %9s %9s %6s %6s %10s %11s\n" case N "cpu N" "cpu 2N" "cpu 4N" "2N/N" "4N/2N" "wall 4N" "RSS B/elem"
for spec in resolve-value:40000 resolve-keys:20000 resolve-aws:20000 resolve-array:100000 validate-array:160000 validate-object:80000 ref-chain:30000; do
    case="${spec%%:*}"
    if [[ -n "${CASES:-}" && " $CASES " != *" $case "* ]]; then continue; fi
    n="$(awk -v b="${spec##*:}" -v s="$SCALE" 'BEGIN { printf "%d", b * s }')"
    read -r t1 w1 m1 < <(run "$case" "$n")
    read -r t2 w2 m2 < <(run "$case" $((2 * n)))
    read -r t4 w4 m4 < <(run "$case" $((4 * n)))
    per="-"
    if [[ "$case" == resolve-array ]]; then
        per="$(awk -v a="$m1" -v b="$m4" -v n="$n" 'BEGIN { printf "%.0f", (b - a) * 1024 / (3 * n) }')"
    fi
    awk -v c="$case" -v n="$n" -v a="$t1" -v b="$t2" -v d="$t4" -v w="$w4" -v p="$per" 'BEGIN {
        r1 = a > 0 ? sprintf("%.2f", b / a) : "-"
        r2 = b > 0 ? sprintf("%.2f", d / b) : "-"
        printf "%-16s %8d %9.2f %9.2f %9.2f %6s %6s %10.2f %11s\n", c, n, a, b, d, r1, r2, w, p
    }'
done
echo
echo "seconds of the whole process, the run with the least CPU time of $RUNS ($("$BIN" --version 2>/dev/null || echo qsl-config));"
echo "linear is about 2 per doubling, quadratic about 4; GNU time counts CPU in hundredths, and the process start"
echo "(a few hundredths) pulls the ratios of fast cases towards 1."
