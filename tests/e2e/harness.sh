#!/bin/bash
# Run a command inside a headless desktop session, as a test harness would:
#   Xvfb (a free display) -> a fresh kernel session keyring -> a private D-Bus session bus
#   -> gnome-keyring (Secret Service, unlocked) + dunst (notification daemon) + dbus-monitor (log of every
#      notification, in $NOTIFY_LOG).
# Usage: tests/e2e/harness.sh COMMAND [ARG...]    e.g. tests/e2e/harness.sh python3 tests/e2e/inbox_e2e.py
# Needs (Debian): xvfb xauth dbus-x11 gnome-keyring keyutils dunst libnotify-bin webkit2gtk-driver
# (scripts/install-system-deps.sh installs them). Adapted from ../shared/recipes/headless-desktop.
set -u
export XDG_DATA_HOME=$(mktemp -d) XDG_RUNTIME_DIR=$(mktemp -d) XDG_CONFIG_HOME=$(mktemp -d)
chmod 700 "$XDG_RUNTIME_DIR"
export NOTIFY_LOG=${NOTIFY_LOG:-$XDG_RUNTIME_DIR/notifications.log}
DFILE=$(mktemp)
Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp 5>"$DFILE" >/dev/null 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null; wait $XPID 2>/dev/null; rm -rf "$DFILE" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"' EXIT
for _ in $(seq 200); do [ -s "$DFILE" ] && break; sleep 0.05; done
export DISPLAY=:$(cat "$DFILE")
keyctl session - dbus-run-session -- bash -c '
  set -u; PIDS=()
  echo -n ci-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  dunst >/dev/null 2>&1 & PIDS+=($!)
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
      string:org.freedesktop.Notifications 2>/dev/null | grep -q true && break; sleep 0.1; done
  # Every notification call, and the answers of the daemon (they carry each notification ID, for tests that
  # invoke an action on a notification as a click would).
  owner=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetNameOwner \
    string:org.freedesktop.Notifications | sed -n "s/.*string \"\(.*\)\"/\1/p")
  dbus-monitor --session "interface=org.freedesktop.Notifications" "type=method_return,sender=$owner" \
    > "$NOTIFY_LOG" 2>&1 & PIDS+=($!)
  for _ in $(seq 100); do grep -q NameAcquired "$NOTIFY_LOG" 2>/dev/null && break; sleep 0.05; done
  "$@"; rc=$?
  kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null
  exit $rc
' harness "$@" 2> >(grep -v -E "dbus-daemon|SpiRegistry|Joined session" >&2)
