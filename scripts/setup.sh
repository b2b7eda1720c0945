#!/usr/bin/env bash
# Installs switchyard's system needs and its npm dependencies on Debian/Ubuntu.
#   nftables, iproute2      capture (TPROXY) and policy routing
#   g++, make, python3      the native addon (node-gyp)
#   dante-server, iperf3, curl, openssl, chromium, fonts-wqy-microhei   peers used by the tests (a CJK font for the zh-CN screenshots)
#   libglib2.0-bin, gsettings-desktop-schemas, libkf5config-bin   system-proxy mode (gsettings, kwriteconfig5) and its tests
#   v2ray, wrk, util-linux (prlimit)   the peer and load tools of `npm run bench` and the robustness tests
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PKGS="nftables iproute2 g++ make python3 dante-server iperf3 curl openssl chromium fonts-wqy-microhei libglib2.0-bin gsettings-desktop-schemas libkf5config-bin v2ray wrk util-linux ca-certificates"
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y $PKGS
else
  echo "setup: apt-get not found; install these yourself: $PKGS" >&2
fi
# The packages' own services are not wanted: tests and benches start their own danted and v2ray.
$SUDO systemctl disable --now danted >/dev/null 2>&1 || true
$SUDO systemctl disable --now v2ray >/dev/null 2>&1 || true
if [ -n "${CI:-}" ]; then export ELECTRON_SKIP_BINARY_DOWNLOAD=1; fi
# Electron fetches its binary from the network at install; where that is not
# reachable (CI, offline boxes) install without it: `npm start` then runs the
# headless core.
if ! npm ci; then
  echo "setup: retrying npm ci without the Electron binary download" >&2
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci
fi
