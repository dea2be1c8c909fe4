#!/usr/bin/env bash
# Run a command while a throwaway PostgreSQL server (Debian's `postgresql` package) runs on loopback, for the
# team-mode tests: the store and engine contract suite, the concurrency and failover tests.
#   Usage: tests/support/with-postgres.sh COMMAND [ARG...]
# The command sees:
#   EARSHOT_TEST_POSTGRES  postgres://earshot:earshot@127.0.0.1:$PORT/postgres?sslmode=require, a role that may
#                          create databases (each test makes its own). Connections use TLS with a certificate
#                          made for this run, so team mode's TLS path is what the tests exercise.
# The server and its files are removed when the command ends; the script exits with the command's status.
# Environment: EARSHOT_PG_PORT (55433).
set -u
PG_PORT=${EARSHOT_PG_PORT:-55433}
say() { echo "PostgreSQL for tests: $*" >&2; }
die() { say "$*"; exit 1; }
tail_log() { [ -s "$1" ] && { echo "---- last lines of $1 ----" >&2; tail -n "${2:-40}" "$1" >&2; echo "----" >&2; }; }
[ $# -ge 1 ] || { echo "Usage: $0 COMMAND [ARG...]" >&2; exit 2; }

PGWORK="" PG_PID="" CMD_PID=""
AS_PG=() # PostgreSQL's server tools refuse to run as root
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$PG_PID" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGWORK/data" -m immediate -w -t 15 stop >/dev/null 2>&1 || kill -KILL "$PG_PID" 2>/dev/null
    wait "$PG_PID" 2>/dev/null
    say "stopped."
  fi
  [ -n "$PGWORK" ] && rm -rf "$PGWORK"
  exit "$rc"
}
on_signal() {
  if [ -n "$CMD_PID" ]; then kill -TERM "$CMD_PID" 2>/dev/null; wait "$CMD_PID" 2>/dev/null; fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
  die "PostgreSQL's server binaries are missing (apt-get install postgresql, or scripts/install-system-deps.sh)."
command -v openssl >/dev/null || die "openssl is missing (scripts/install-system-deps.sh installs it)."
PGWORK=$(mktemp -d /tmp/earshot-pg.XXXXXX) # somewhere the postgres user can reach, whatever TMPDIR is
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (Debian's postgresql package makes it)."
  AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups)
  chown postgres: "$PGWORK"
fi
(exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null &&
  die "port $PG_PORT is taken (another PostgreSQL, or a run that did not finish?); set EARSHOT_PG_PORT."
say "starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT…"
if ! (cd "$PGWORK" && "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGWORK/data" -U postgres -A trust -E UTF8 --no-locale \
  --no-sync) >"$PGWORK/initdb.log" 2>&1; then
  tail_log "$PGWORK/initdb.log"
  die "initdb failed."
fi
# A certificate for this run only: the tests connect with sslmode=require.
if ! openssl req -new -x509 -days 2 -nodes -subj /CN=127.0.0.1 -keyout "$PGWORK/data/server.key" \
  -out "$PGWORK/data/server.crt" >"$PGWORK/openssl.log" 2>&1; then
  tail_log "$PGWORK/openssl.log"
  die "could not make a TLS certificate."
fi
chmod 600 "$PGWORK/data/server.key"
[ ${#AS_PG[@]} -gt 0 ] && chown postgres: "$PGWORK/data/server.key" "$PGWORK/data/server.crt"
cat >>"$PGWORK/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
ssl = on
EOF
# Password logins only over TLS: a plain connection is refused, so nothing can pass the tests without TLS.
cat >"$PGWORK/data/pg_hba.conf" <<EOF
hostssl all earshot 127.0.0.1/32 scram-sha-256
host    all postgres 127.0.0.1/32 trust
EOF
(cd "$PGWORK" && exec "${AS_PG[@]}" "$PG_BIN/postgres" -D "$PGWORK/data") >"$PGWORK/postgres.log" 2>&1 </dev/null &
PG_PID=$!
for _ in $(seq 100); do
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
  kill -0 "$PG_PID" 2>/dev/null || break
  sleep 0.1
done
if ! kill -0 "$PG_PID" 2>/dev/null || ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  tail_log "$PGWORK/postgres.log"
  die "PostgreSQL did not start (is port $PG_PORT free? set EARSHOT_PG_PORT)."
fi
if ! "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
  -c "CREATE ROLE earshot LOGIN CREATEDB PASSWORD 'earshot'" >"$PGWORK/psql.log" 2>&1; then
  tail_log "$PGWORK/psql.log"
  die "could not create the test role."
fi
say "ready."
export EARSHOT_TEST_POSTGRES="postgres://earshot:earshot@127.0.0.1:$PG_PORT/postgres?sslmode=require"
export EARSHOT_TEST_POSTGRES_ADMIN="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
"$@" &
CMD_PID=$!
wait "$CMD_PID"
