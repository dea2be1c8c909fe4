#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Earshot needs to build, run and test the desktop app:
# WebKitGTK and friends for Tauri, and Xvfb, D-Bus, a notification daemon, a Secret Service and
# WebKitWebDriver for the headless end-to-end tests, PostgreSQL for team mode's tests and the Bluesky dev
# network (tests/support/with-postgres.sh and with-bsky-net.sh start it; openssl makes the test server's TLS
# certificate), python3-venv for the Radicale CardDAV server that
# tests/support/with-radicale.sh installs, and procps (pkill) for the end-to-end tests. Skips apt entirely when
# everything is present.
set -euo pipefail
PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev libayatana-appindicator3-dev
  librsvg2-dev pkg-config libdbus-1-dev
  xvfb xauth webkit2gtk-driver dbus-x11 at-spi2-core dunst libnotify-bin gnome-keyring keyutils
  libsecret-tools xdotool fonts-dejavu-core fonts-noto-color-emoji imagemagick python3 nodejs npm
  postgresql python3-venv openssl procps
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (it does on the development machines); accept any node >= 20.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if [ ${#missing[@]} -eq 0 ]; then
  echo "System packages: all present."
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "System packages: installed."
