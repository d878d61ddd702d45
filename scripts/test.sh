#!/usr/bin/env bash
# Installs what the tests need (libssl-dev for libcrypto, moto_server for the AWS tests), then
# builds and runs the whole test suite. Safe to run again; installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_packages=()
pkg-config --exists libcrypto 2>/dev/null || apt_packages+=(libssl-dev pkg-config)
python3 -m pip --version >/dev/null 2>&1 || apt_packages+=(python3-pip)
if ((${#apt_packages[@]})); then
  echo "test.sh: installing ${apt_packages[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}"
fi

# pip into the interpreter when it allows it; a Debian system python refuses (PEP 668), so then
# into the user's site, whose scripts go on PATH for the tests.
pip_install() {
  python3 -m pip install --quiet "$@" 2>/dev/null || python3 -m pip install --quiet --user --break-system-packages "$@"
}
export PATH="$HOME/.local/bin:$PATH"
if ! python3 -c 'import moto.server, flask, flask_cors' 2>/dev/null; then
  echo "test.sh: installing moto[server]" >&2
  pip_install 'moto[server]'
fi
command -v aws >/dev/null 2>&1 || pip_install awscli
# The k8s bundle tests read the manifests back with PyYAML.
python3 -c 'import yaml' 2>/dev/null || pip_install pyyaml

swift build --build-tests
swift test --skip-build "$@"
