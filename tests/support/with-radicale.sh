#!/usr/bin/env bash
# Run a command while a real CardDAV server (Radicale 3, RFC 6352) runs on loopback, holding one seeded address book.
#   Usage: tests/support/with-radicale.sh COMMAND [ARG...]
#          e.g. tests/support/with-radicale.sh cargo test --test carddav_live
# The command sees:
#   EARSHOT_CARDDAV_URL=http://127.0.0.1:5232/   (the server's root; Radicale answers CardDAV discovery there)
#   EARSHOT_CARDDAV_USER=agent
#   EARSHOT_CARDDAV_PASSWORD=agent-pass
#   EARSHOT_CARDDAV_BOOK=/agent/contacts/        (address book "Customers", three vCards, see seed_cards below)
# Radicale checks passwords against a plain-text htpasswd file and lets each user reach only their own collections
# (rights owner_only). Its storage, config and log live in a temp folder that is removed, with the server stopped,
# when the command ends; the script exits with the command's status. Every run starts from the same three cards.
# What the server answers to each request a client makes is written down in tests/support/radicale/NOTES.md.
#
# First run installs Radicale and its dependencies, pinned in tests/support/radicale/requirements.txt, from PyPI into
# tests/support/radicale/.venv (~10 s); later runs reuse it, and it is made anew when requirements.txt changes.
# Needs: python3 with venv (Debian's python3 and python3-venv; /usr/bin/python3 is preferred over any other python3
# on PATH) and curl; scripts/install-system-deps.sh installs them.
# Environment: RADICALE_PORT (5232), RADICALE_READY_TIMEOUT (30 s), RADICALE_PYTHON (the python3 that makes the
# venv). The port is fixed, so one run at a time per port.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RAD_DIR=$HERE/radicale
VENV=$RAD_DIR/.venv
PORT=${RADICALE_PORT:-5232}
READY_TIMEOUT=${RADICALE_READY_TIMEOUT:-30}
DAV_USER=agent DAV_PASSWORD=agent-pass BOOK=/agent/contacts/
BASE=http://127.0.0.1:$PORT

