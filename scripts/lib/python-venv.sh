# Sourced by scripts/test.sh and scripts/bench-*.sh: makes .venv/ inside the repository (git-
# ignored) with the pinned tools of scripts/requirements.txt, and puts it first on PATH, so
# `python3`, `moto_server`, `aws` and `check-jsonschema` are the pinned ones. Nothing is installed
# into the system's or the user's site. Reinstalls only when requirements.txt changes.
#
# usage: source scripts/lib/python-venv.sh   (from the repository root; sets QSL_VENV)

qsl_as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

qsl_python_venv() {
    local root venv stamp want
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    venv="$root/.venv"
    stamp="$venv/.requirements.sha256"
    want="$(sha256sum "$root/scripts/requirements.txt" | cut -d' ' -f1)"
    if [[ ! -x "$venv/bin/python3" ]]; then
        # A Debian system python needs python3-venv (ensurepip) to make one.
        if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
            echo "python-venv: installing python3-venv" >&2
            qsl_as_root apt-get update -qq
            qsl_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        fi
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        echo "python-venv: installing scripts/requirements.txt into .venv/" >&2
        "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check -r "$root/scripts/requirements.txt"
        echo "$want" >"$stamp"
    fi
    export PATH="$venv/bin:$PATH"
    export QSL_VENV="$venv"
    # A user-site package must not shadow the pinned ones.
    export PYTHONNOUSERSITE=1
}

qsl_python_venv
