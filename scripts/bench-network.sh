#!/usr/bin/env bash
# Network benchmarks: API requests per 1,000 mentions of backlog (Mastodon replayed, Bluesky on the real dev
# network), post-to-inbox time for Mastodon streaming versus polling, and the memory of `earshot sync` with 10
# accounts. Needs what scripts/test.sh installs. Pass one word (backlog, latency, memory) to run only that.
set -euo pipefail
cd "$(dirname "$0")/.."
exec tests/e2e/harness.sh tests/support/with-bsky-net.sh cargo bench --locked -p earshot-cli --bench network -- "$@"