say() { echo "Radicale: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s; }
tail_log() { [ -s "$1" ] && { echo "---- last lines of $1 ----" >&2; tail -n "${2:-40}" "$1" >&2; echo "----" >&2; }; }

[ $# -ge 1 ] || { echo "Usage: $0 COMMAND [ARG...]" >&2; exit 2; }
command -v curl >/dev/null || die "curl is needed (scripts/install-system-deps.sh installs it)."

WORK="" RAD_PID="" CMD_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$RAD_PID" ] && kill -0 "$RAD_PID" 2>/dev/null; then
    kill -TERM "$RAD_PID" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$RAD_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$RAD_PID" 2>/dev/null; then
      say "server did not stop within 10 s, killing it."
      kill -KILL "$RAD_PID" 2>/dev/null
    fi
    wait "$RAD_PID" 2>/dev/null
  fi
  [ -n "$WORK" ] && rm -rf "$WORK"
  [ -n "$RAD_PID" ] && say "stopped."
  exit "$rc"
}
on_signal() { # stop the command first (it may be using the server), then cleanup runs on exit
  if [ -n "$CMD_PID" ]; then kill -TERM "$CMD_PID" 2>/dev/null; wait "$CMD_PID" 2>/dev/null; fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# (a) Radicale in its own venv, when missing, broken (its python gone) or installed from another requirements.txt.
# The copy of requirements.txt inside the venv is written last, so its absence also means an unfinished install.
if ! cmp -s "$RAD_DIR/requirements.txt" "$VENV/requirements.installed" ||
  ! "$VENV/bin/radicale" --version >/dev/null 2>&1; then
  PY=${RADICALE_PYTHON:-}
  if [ -z "$PY" ]; then
    if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3) || PY=""; fi
  fi
  [ -n "$PY" ] || die "python3 is needed (scripts/install-system-deps.sh installs it)."
  version=$(sed -n 's/^radicale==//p' "$RAD_DIR/requirements.txt")
  say "installing Radicale $version into $VENV…"
  t=$(now)
  rm -rf "$VENV"
  if ! "$PY" -m venv "$VENV" >"$RAD_DIR/install.log" 2>&1; then
    tail_log "$RAD_DIR/install.log"
    rm -rf "$VENV"
    die "$PY -m venv failed (is python3-venv installed? scripts/install-system-deps.sh installs it)."
  fi
  if ! "$VENV/bin/pip" install --no-input --disable-pip-version-check -r "$RAD_DIR/requirements.txt" \
    >>"$RAD_DIR/install.log" 2>&1 || [ ! -x "$VENV/bin/radicale" ]; then
    tail_log "$RAD_DIR/install.log"
    die "pip could not install $RAD_DIR/requirements.txt into $VENV."
  fi
  cp "$RAD_DIR/requirements.txt" "$VENV/requirements.installed"
  say "installed in $(($(now) - t)) s."
fi

# (b) A throwaway configuration, user file and storage folder.
start=$(now)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/radicale.XXXXXX")
LOG=$WORK/radicale.log
mkdir "$WORK/collections"
echo "$DAV_USER:$DAV_PASSWORD" >"$WORK/users"
cat >"$WORK/config" <<EOF
[server]
hosts = 127.0.0.1:$PORT

[auth]
type = htpasswd
htpasswd_filename = $WORK/users
htpasswd_encryption = plain
# Seconds before answering a wrong password (default 1): short, so that tests of bad credentials stay quick.
delay = 0.1

[rights]
type = owner_only

[storage]
filesystem_folder = $WORK/collections

[web]
type = none

[logging]
level = info
EOF

# (c) The server, our own child, its log (stdout and stderr) in the temp folder.
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  die "port $PORT is taken (another Radicale, or a run that did not finish?); set RADICALE_PORT."
fi
say "starting Radicale $("$VENV/bin/radicale" --version 2>/dev/null) on 127.0.0.1:$PORT…"
"$VENV/bin/radicale" --config "$WORK/config" >"$LOG" 2>&1 </dev/null &
RAD_PID=$!
deadline=$(($(now) + READY_TIMEOUT))
# Any HTTP answer (401 without credentials) means it is serving; curl prints 000 while nothing listens.
until [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$BASE/")" != 000 ]; do
  if ! kill -0 "$RAD_PID" 2>/dev/null; then
    wait "$RAD_PID"
    st=$?
    RAD_PID=""
    tail_log "$LOG"
    die "the server exited with status $st before it answered."
  fi
  if [ "$(now)" -ge "$deadline" ]; then
    tail_log "$LOG"
    die "the server did not answer on $BASE/ within $READY_TIMEOUT s."
  fi
  sleep 0.2
done

# (d) The seed: address book $BOOK ("Customers") and three vCards, each a different way of naming a social account.
# dav METHOD PATH EXPECTED-STATUS [CURL-ARG...]: one authenticated request; dies with the answer and log otherwise.
dav() {
  local method=$1 path=$2 want=$3 code
  shift 3
  code=$(curl -s -o "$WORK/answer" -w '%{http_code}' -u "$DAV_USER:$DAV_PASSWORD" -X "$method" "$@" "$BASE$path")
  if [ "$code" != "$want" ]; then
    echo "---- answer to $method $path (HTTP $code, expected $want) ----" >&2
    head -c 2000 "$WORK/answer" >&2
    echo >&2
    tail_log "$LOG"
    die "seeding failed at $method $path."
  fi
}
dav MKCOL "$BOOK" 201 -H 'Content-Type: application/xml; charset=utf-8' --data-binary @- <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:set>
    <D:prop>
      <D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>
      <D:displayname>Customers</D:displayname>
    </D:prop>
  </D:set>
</D:mkcol>
EOF
# put_card NAME: the vCard on stdin becomes $BOOK/NAME.vcf (CRLF line ends, as RFC 6350 wants).
put_card() {
  sed 's/$/\r/' | dav PUT "$BOOK$1.vcf" 201 -H 'Content-Type: text/vcard; charset=utf-8' -H 'If-None-Match: *' \
    --data-binary @-
}
put_card dana-whitfield <<'EOF'
BEGIN:VCARD
VERSION:3.0
UID:5d0c7a52-3f6e-4b8e-9a51-1c2f0e8d7a01
FN:Dana Whitfield
N:Whitfield;Dana;;;
ORG:Whitfield Bakery
EMAIL;TYPE=INTERNET,WORK:dana@whitfield-bakery.example.com
X-SOCIALPROFILE;TYPE=twitter:http://twitter.com/danabakes
END:VCARD
EOF
put_card oskar-lindqvist <<'EOF'
BEGIN:VCARD
VERSION:4.0
UID:urn:uuid:9b2e4f1c-6a3d-4c7e-8f05-2d4b6a8c0e12
FN:Oskar Lindqvist
N:Lindqvist;Oskar;;;
EMAIL;TYPE=home:oskar@lindqvist.example.com
SOCIALPROFILE;SERVICE-TYPE=Mastodon:https://social.example.com/@oskar
END:VCARD
EOF
put_card priya-raman <<'EOF'
BEGIN:VCARD
VERSION:3.0
UID:c3a1e7d9-2b4f-4e6a-b8c0-7f1d3e5a9b24
FN:Priya Raman
N:Raman;Priya;;;
TEL;TYPE=CELL:+1-555-0142
IMPP;X-SERVICE-TYPE=Bluesky:x-apple:priya.example.com
END:VCARD
EOF

export EARSHOT_CARDDAV_URL=$BASE/ EARSHOT_CARDDAV_USER=$DAV_USER EARSHOT_CARDDAV_PASSWORD=$DAV_PASSWORD
export EARSHOT_CARDDAV_BOOK=$BOOK
say "ready in $(($(now) - start)) s ($EARSHOT_CARDDAV_URL, user $DAV_USER, book $BOOK with 3 cards; log $LOG)."

# (e) The command, in the background so that a signal to this script is handled at once (bash defers traps
# until a foreground command ends); it keeps this script's stdin. (f) cleanup runs on exit, with its status.
exec 3<&0
"$@" <&3 3<&- &
CMD_PID=$!
wait "$CMD_PID"
