#!/usr/bin/env bash
# Sets up everything Earshot needs on a fresh Debian or Ubuntu machine, then launches the desktop app.
# Extra arguments go to the app, e.g. ./scripts/run.sh --data-dir /tmp/earshot-try
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-system-deps.sh
scripts/build-ui.sh
cargo build --release -p earshot-app -p earshot-cli
echo "Starting Earshot. (The CLI is at target/release/earshot.)"
exec target/release/earshot-app "$@"
