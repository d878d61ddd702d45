#!/usr/bin/env bash
# Parses the same multi-megabyte appsettings-shaped file with qsl-config's reader, jansson
# (json_loadb + JSON_REJECT_DUPLICATES) and Foundation's JSONSerialization, in one run, and prints
# MB/s for each and the ratio to jansson. Release builds; best of N runs each.
#
# The reader has two rows: building its index alone (kinds, byte ranges, positions; nothing
# decoded), and building it then decoding every member name, string and number, which is the
# work jansson and JSONSerialization do when they build their trees. Compare the second row with
# them; the first shows what a caller that reads a few values saves.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/
cd "$(dirname "$0")/.."
size=${1:-8000000}
iterations=${2:-20}
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
if ! pkg-config --exists jansson 2>/dev/null; then
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjansson-dev >/dev/null
fi
work=.build-bench
mkdir -p "$work"
python3 scripts/bench/make_appsettings.py "$work/appsettings.large.json" "$size"
gcc -O2 -o "$work/jansson_parse" scripts/bench/jansson_parse.c $(pkg-config --cflags --libs jansson)
swift build -c release --scratch-path .build-release-bench --product qsl-bench >&2
bench=$(swift build -c release --scratch-path .build-release-bench --show-bin-path)/qsl-bench

results=$("$bench" parse "$work/appsettings.large.json" "$iterations"; "$work/jansson_parse" "$work/appsettings.large.json" "$iterations")
get() { grep "^$1=" <<<"$results" | cut -d= -f2; }
python3 - "$(get bytes)" "$(get values)" "$(get qsl_mb_per_s)" "$(get qsl_decoded_mb_per_s)" "$(get jansson_mb_per_s)" "$(get foundation_mb_per_s)" <<'PY'
import sys
size, values, qsl, decoded, jansson, foundation = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
print(f"file: {size/1e6:.1f} MB, {values} values (best of the runs, release builds)")
print(f"{'parser':<58}{'MB/s':>10}{'vs jansson':>12}")
rows = [
    ("qsl-config reader, index only (positions, comments)", qsl),
    ("qsl-config reader, index + every name, string, number", decoded),
    ("jansson json_loadb JSON_REJECT_DUPLICATES (whole tree)", jansson),
    ("Foundation JSONSerialization (whole tree)", foundation),
]
for name, rate in rows:
    print(f"{name:<58}{rate:>10.1f}{rate/jansson:>11.2f}x")
PY
