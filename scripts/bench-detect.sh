#!/usr/bin/env bash
# How well `qsl-config migrate` finds credentials, beside detect-secrets (PyPI, pinned in
# scripts/requirements.txt) on the same files. Prints one table: tool, recall, precision, whether
# qsl-config gave each credential the right outcome, and the hits per shape, for two trees:
#
#   planted   Tests/QSLConfigOperationsTests/Fixtures/planted: a small platform root with one fake
#             credential of every shape and decoys; its answer key is expected.json beside it.
#   platform  this repository's own tree (environments/ and platform/), smoke -> production; its
#             answer key is scripts/bench/detect-answer-key-platform.json (how it was made is in
#             its "note").
#
# qsl-config runs as `migrate --dry-run --format json` against an empty local store in a scratch
# folder (nothing is written to the tree). detect-secrets runs with its default plugins and
# filters over exactly the files the migration reads; its line-level findings are mapped to the
# key whose string value is on that line (scripts/bench/detect_score.py). A tool "finds" a key
# when it reports it at all; precision counts every key it reports (qsl-config's review items
# included). The misses and the false alarms of each tool are listed on stderr.
#
# gitleaks is not scored: Debian has no gitleaks package in the archives this machine reaches and
# PyPI only third-party wrappers (README "How well migrate finds credentials"); a `gitleaks` on
# PATH is noted, not measured.
#
# Exits 1 when qsl-config misses a planted credential or reports a planted decoy.
#
# usage: scripts/bench-detect.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

echo "building qsl-config..." >&2
swift build --product qsl-config >&2
BIN="$(swift build --show-bin-path)/qsl-config"

WORK="$(mktemp -d /tmp/qsl-bench-detect.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

# One tree: qsl-config's report, detect-secrets' report, the scored rows.
measure() {
    local name="$1" root="$2" key="$3"
    "$BIN" migrate --root "$root" --from smoke --to production --dry-run --format json \
        --store local --local-store "$WORK/$name-store.json" >"$WORK/$name-qsl.json"
    mapfile -t files < <(python3 scripts/bench/detect_score.py files "$root" smoke production)
    (cd "$root" && detect-secrets scan "${files[@]}") >"$WORK/$name-ds.json"
    python3 scripts/bench/detect_score.py score "$name" "$root" smoke production "$key" "$WORK/$name-qsl.json" "$WORK/$name-ds.json"
}

cp -R Tests/QSLConfigOperationsTests/Fixtures/planted "$WORK/planted"
planted="$(measure planted "$WORK/planted" "$WORK/planted/expected.json")"
platform="$(measure platform "$ROOT" scripts/bench/detect-answer-key-platform.json)"

echo
echo "detect-secrets $(detect-secrets --version), qsl-config at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo '+changes')"
echo
echo "| tree | tool | recall | precision | qsl outcome ok | Npgsql/ADO.NET | Redis | URL userinfo | Infura/Alchemy | tokens |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
echo "$planted"
echo "$platform"
if command -v gitleaks >/dev/null; then
    echo "gitleaks is on PATH ($(gitleaks version)), but this script does not score it yet" >&2
else
    echo
    echo "gitleaks: not on PATH, not measured"
fi

# qsl-config must find every planted credential and flag no decoy.
if ! grep -q '^| planted | qsl-config | 1.00 ([0-9]*/[0-9]*) | 1.00 (' <<<"$planted"; then
    echo "bench-detect: qsl-config misses a planted credential or flags a decoy (see above)" >&2
    exit 1
fi
