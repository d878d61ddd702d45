#!/usr/bin/env bash
# Fuzzes the appsettings reader with libFuzzer for SECONDS (default 60).
# Usage: scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
work=Fuzz/.work
mkdir -p "$work/corpus"
cp -n Fuzz/corpus/* "$work/corpus/" 2>/dev/null || true

# The collections module the core imports, built once as a plain library.
swift build --target QSLConfigCore >/dev/null
bin=$(swift build --show-bin-path)
modules="$bin/Modules"
[[ -d $modules ]] || modules="$bin"

swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
  -module-name QSLConfigCore \
  -I "$modules" \
  Sources/QSLConfigCore/*/*.swift Fuzz/ReaderFuzzTarget.swift \
  "$bin"/OrderedCollections.build/*.o "$bin"/InternalCollectionsUtilities.build/*.o \
  -o "$work/reader-fuzzer"

echo "fuzz.sh: running for ${seconds}s" >&2
"$work/reader-fuzzer" "$work/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -dict=Fuzz/json.dict "$@"
