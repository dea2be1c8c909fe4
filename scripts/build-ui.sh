#!/usr/bin/env bash
# Installs the front end's locked npm packages (only when the lock file changed) and builds ui/dist,
# which the app embeds at compile time.
set -euo pipefail
cd "$(dirname "$0")/../ui"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
