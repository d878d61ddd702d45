#!/usr/bin/env bash
# Installs what the tests need, then builds and runs the whole test suite. Safe to run again;
# installs only what is missing:
#   - Debian packages: libssl-dev and pkg-config (libcrypto), libcurl4-openssl-dev (the AWS
#     transport), python3-venv where python3 lacks it;
#   - the pinned Python tools of scripts/requirements.txt (moto_server, the AWS CLI, PyYAML, ...)
#     into .venv/ inside the repository, never into the system's or the user's site;
#   - a private PostgreSQL (scripts/lib/postgres.sh: postgresql and libpq-dev from Debian, a
#     temporary data folder, a free loopback port, TLS and SCRAM), stopped when this script ends;
#   - redis-server, for a private TLS server the Redis tests use (scripts/lib/redis.sh), stopped too.
# Arguments are passed to `swift test` (for example `--filter ValidateCommandTests`).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
pkg-config --exists libcrypto 2>/dev/null || apt_packages+=(libssl-dev pkg-config)
pkg-config --exists libpq 2>/dev/null || apt_packages+=(libpq-dev pkg-config)
pkg-config --exists libcurl 2>/dev/null || apt_packages+=(libcurl4-openssl-dev pkg-config)
if ((${#apt_packages[@]})); then
  echo "test.sh: installing ${apt_packages[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
fi

source scripts/lib/python-venv.sh
source scripts/lib/postgres.sh
qsl_postgres_start
trap qsl_postgres_stop EXIT
# After the PostgreSQL trap: the Redis stop is added to it, not put in its place.
source scripts/lib/redis.sh; qsl_redis_stop_at_exit

swift build --build-tests
swift test --skip-build "$@"
