# Sourced by scripts/test.sh: starts a private PostgreSQL for the resource-client tests and
# exports where it is. Never the machine's own server, never port 5432:
#   - installs postgresql and libpq-dev from Debian when missing;
#   - a temporary data folder, a free loopback port, TLS only (`hostssl ... scram-sha-256` on
#     127.0.0.1, nothing else in pg_hba.conf), password_encryption = scram-sha-256;
#   - a CA and a server certificate made with `openssl req` (SAN IP:127.0.0.1 and localhost);
#   - run as `nobody` through runuser when the script runs as root (the server refuses root);
#   - a superuser `qsl_admin` whose random password is in a file.
#
# usage: source scripts/lib/postgres.sh; qsl_postgres_start; trap qsl_postgres_stop EXIT
# exports: QSL_TEST_POSTGRES_HOST, QSL_TEST_POSTGRES_PORT, QSL_TEST_POSTGRES_USER,
#          QSL_TEST_POSTGRES_PASSWORD_FILE, QSL_TEST_POSTGRES_ROOT_CERT, QSL_TEST_POSTGRES_DATABASE,
#          QSL_TEST_POSTGRES_LOG (the server's log, every statement in it)

qsl_pg_as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Runs a command as the server's user: `nobody` when root, else the caller.
qsl_pg_as_server() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}

qsl_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

qsl_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

qsl_postgres_start() {
    local bin dir port attempt
    bin="$(qsl_pg_bin)"
    if [[ -z "$bin" || ! -x "$bin/initdb" ]] || ! pkg-config --exists libpq 2>/dev/null; then
        echo "postgres: installing postgresql and libpq-dev" >&2
        qsl_pg_as_root apt-get update -qq
        qsl_pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql libpq-dev pkg-config
        bin="$(qsl_pg_bin)"
    fi
    dir="$(mktemp -d "${TMPDIR:-/tmp}/qsl-postgres.XXXXXX")"
    QSL_POSTGRES_DIR="$dir"
    QSL_POSTGRES_BIN="$bin"

    # The admin password, random, in a file the tests read.
    openssl rand -hex 24 >"$dir/admin-password"

    # A CA, and a server certificate it signs for 127.0.0.1 (VerifyFull checks the SAN).
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=qsl-config test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n' >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 2 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
    chmod 600 "$dir/server.key"
    rm -f "$dir/ca.key" "$dir/server.csr"
    if [[ $(id -u) -eq 0 ]]; then chown -R nobody "$dir"; fi

    qsl_pg_as_server "$bin/initdb" -D "$dir/data" -U qsl_admin --pwfile="$dir/admin-password" \
        --auth=scram-sha-256 -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        return 1
    }
    cat >"$dir/data/pg_hba.conf" <<HBA
# qsl-config tests: TLS and SCRAM on loopback, nothing else.
hostssl all all 127.0.0.1/32 scram-sha-256
HBA

    for attempt in 1 2 3 4 5; do
        port="$(qsl_pg_free_port)"
        [[ "$port" == 5432 ]] && continue
        cat >"$dir/data/postgresql.auto.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
password_encryption = 'scram-sha-256'
max_connections = 40
shared_buffers = 16MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
# Every statement, so a test can check no password ever reaches the server's log.
log_statement = 'all'
CONF
        if qsl_pg_as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null; then
            export QSL_TEST_POSTGRES_HOST=127.0.0.1
            export QSL_TEST_POSTGRES_PORT="$port"
            export QSL_TEST_POSTGRES_USER=qsl_admin
            export QSL_TEST_POSTGRES_PASSWORD_FILE="$dir/admin-password"
            export QSL_TEST_POSTGRES_ROOT_CERT="$dir/ca.crt"
            export QSL_TEST_POSTGRES_DATABASE=postgres
            export QSL_TEST_POSTGRES_LOG="$dir/server.log"
            echo "postgres: private server on 127.0.0.1:$port ($dir)" >&2
            return 0
        fi
        echo "postgres: start on port $port failed (attempt $attempt)" >&2
    done
    tail -n 20 "$dir/server.log" >&2
    return 1
}

qsl_postgres_stop() {
    [[ -n "${QSL_POSTGRES_DIR:-}" && -d "$QSL_POSTGRES_DIR" ]] || return 0
    if [[ -f "$QSL_POSTGRES_DIR/data/postmaster.pid" ]]; then
        qsl_pg_as_server "$QSL_POSTGRES_BIN/pg_ctl" -D "$QSL_POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$QSL_POSTGRES_DIR"
    unset QSL_POSTGRES_DIR
}
