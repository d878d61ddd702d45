#!/usr/bin/env bash
# Validates a 22-service platform-shaped tree with `qsl-config validate` and with check-jsonschema
# (PyPI) on the same files and schemas, in one run; checks that their verdicts agree; prints both
# times and the ratio. Then times the JSON Schema Test Suite beside python-jsonschema
# (scripts/bench-schema-suite.sh).
#
# usage: scripts/bench-validate.sh
#   ITERATIONS  (environment) runs per side; the fastest counts (default 3)
#   BROKEN      (environment) services given one schema violation (default: three of them)
#
# The tree (scripts/bench/make_platform_tree.py) holds, per service, appsettings.json and
# appsettings.Production.json in plain JSON, built from this repository's platform/ tree, and the
# repository's schemas without their root $id (so check-jsonschema resolves relative $refs against
# the files instead of trying the network). qsl-config validates every service's merged
# configuration, with all its policies, in one process; check-jsonschema is run as CI runs it, once
# per service schema with that service's files. A third line times python-jsonschema as a library in
# one already-started process, to show how much of the gap is interpreter start-up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITERATIONS="${ITERATIONS:-3}"
BROKEN="${BROKEN:-userservice,feeservice,webapigateway}"
cd "$ROOT"


echo "building qsl-config (release)..." >&2
swift build -c release --scratch-path .build-release --product qsl-config >&2
BIN="$(swift build -c release --scratch-path .build-release --show-bin-path)/qsl-config"

TREE="$(mktemp -d /tmp/qsl-bench-validate.XXXXXX)"
trap 'rm -rf "$TREE"' EXIT
count="$(python3 scripts/bench/make_platform_tree.py "$ROOT" "$TREE/tree" "$BROKEN")"
cd "$TREE/tree"
ids="$(python3 -c 'import json; print(" ".join(s["id"] for s in json.load(open("environments/services.json"))["services"]))')"

now() { date +%s.%N; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

# qsl-config: the whole catalogue in one run; a service's schema verdict is whether it has a
# [schema] error (the policies run too, and production's plaintext findings do not count here).
qsl_best=""
for _ in $(seq "$ITERATIONS"); do
    start="$(now)"
    "$BIN" validate --root . --environment production --format json >"$TREE/qsl.json" || [[ $? -eq 1 ]]
    qsl_best="$(best "$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')" "$qsl_best")"
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
for _ in $(seq "$ITERATIONS"); do
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

# python-jsonschema as a library, one process (start-up excluded by the script's own clock).
py_best=""
for _ in $(seq "$ITERATIONS"); do
    output="$(python3 "$ROOT/scripts/bench/jsonschema_tree.py" .)"
    grep -v '^seconds=' <<<"$output" >"$TREE/py.verdicts"
    py_best="$(best "$(sed -n 's/^seconds=//p' <<<"$output")" "$py_best")"
done

agree=yes
if ! diff -u "$TREE/cjs.verdicts" "$TREE/qsl.verdicts" >"$TREE/diff.txt"; then agree=no; fi
if ! diff -u "$TREE/cjs.verdicts" "$TREE/py.verdicts" >>"$TREE/diff.txt"; then agree=no; fi
invalid="$(grep -c ' invalid$' "$TREE/qsl.verdicts" || true)"

echo
echo "validate: $count services (appsettings.json + appsettings.Production.json each), production"
echo "best of $ITERATIONS runs each; $invalid services made schema-invalid on purpose ($BROKEN)"
echo
printf "%-58s %9s\n" "validator" "seconds"
printf "%-58s %9.4f\n" "qsl-config validate, all services, one process (release)" "$qsl_best"
printf "%-58s %9.4f\n" "check-jsonschema $(check-jsonschema --version 2>/dev/null | awk '{print $NF}'), one run per service" "$cjs_best"
printf "%-58s %9.4f\n" "python-jsonschema, library in one started process" "$py_best"
echo
awk -v c="$cjs_best" -v q="$qsl_best" -v p="$py_best" 'BEGIN {
    printf "ratio check-jsonschema / qsl-config: %.1fx (target >= 10x)\n", c / q
    printf "ratio python-jsonschema in-process / qsl-config: %.1fx\n", p / q
}'
if [[ "$agree" == yes ]]; then
    echo "verdicts agree: $(tr '\n' ' ' <"$TREE/qsl.verdicts" | grep -o '[a-z]* invalid' | awk '{print $1}' | tr '\n' ' ')invalid, the rest valid"
else
    echo "VERDICTS DISAGREE:" >&2
    cat "$TREE/diff.txt" >&2
    exit 1
fi

echo
echo "== the JSON Schema Test Suite beside python-jsonschema (scripts/bench-schema-suite.sh)"
cd "$ROOT"
ITERATIONS="${ITERATIONS}" scripts/bench-schema-suite.sh
