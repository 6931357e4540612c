#!/usr/bin/env bash
# One-time (and cheap when repeated) set-up behind `npm test`, `npm run scenario` and `npm run bench`:
# installs dependencies when missing, builds every package and the node bundle, makes a Docker
# engine answer (scripts/ensure-docker.sh) unless JOINLAB_SKIP_DOCKER=1, and, for the tests and the
# bench (--browser), a Chromium (scripts/ensure-chromium.sh) unless JOINLAB_SKIP_BROWSER=1.
set -euo pipefail
cd "$(dirname "$0")/.."

# The last build's stamp: made before that build started, so a file saved while it ran is newer.
BUILD_STAMP=.joinlab/build-stamp
BUILD_OUTPUTS=(packages/orchestrator/dist/cli.js packages/node/bundle/joinlab-node.mjs packages/report/bundle/page.js)
BUILD_INPUTS=(packages/*/src packages/*/package.json packages/*/tsconfig.json tsconfig.json tsconfig.base.json package-lock.json)

# True when every output exists and no input changed since the stamp: a repeated `npm run scenario`
# then skips 2-3 s of tsc and esbuild that would rebuild the same files.
build_is_current() {
  [ -f "$BUILD_STAMP" ] || return 1
  local output
  for output in "${BUILD_OUTPUTS[@]}"; do [ -f "$output" ] || return 1; done
  [ -z "$(find "${BUILD_INPUTS[@]}" -newer "$BUILD_STAMP" -print -quit)" ]
}

if [ ! -d node_modules/.bin ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing dependencies (npm ci)..." >&2
  rm -f "$BUILD_STAMP"
  npm ci --no-audit --no-fund >&2
fi

if build_is_current; then
  echo "setup: build is up to date" >&2
else
  echo "setup: building..." >&2
  mkdir -p "$(dirname "$BUILD_STAMP")"
  touch "$BUILD_STAMP.next"
  npm run --silent build >&2
  mv "$BUILD_STAMP.next" "$BUILD_STAMP"
fi

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
