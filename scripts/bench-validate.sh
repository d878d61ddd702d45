#!/usr/bin/env bash
# Validates a 22-service platform-shaped tree with `qsl-config validate` and with python-jsonschema
# (PyPI) on the same files and schemas, in one run; checks that their verdicts agree; prints the
# times and the ratios. Then times the JSON Schema Test Suite beside python-jsonschema
# (scripts/bench-schema-suite.sh).
#
# usage: scripts/bench-validate.sh
#   ITERATIONS  (environment) runs per side; the fastest counts (default 5)
#   CJS_ITERATIONS (environment) runs of the slow check-jsonschema loop (default 3)
#   BROKEN      (environment) services given one schema violation (default: three of them)
#   BIN         (environment) a qsl-config binary to measure instead of building the release one
#   SUITE       (environment) "no" skips the JSON Schema Test Suite part
#
# The tree (scripts/bench/make_platform_tree.py) holds, per service, appsettings.json and
# appsettings.Production.json in plain JSON, built from this repository's platform/ tree, and the
# repository's schemas without their root $id (so check-jsonschema resolves relative $refs against
# the files instead of trying the network). qsl-config validates every service's merged
# configuration, with all its policies, in one process, and is timed as a whole process (start-up,
# argument parsing and the JSON report included).
#
# The headline peer is python-jsonschema used as a library in ONE process
# (scripts/bench/jsonschema_tree.py): one registry of the same schemas, one compiled validator per
# service, the same 22 services' files. Its clock starts before `import jsonschema` and leaves out
# only the interpreter's own start; the import is also printed on its own, and the ratio to the
# work after the import, so nobody has to guess how much of the gap is loading a library.
# qsl-config and python-jsonschema run alternately, so both see the same machine load.
# Beside qsl-config's figure, the floor under any of its commands: `qsl-config --version`, the
# process starting, parsing its arguments and exiting, with no work.
# check-jsonschema, run as CI often runs it (one process per service schema), is a secondary line:
# most of its time is 22 interpreter starts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITERATIONS="${ITERATIONS:-5}"
CJS_ITERATIONS="${CJS_ITERATIONS:-3}"
BROKEN="${BROKEN:-userservice,feeservice,webapigateway}"
cd "$ROOT"


LABEL="qsl-config validate, all services, whole process (release, static)"
if [[ -n "${BIN:-}" ]]; then
    LABEL="qsl-config validate, all services, whole process (BIN)"
else
    echo "building qsl-config (release)..." >&2
    swift build -c release --static-swift-stdlib --scratch-path .build-release --product qsl-config >&2
    BIN="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/qsl-config"
fi

TREE="$(mktemp -d /tmp/qsl-bench-validate.XXXXXX)"
trap 'rm -rf "$TREE"' EXIT
count="$(python3 scripts/bench/make_platform_tree.py "$ROOT" "$TREE/tree" "$BROKEN")"
cd "$TREE/tree"
ids="$(python3 -c 'import json; print(" ".join(s["id"] for s in json.load(open("environments/services.json"))["services"]))')"

