#!/usr/bin/env bash
# One-time (and cheap when repeated) set-up behind `npm test`, `npm run scenario` and `npm run bench`:
# installs dependencies when missing, builds every package and the node bundle, makes a Docker
# engine answer (scripts/ensure-docker.sh) unless JOINLAB_SKIP_DOCKER=1, and, for the tests and the
# bench (--browser), a Chromium (scripts/ensure-chromium.sh) unless JOINLAB_SKIP_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/.bin ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi

echo "setup: building..." >&2
npm run --silent build >&2

if [ "${JOINLAB_SKIP_DOCKER:-0}" = 1 ]; then
  echo "setup: JOINLAB_SKIP_DOCKER=1, not checking for a Docker engine" >&2
elif ! bash scripts/ensure-docker.sh >/dev/null; then
  if [ "${1:-}" = --docker-optional ]; then
    echo "setup: no Docker engine; scenarios will use the local-process runtime" >&2
  else
    exit 1
  fi
fi

if [ "${1:-}" = --browser ] || [ "${2:-}" = --browser ]; then
  if [ "${JOINLAB_SKIP_BROWSER:-0}" = 1 ]; then
    echo "setup: JOINLAB_SKIP_BROWSER=1, not checking for Chromium" >&2
  else
    bash scripts/ensure-chromium.sh
  fi
fi
