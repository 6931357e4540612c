#!/usr/bin/env bash
# Runs a command with this machine's engine as a one-node swarm, and returns the engine to normal
# afterwards, on every path (success, failure, Ctrl-C, SIGTERM): leaves the swarm and removes the
# docker_gwbridge network that swarm creates and `swarm leave` keeps. An engine already in a swarm
# is used as it is and left alone (that swarm is not ours to take down).
#   bash scripts/with-swarm.sh npm run scenario -- chain-join --runtime swarm
set -euo pipefail

state=$(docker info --format '{{.Swarm.LocalNodeState}}')
if [ "$state" != inactive ]; then
  echo "with-swarm: the engine is already in a swarm ($state): using it as it is" >&2
  exec "$@"
fi

had_gwbridge=$(docker network ls -q --filter name='^docker_gwbridge$')
restore() {
  local code=$?
  trap - EXIT INT TERM
  docker swarm leave --force >/dev/null 2>&1 || true
  if [ -z "$had_gwbridge" ]; then
    # The bridge's endpoints go a moment after the swarm does.
    for _ in $(seq 1 20); do
      docker network rm docker_gwbridge >/dev/null 2>&1 && break
      docker network ls -q --filter name='^docker_gwbridge$' | grep -q . || break
      sleep 0.25
    done
  fi
  echo "with-swarm: left the one-node swarm; the engine is back to normal" >&2
  exit "$code"
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

docker swarm init --advertise-addr 127.0.0.1 >/dev/null
echo "with-swarm: this engine is a one-node swarm for: $*" >&2
"$@"
