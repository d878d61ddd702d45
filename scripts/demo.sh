#!/usr/bin/env bash
# The main job, end to end, on the embedded default: no AWS account needed.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg-config --exists libcrypto 2>/dev/null || {
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev pkg-config
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev pkg-config; fi
}
swift build --product qsl-config >&2
bin=$(swift build --show-bin-path)/qsl-config

echo "== UserService, Development: files, environment and overrides layered as ASP.NET Core does"
"$bin" resolve --config-dir examples/userservice --environment Development --format tree -- --UserService:MaxLoginAttempts=3 \
  | grep -Ev '^[A-Z_]+ = ' # hide this machine's own environment variables

echo
echo "== UserService, Production: the references it holds, unresolved"
"$bin" resolve --config-dir examples/userservice --environment Production --keep-references --format json \
  | grep -E '"(ConnectionStrings|Logto|Logging)'
