#!/usr/bin/env bash
# Makes a Docker engine answer on this machine: does nothing when one already answers; otherwise
# installs Debian's docker.io + docker-compose (v1.29) when missing and starts dockerd detached, its
# containers weighted above its own processes (container-cpu-weight.sh) and the kernel's neighbour
# table raised for large runs (neighbour-table.sh).
# Prints "started" on stdout's last line when this call started the daemon (so .ci/run can stop it).
set -euo pipefail

log=${JOINLAB_DOCKERD_LOG:-/var/log/joinlab-dockerd.log}

if timeout 10 docker info >/dev/null 2>&1; then
  echo "docker: engine already answers" >&2
  bash "$(dirname "$0")/neighbour-table.sh" --check || true
  exit 0
fi

how_to_fix="Install Docker (https://docs.docker.com/engine/install/) and start it, or run the tests without Docker: JOINLAB_SKIP_DOCKER=1 npm test"

has_compose() { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null 2>&1 || ! has_compose; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "docker: no engine answers and this script can only install one as root on Debian/Ubuntu. $how_to_fix" >&2
    exit 1
  fi
  echo "docker: installing docker.io and docker-compose from Debian's packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq docker.io docker-compose >&2
fi

if [ "$(id -u)" != 0 ]; then
  echo "docker: dockerd is installed but not answering, and starting it needs root. $how_to_fix" >&2
  exit 1
fi

wait_for_engine() {
  for _ in $(seq 1 60); do
    timeout 5 docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# A dockerd already starting (another caller got here first): wait for it, do not start a second.
# It is not ours, so no "started" and the caller will not stop it.
if pgrep -x dockerd >/dev/null 2>&1; then
  echo "docker: dockerd is running but not answering yet; waiting..." >&2
  if wait_for_engine; then
    echo "docker: engine answers" >&2
    exit 0
  fi
  echo "docker: the running dockerd did not answer within 30 s. $how_to_fix" >&2
  exit 1
fi

# A pid file left by a daemon that died makes dockerd refuse to start.
pidfile=/var/run/docker.pid
if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; then
  rm -f "$pidfile"
fi

echo "docker: starting dockerd (log: $log)..." >&2
# Detached, with its own log and no inherited stdio: a daemon holding CI's pipe keeps CI waiting.
setsid dockerd >"$log" 2>&1 </dev/null &

if wait_for_engine; then
  echo "docker: engine answers" >&2
  # An engine of our own runs whole clusters on this machine's cores: the nodes come first.
  bash "$(dirname "$0")/container-cpu-weight.sh" || true
  # ... and the kernel's neighbour table holds an entry for every pair of them.
  bash "$(dirname "$0")/neighbour-table.sh" || true
  if ! has_compose; then
    echo "docker: warning: neither 'docker compose' nor 'docker-compose' is installed; the compose tests need one" >&2
  fi
  echo started
  exit 0
fi
echo "docker: dockerd did not answer within 30 s; see $log. $how_to_fix" >&2
exit 1
