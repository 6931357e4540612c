#!/usr/bin/env bash
# The container work of `npm run scenario -- chain-join`, done with the plain Docker CLI and
# nothing else: a network, the seed's four nodes started one after another (node4 joining through
# node2), then everything removed. The bench times it as the floor for the whole user command.
#   bash scripts/docker-cli-chain-join.sh [image]     (default joinlab/node:latest)
set -euo pipefail
image=${1:-joinlab/node:latest}
run="cli-$$-$RANDOM"
net="jl-$run"
label=(--label "joinlab.run=$run" --label joinlab.scenario=docker-cli-chain-join)

cleanup() {
  docker rm -f "$net-node1" "$net-node2" "$net-node3" "$net-node4" >/dev/null 2>&1 || true
  docker network rm "$net" >/dev/null 2>&1 || true
}
trap cleanup EXIT

node() { # name port clusterip [flags...]
  local name=$1 port=$2 via=$3
  shift 3
  docker run -d --name "$net-$name" --network "$net" --network-alias "$name" "${label[@]}" \
    --no-healthcheck "$image" --name "$name" --myport "$port" --clusterip "$via" --advertise "$name" \
    --logFormat json "$@" >/dev/null
}

docker network create "${label[@]}" "$net" >/dev/null
node node1 8001 node1:8001 --makeMasterOnError
node node2 8002 node1:8001
node node3 8004 node1:8001
node node4 8003 node2:8002
docker rm -f "$net-node1" "$net-node2" "$net-node3" "$net-node4" >/dev/null
docker network rm "$net" >/dev/null
trap - EXIT