now() { date +%s.%N; }
# `stamp VAR`: the time now, in VAR, from bash's own clock where it has one, without starting a
# process or a subshell. A `date` process started to read qsl-config's end time added about a
# millisecond to each of its figures. (Python-jsonschema times itself in-process.)
stamp() {
    if [[ -n "${EPOCHREALTIME:-}" ]]; then printf -v "$1" '%s' "${EPOCHREALTIME/,/.}"; else printf -v "$1" '%s' "$(now)"; fi
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

# qsl-config (the whole catalogue in one run; a service's schema verdict is whether it has a
# [schema] error: the policies run too, and production's plaintext findings do not count here),
# then python-jsonschema as a library in one process, alternately.
qsl_best=""
floor_best=""
py_best=""
py_import_best=""
py_work_best=""
for _ in $(seq "$ITERATIONS"); do
    stamp start
    "$BIN" validate --root . --environment production --format json >"$TREE/qsl.json" || [[ $? -eq 1 ]]
    stamp end
    qsl_best="$(best "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" "$qsl_best")"
    # The floor under any command: the process starting, parsing its arguments and exiting.
    stamp start
    "$BIN" --version >/dev/null
    stamp end
    floor_best="$(best "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" "$floor_best")"

    output="$(python3 "$ROOT/scripts/bench/jsonschema_tree.py" .)"
    grep -v '_seconds=\|^seconds=' <<<"$output" >"$TREE/py.verdicts"
    seconds="$(sed -n 's/^seconds=//p' <<<"$output")"
    imported="$(sed -n 's/^import_seconds=//p' <<<"$output")"
    py_best="$(best "$seconds" "$py_best")"
    py_import_best="$(best "$imported" "$py_import_best")"
    py_work_best="$(best "$(awk -v s="$seconds" -v i="$imported" 'BEGIN { print s - i }')" "$py_work_best")"
done
python3 - "$TREE/qsl.json" >"$TREE/qsl.verdicts" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
for service in report["services"]:
    bad = any(d.get("rule") == "schema" for d in service["diagnostics"])
    print(service["id"], "invalid" if bad or service["unusable"] else "valid")
EOF

# check-jsonschema: once per service, its schema and its two files.
cjs_best=""
for _ in $(seq "$CJS_ITERATIONS"); do
    : >"$TREE/cjs.verdicts"
    start="$(now)"
    for id in $ids; do
        if check-jsonschema --schemafile "schemas/services/$id.schema.json" \
            "services/$id/appsettings.json" "services/$id/appsettings.Production.json" >/dev/null 2>&1; then
            echo "$id valid" >>"$TREE/cjs.verdicts"
        else
            echo "$id invalid" >>"$TREE/cjs.verdicts"
        fi
    done
    cjs_best="$(best "$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')" "$cjs_best")"
done

agree=yes
if ! diff -u "$TREE/cjs.verdicts" "$TREE/qsl.verdicts" >"$TREE/diff.txt"; then agree=no; fi
if ! diff -u "$TREE/cjs.verdicts" "$TREE/py.verdicts" >>"$TREE/diff.txt"; then agree=no; fi
invalid="$(grep -c ' invalid$' "$TREE/qsl.verdicts" || true)"

py_version="$(python3 -c 'import importlib.metadata as m; print(m.version("jsonschema"))')"
cjs_version="$(check-jsonschema --version 2>/dev/null | awk '{print $NF}')"
echo
echo "validate: $count services (appsettings.json + appsettings.Production.json each), production"
echo "best of $ITERATIONS runs each (check-jsonschema: $CJS_ITERATIONS); $invalid services made schema-invalid on purpose ($BROKEN)"
echo
printf "%-66s %9s %12s\n" "validator" "seconds" "/ qsl-config"
printf "%-66s %9.4f %11.1fx\n" "$LABEL" "$qsl_best" 1
printf "%-66s %9.4f %11.1fx\n" "  floor: qsl-config --version (start, argument parsing, exit)" "$floor_best" "$(awk -v f="$floor_best" -v q="$qsl_best" 'BEGIN { print f / q }')"
printf "%-66s %9.4f %11.1fx\n" "python-jsonschema $py_version, library in one process (import included)" "$py_best" "$(awk -v p="$py_best" -v q="$qsl_best" 'BEGIN { print p / q }')"
printf "%-66s %9.4f %11.1fx\n" "  of which import jsonschema" "$py_import_best" "$(awk -v p="$py_import_best" -v q="$qsl_best" 'BEGIN { print p / q }')"
printf "%-66s %9.4f %11.1fx\n" "  of which schemas, files, compile, validate (after the import)" "$py_work_best" "$(awk -v p="$py_work_best" -v q="$qsl_best" 'BEGIN { print p / q }')"
printf "%-66s %9.4f %11.1fx\n" "check-jsonschema $cjs_version, one process per service (secondary)" "$cjs_best" "$(awk -v c="$cjs_best" -v q="$qsl_best" 'BEGIN { print c / q }')"
echo
awk -v p="$py_best" -v q="$qsl_best" 'BEGIN {
    printf "headline: python-jsonschema in one process / qsl-config: %.1fx (target >= 10x)\n", p / q
}'
if [[ "$agree" == yes ]]; then
    echo "verdicts agree: $(tr '\n' ' ' <"$TREE/qsl.verdicts" | grep -o '[a-z]* invalid' | awk '{print $1}' | tr '\n' ' ')invalid, the rest valid"
else
    echo "VERDICTS DISAGREE:" >&2
    cat "$TREE/diff.txt" >&2
    exit 1
fi

[[ "${SUITE:-yes}" == no ]] && exit 0
echo
echo "== the JSON Schema Test Suite beside python-jsonschema (scripts/bench-schema-suite.sh)"
cd "$ROOT"
ITERATIONS="${ITERATIONS}" scripts/bench-schema-suite.sh
