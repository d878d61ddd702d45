#!/usr/bin/env bash
# The long soak of issue 13: RefreshingConfiguration with 50 concurrent readers for SECONDS
# (default 600) while a secret rotates every 3 s plus 1.5 s held AWSPENDING (every 4th staged version abandoned), reloading every 10 s and at most once a second after a refused login, on the
# embedded store or on moto_server. Prints the counts, resident memory after warm-up and at the
# end, and whether every check held (exit 1 if not). The short version is RefreshSoakTests.
# Usage: scripts/soak.sh [SECONDS] [READERS] [local|moto]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/python-venv.sh
swift build -c release --product qsl-bench >/dev/null
"$(swift build -c release --show-bin-path)/qsl-bench" soak "${1:-600}" "${2:-50}" "${3:-local}"
