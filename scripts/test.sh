#!/usr/bin/env bash
# Sets up what the tests need on a fresh Debian or Ubuntu machine and runs every test:
# front-end checks and unit tests, Rust formatting, lints and tests (including the generated-bindings
# check, the keyring and the real Bluesky servers, run inside the headless desktop harness), the store and
# engine contract suite again on PostgreSQL, then the end-to-end test of the real app window under Xvfb through
# WebKitWebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "System packages"
scripts/install-system-deps.sh

step "Front end: install, type-check, unit tests, build"
scripts/build-ui.sh
(cd ui && npm run --silent check && npm test --silent)

step "Rust: formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: unit, store, engine, network and CLI tests (with a real Secret Service and the real Bluesky servers)"
# One build for every later step: all targets of the whole workspace (libraries, the app and CLI binaries, tests,
# examples such as the X test server). Cargo unifies features over the packages and targets it is asked for, so
# any other selection (`-p earshot-store`, `cargo build -p earshot-app`) is a different feature set and a full
# rebuild of the dependency tree: on a 2-core machine that is a quarter of an hour each. Every step below asks
# for the whole workspace in test mode and reuses this build.
cargo build --workspace --all-targets --locked
# harness.sh: Xvfb, D-Bus, gnome-keyring, a notification daemon. with-bsky-net.sh: PostgreSQL plus Bluesky's
# PLC, PDS and AppView from @atproto/dev-env, on loopback (it installs Node 22 and the packages on first use).
# with-radicale.sh: a Radicale CardDAV server from PyPI with a seeded address book.
tests/e2e/harness.sh tests/support/with-bsky-net.sh tests/support/with-radicale.sh \
  cargo test --workspace --locked --no-fail-fast

step "Rust: the store and engine contract suite again, on PostgreSQL (team mode)"
# The store's and the engine's test files, chosen by name over the whole workspace so the build above serves
# (`team` also picks the CLI's claim race, meant for here; `crm` also picks the CLI's CRM test, which runs on
# SQLite again, harmlessly). The failover test is the one ignored test of the workspace: it needs this pass's
# PostgreSQL. One invocation: a run that selects other targets can resolve other features and rebuild.
contract_tests=$(for t in crates/store/tests/*.rs crates/engine/tests/*.rs; do printf -- '--test %s ' "$(basename "$t" .rs)"; done)
# with-postgres.sh: a throwaway PostgreSQL server from Debian's packages, reached over TLS. Every store and
# engine test runs again with each test on its own fresh database there (EARSHOT_TEST_POSTGRES).
# Then eight `earshot claim` processes race for 10,000 items there (crates/cli/tests/team.rs), and a sync
# leader is killed with kill -9 while another worker waits to take over (crates/cli/tests/failover.rs).
tests/support/with-postgres.sh tests/e2e/harness.sh tests/support/with-bsky-net.sh tests/support/with-radicale.sh \
  cargo test --workspace --locked --no-fail-fast --lib $contract_tests --test failover -- --include-ignored

step "End to end: the real app window (and the real Bluesky servers for connecting and replying)"
# The app, the CLI and the X test server come from the workspace build above. PostgreSQL is there for joining a
# team database from Settings.
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys;print(json.load(sys.stdin)["target_directory"])')
APP="$target_dir/debug/earshot-app" CLI="$target_dir/debug/earshot" X_SERVER="$target_dir/debug/examples/x_server" \
  tests/support/with-postgres.sh tests/e2e/harness.sh tests/support/with-bsky-net.sh tests/support/with-radicale.sh \
  python3 tests/e2e/inbox_e2e.py
