#!/usr/bin/env bash
# Installs the Debian packages SIP Portal needs when they are missing: WeasyPrint's Pango and
# HarfBuzz, Chromium and its driver for the browser tests, poppler-utils for looking at PDFs.
set -euo pipefail

needed=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium chromium-driver poppler-utils; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || needed+=("$pkg")
done
[ ${#needed[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${needed[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
elif command -v sudo >/dev/null && command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then
  echo "Installing Debian packages: ${needed[*]}"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
else
  echo "NOTE: these Debian packages are missing and cannot be installed from here: ${needed[*]}"
  echo "      PDFs and browser tests need them; the tests that need them say so and are skipped."
fi
