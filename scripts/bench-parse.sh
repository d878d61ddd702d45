#!/usr/bin/env bash
# Parses the same multi-megabyte appsettings-shaped file with qsl-config's reader, jansson
# (json_loadb + JSON_REJECT_DUPLICATES) and Foundation's JSONSerialization, in one run, and prints
# MB/s for each and the ratio to jansson. Release builds; best of N runs each.
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
swift build -c release --scratch-path .build-release --product qsl-bench >&2
bench=$(swift build -c release --scratch-path .build-release --show-bin-path)/qsl-bench

results=$("$bench" parse "$work/appsettings.large.json" "$iterations"; "$work/jansson_parse" "$work/appsettings.large.json" "$iterations")
get() { grep "^$1=" <<<"$results" | cut -d= -f2; }
python3 - "$(get bytes)" "$(get values)" "$(get qsl_mb_per_s)" "$(get jansson_mb_per_s)" "$(get foundation_mb_per_s)" <<'PY'
import sys
size, values, qsl, jansson, foundation = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
print(f"file: {size/1e6:.1f} MB, {values} values (best of the runs, release builds)")
print(f"{'parser':<44}{'MB/s':>10}{'vs jansson':>12}")
print(f"{'qsl-config reader (positions, comments)':<44}{qsl:>10.1f}{qsl/jansson:>11.2f}x")
print(f"{'jansson json_loadb JSON_REJECT_DUPLICATES':<44}{jansson:>10.1f}{1:>11.2f}x")
print(f"{'Foundation JSONSerialization':<44}{foundation:>10.1f}{foundation/jansson:>11.2f}x")
PY
