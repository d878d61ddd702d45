# Sourced by scripts/test.sh: starts a private redis-server for the Redis tests, TLS only, on a
# free loopback port, in a temporary directory, with an ACL file; never the machine's own Redis
# or port 6379. Installs redis-server from Debian when it is missing.
#
# usage: source scripts/lib/redis.sh   (starts it and exports the variables below)
#        qsl_redis_stop_at_exit         (adds qsl_redis_stop to the EXIT trap, keeping what is there)
#        qsl_redis_stop                 (stops it and removes its directory; safe to call twice)
#
# Exports:
#   QSL_TEST_REDIS_HOST         127.0.0.1
#   QSL_TEST_REDIS_TLS_PORT     the TLS port (the plain port is off: `port 0`)
#   QSL_TEST_REDIS_CA_FILE      the PEM of the CA that signed the server's certificate
#   QSL_TEST_REDIS_SERVER_NAME  the name in the certificate (localhost; also IP 127.0.0.1)
#   QSL_TEST_REDIS_USER         qsl_app, who may run every command (ACL SETUSER, ACL SAVE...)
#   QSL_TEST_REDIS_PASSWORD     qsl_app's password, random per run
#   QSL_TEST_REDIS_ACL_FILE     the server's aclfile (ACL SAVE writes it)
#   QSL_TEST_REDIS_TLS_PORT_2, QSL_TEST_REDIS_ACL_FILE_2
#                               a second node (same certificate, its own ACL file), for rotation
#                               across nodes
# The `default` user is off.

qsl_redis_as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

qsl_redis_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

qsl_redis_start() {
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "redis: installing redis-server" >&2
        qsl_redis_as_root apt-get update -qq
        qsl_redis_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
    fi
    QSL_REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/qsl-redis.XXXXXX")"
    local dir="$QSL_REDIS_DIR"
    (
        cd "$dir"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=qsl-config test CA" \
            -keyout ca.key -out ca.crt 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >server.ext
        openssl x509 -req -days 2 -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -extfile server.ext -out server.crt 2>/dev/null
    ) || { echo "redis: cannot make the test certificates" >&2; qsl_redis_stop; return 1; }
    local password
    password="$(openssl rand -hex 16)"
    printf 'user default off nopass -@all\nuser qsl_app on >%s ~* &* +@all\n' "$password" >"$dir/users.acl"
    chmod 600 "$dir/users.acl" "$dir"/*.key

    # A port found free may be taken before redis binds it: try another.
    local attempt port
    for attempt in 1 2 3 4 5; do
        port="$(qsl_redis_free_port)"
        cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port 0
tls-port $port
tls-cert-file $dir/server.crt
tls-key-file $dir/server.key
tls-ca-cert-file $dir/ca.crt
tls-auth-clients no
aclfile $dir/users.acl
dir $dir
save ""
appendonly no
daemonize no
logfile $dir/redis.log
EOF
        : >"$dir/redis.log"
        redis-server "$dir/redis.conf" &
        QSL_REDIS_PID=$!
        local i
        for i in $(seq 1 100); do
            grep -q "Ready to accept connections" "$dir/redis.log" 2>/dev/null && break
            kill -0 "$QSL_REDIS_PID" 2>/dev/null || break
            sleep 0.1
        done
        if grep -q "Ready to accept connections" "$dir/redis.log" 2>/dev/null; then
            export QSL_TEST_REDIS_HOST=127.0.0.1
            export QSL_TEST_REDIS_TLS_PORT="$port"
            export QSL_TEST_REDIS_CA_FILE="$dir/ca.crt"
            export QSL_TEST_REDIS_SERVER_NAME=localhost
            export QSL_TEST_REDIS_USER=qsl_app
            export QSL_TEST_REDIS_PASSWORD="$password"
            export QSL_TEST_REDIS_ACL_FILE="$dir/users.acl"
            echo "redis: private redis-server (pid $QSL_REDIS_PID) on 127.0.0.1:$port (TLS) in $dir" >&2
            qsl_redis_start_second "$dir" "$password" || { qsl_redis_stop; return 1; }
            return 0
        fi
        kill "$QSL_REDIS_PID" 2>/dev/null || true
        wait "$QSL_REDIS_PID" 2>/dev/null || true
        echo "redis: redis-server did not start on port $port (attempt $attempt):" >&2
        tail -5 "$dir/redis.log" >&2
    done
    qsl_redis_stop
    return 1
}

# A second node with the same certificate and an ACL file of its own (ACL changes do not
# replicate, so rotation must reach every node): QSL_TEST_REDIS_TLS_PORT_2, QSL_TEST_REDIS_ACL_FILE_2.
qsl_redis_start_second() {
    local dir="$1" password="$2" attempt port i
    printf 'user default off nopass -@all\nuser qsl_app on >%s ~* &* +@all\n' "$password" >"$dir/users2.acl"
    chmod 600 "$dir/users2.acl"
    for attempt in 1 2 3 4 5; do
        port="$(qsl_redis_free_port)"
        sed -e "s|^tls-port .*|tls-port $port|" -e "s|^aclfile .*|aclfile $dir/users2.acl|" -e "s|^logfile .*|logfile $dir/redis2.log|" \
            "$dir/redis.conf" >"$dir/redis2.conf"
        : >"$dir/redis2.log"
        redis-server "$dir/redis2.conf" &
        QSL_REDIS_PID_2=$!
        for i in $(seq 1 100); do
            grep -q "Ready to accept connections" "$dir/redis2.log" 2>/dev/null && break
            kill -0 "$QSL_REDIS_PID_2" 2>/dev/null || break
            sleep 0.1
        done
        if grep -q "Ready to accept connections" "$dir/redis2.log" 2>/dev/null; then
            export QSL_TEST_REDIS_TLS_PORT_2="$port"
            export QSL_TEST_REDIS_ACL_FILE_2="$dir/users2.acl"
            echo "redis: second node (pid $QSL_REDIS_PID_2) on 127.0.0.1:$port (TLS)" >&2
            return 0
        fi
        kill "$QSL_REDIS_PID_2" 2>/dev/null || true
        wait "$QSL_REDIS_PID_2" 2>/dev/null || true
    done
    echo "redis: the second node did not start" >&2
    return 1
}

qsl_redis_stop() {
    if [[ -n "${QSL_REDIS_PID_2:-}" ]]; then
        kill "$QSL_REDIS_PID_2" 2>/dev/null || true
        wait "$QSL_REDIS_PID_2" 2>/dev/null || true
        QSL_REDIS_PID_2=
    fi
    if [[ -n "${QSL_REDIS_PID:-}" ]]; then
        kill "$QSL_REDIS_PID" 2>/dev/null || true
        wait "$QSL_REDIS_PID" 2>/dev/null || true
        QSL_REDIS_PID=
    fi
    if [[ -n "${QSL_REDIS_DIR:-}" && -d "$QSL_REDIS_DIR" ]]; then
        rm -rf "$QSL_REDIS_DIR"
        QSL_REDIS_DIR=
    fi
    return 0
}

# Runs qsl_redis_stop at exit, after (not instead of) any EXIT trap already set.
qsl_redis_stop_at_exit() {
    local previous
    previous="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT\$/\1/")"
    # shellcheck disable=SC2064
    trap "qsl_redis_stop${previous:+; $previous}" EXIT
}

qsl_redis_start
