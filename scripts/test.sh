#!/usr/bin/env bash
# Runs the test suites with node's own test runner (TypeScript through tsx).
#   scripts/test.sh          unit + process tests, then the Docker tests
#   scripts/test.sh unit     only the tests that need no Docker engine
#   scripts/test.sh docker   only the Docker tests (real containers)
# JOINLAB_SKIP_DOCKER=1 skips the Docker tests explicitly; otherwise they need an engine.
# The browser tests (*.browser.test.ts, real Chromium) run with the unit tests;
# JOINLAB_SKIP_BROWSER=1 skips them explicitly (CI never does).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

shopt -s nullglob
unit=()
docker=()
for f in packages/*/test/*.test.ts; do
  case "$f" in
    *.docker.test.ts) docker+=("$f") ;;
    *.browser.test.ts)
      if [ "${JOINLAB_SKIP_BROWSER:-0}" = 1 ]; then
        echo "test: JOINLAB_SKIP_BROWSER=1: $f skipped at your request" >&2
      else
        unit+=("$f")
      fi
      ;;
    *) unit+=("$f") ;;
  esac
done

# Each test is bounded (10 minutes; a real-Docker test, 15): one that hangs fails with its name
# instead of holding the suite until CI's own limit.
run() { node --import tsx --test --test-reporter=spec "$@"; }

if [ "$mode" != docker ]; then
  run --test-concurrency=2 --test-timeout=600000 "${unit[@]}"
fi
if [ "$mode" != unit ]; then
  if [ "${JOINLAB_SKIP_DOCKER:-0}" = 1 ]; then
    echo "test: JOINLAB_SKIP_DOCKER=1: Docker tests skipped at your request" >&2
  elif ! timeout 10 docker info >/dev/null 2>&1; then
    echo "test: no Docker engine answers. Run 'bash scripts/ensure-docker.sh' (root on Debian installs and starts one)," >&2
    echo "      or skip the Docker tests explicitly with JOINLAB_SKIP_DOCKER=1 npm test" >&2
    exit 1
  else
    # One file at a time: they share the engine, and the daemon serialises container starts anyway.
    run --test-concurrency=1 --test-timeout=900000 "${docker[@]}"
  fi
fi
