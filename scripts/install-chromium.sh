#!/usr/bin/env bash
# Debian's Chromium for the end-to-end UI test (tests/test_ui_e2e.py), installed only when missing.
# Never fails the build: where Chromium cannot be installed it says why, and the test skips.
set -uo pipefail

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium: apt-get not found; the UI end-to-end test will skip (install Debian's chromium to run it)"
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
    echo "install-chromium: not root, so apt-get cannot install chromium; the UI end-to-end test will skip"
    exit 0
fi

echo "install-chromium: installing Debian's chromium for the UI end-to-end test"
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
apt_options=(-q -y -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
# The sandbox helper it recommends is not needed: the test runs Chromium with --no-sandbox.
if apt-get "${apt_options[@]}" update >"$log" 2>&1 \
    && apt-get "${apt_options[@]}" install --no-install-recommends chromium >>"$log" 2>&1 \
    && [[ -x "$CHROMIUM" ]]; then
    exit 0
fi
tail -n 5 "$log"
echo "install-chromium: apt-get install chromium failed (above); the UI end-to-end test will skip"
exit 0
