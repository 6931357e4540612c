#!/usr/bin/env bash
# Makes a Chromium the browser tests can drive (playwright-core, pinned in package.json; its own
# browser download cannot work without a network): Debian's chromium at /usr/bin/chromium, or the
# one JOINLAB_CHROMIUM names. Installs Debian's package when missing (as root, apt-get).
set -euo pipefail

chromium=${JOINLAB_CHROMIUM:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
  echo "chromium: $chromium is there" >&2
  exit 0
fi
how_to_fix="Install Chromium (Debian/Ubuntu: apt-get install chromium) or point JOINLAB_CHROMIUM at one, or skip the browser tests explicitly: JOINLAB_SKIP_BROWSER=1 npm test"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $chromium is missing and this script can only install it as root on Debian/Ubuntu. $how_to_fix" >&2
  exit 1
fi
echo "chromium: installing Debian's chromium for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium >&2
if [ ! -x "$chromium" ]; then
  echo "chromium: apt-get installed chromium but $chromium is still missing. $how_to_fix" >&2
  exit 1
fi
echo "chromium: installed $chromium" >&2
