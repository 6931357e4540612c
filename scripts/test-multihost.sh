#!/usr/bin/env bash
# Opt-in test of the swarm runtime across several engines on this one machine (root, Linux):
# three Docker engines of our own, each in its own network namespace (and hostname), joined by
# veth pairs to a bridge in a namespace of its own on 10.231.7.0/24, made one swarm; the node image
# loaded into each without a registry; then packages/orchestrator/test/multihost.swarm-netns.ts runs
# star-join across them. Everything made here is removed at the end, on every path (success,
# failure, Ctrl-C, SIGTERM): the swarm, the daemons, the namespaces and veths, the data.
#   bash scripts/test-multihost.sh        (npm run test:multihost)
# The machine's own engine (/var/run/docker.sock) is only read: `docker save` of the images.
# JOINLAB_MH_KEEP_LOGS=1 keeps the daemons' logs (in /var/tmp/joinlab-mh-logs) after the end.
set -euo pipefail
cd "$(dirname "$0")/.."

HOSTS=(jlmh1 jlmh2 jlmh3)
NET=10.231.7 # host i is $NET.i; nothing else is on this /24
LAN=jlmh-lan # the namespace holding the bridge
RUN_DIR=/run/joinlab-mh
DATA_DIR=/var/lib/joinlab-mh
MAIN_ENGINE=unix:///var/run/docker.sock
BASE=joinlab/node-base:local # the offline base (scripts/make-local-base.sh)
LOGS=/var/tmp/joinlab-mh-logs

say() { echo "multihost: $*" >&2; }
sock() { echo "unix://$RUN_DIR/$1.sock"; }
on() { local h=$1; shift; docker -H "$(sock "$h")" "$@"; }

preflight() {
  [ "$(id -u)" = 0 ] || { say "needs root (network namespaces, dockerd)"; exit 2; }
  local tool
  for tool in ip nsenter unshare dockerd docker; do
    command -v "$tool" >/dev/null || { say "needs $tool on PATH"; exit 2; }
  done
  docker -H "$MAIN_ENGINE" image inspect "$BASE" >/dev/null 2>&1 || {
    say "the machine's engine has no $BASE: run 'bash scripts/make-local-base.sh' first"
    exit 2
  }
}

# --- teardown: idempotent, also for what an interrupted earlier run left -------------------------

stop_daemon() {
  local h=$1 pid
  pid=$(cat "$RUN_DIR/$h.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  on "$h" swarm leave --force >/dev/null 2>&1 || true
  local ids
  ids=$(on "$h" ps -aq 2>/dev/null || true)
  [ -n "$ids" ] && on "$h" rm -f $ids >/dev/null 2>&1 || true
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  say "dockerd of $h did not stop in 15 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# Processes that outlived their daemon (containerd, shims) are ours only if they name our paths.
kill_strays() {
  local pid
  for pid in $(pgrep -f "$RUN_DIR/|$DATA_DIR/" || true); do
    [ "$pid" = $$ ] || kill -KILL "$pid" 2>/dev/null || true
  done
}

unmount_under() {
  local dir=$1 m
  for m in $(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

# The test runs in a process group of its own (see run_test): TERM lets the run remove its services.
stop_test() {
  [ -n "${test_pid:-}" ] && kill -0 -- "-$test_pid" 2>/dev/null || return 0
  kill -TERM -- "-$test_pid" 2>/dev/null || true
  for _ in $(seq 1 80); do kill -0 -- "-$test_pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL -- "-$test_pid" 2>/dev/null || true
}

clean_all() {
  local h
  stop_test
  for h in "${HOSTS[@]}"; do stop_daemon "$h"; done
  kill_strays
  if [ "${JOINLAB_MH_KEEP_LOGS:-0}" = 1 ] && [ -d "$DATA_DIR" ]; then
    mkdir -p "$LOGS" && cp "$DATA_DIR"/*.log "$LOGS"/ 2>/dev/null || true
  fi
  unmount_under "$RUN_DIR"
  unmount_under "$DATA_DIR"
  remove_cgroups
  for h in "${HOSTS[@]}" "$LAN"; do ip netns del "$h" 2>/dev/null || true; done
  rm -rf "$RUN_DIR" "$DATA_DIR"
}

# The containers' cgroups sit under joinlab-mh-<host> (--cgroup-parent) in every hierarchy.
remove_cgroups() {
  local dir
  for dir in /sys/fs/cgroup/*/joinlab-mh-*; do
    [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

teardown() {
  local code=$?
  trap - EXIT INT TERM
  clean_all
  say "torn down: swarm left, daemons stopped, namespaces, veths and data removed"
  exit "$code"
}

# --- set-up --------------------------------------------------------------------------------------

make_network() {
  ip netns add "$LAN"
  ip -n "$LAN" link add jlmh-br type bridge
  ip -n "$LAN" link set jlmh-br up
  local i=0 h
  for h in "${HOSTS[@]}"; do
    i=$((i + 1))
    ip netns add "$h"
    ip -n "$LAN" link add "v-$h" type veth peer name eth0 netns "$h"
    ip -n "$LAN" link set "v-$h" master jlmh-br up
    ip -n "$h" link set lo up
    ip -n "$h" addr add "$NET.$i/24" dev eth0
    ip -n "$h" link set eth0 up
  done
}

# nsenter, not `ip netns exec`: the latter remounts /sys, which hides the cgroup mounts dockerd needs.
start_daemon() {
  local h=$1 i=$2
  mkdir -p "$DATA_DIR/$h" "$RUN_DIR"
  setsid nsenter --net="/run/netns/$h" unshare --uts sh -c "hostname $h && exec dockerd \
    --data-root $DATA_DIR/$h --exec-root $RUN_DIR/$h --pidfile $RUN_DIR/$h.pid \
    -H unix://$RUN_DIR/$h.sock --bip 172.30.$i.1/24 --cgroup-parent joinlab-mh-$h" \
    >"$DATA_DIR/$h.log" 2>&1 </dev/null &
}

wait_daemon() {
  local h=$1
  for _ in $(seq 1 120); do on "$h" version >/dev/null 2>&1 && return 0; sleep 0.25; done
  say "dockerd of $h did not answer within 30 s; its log ends:"
  tail -20 "$DATA_DIR/$h.log" >&2
  return 1
}

make_swarm() {
  on jlmh1 swarm init --advertise-addr "$NET.1" --default-addr-pool 10.232.0.0/16 >/dev/null
  local token i=1 h
  token=$(on jlmh1 swarm join-token -q worker)
  for h in "${HOSTS[@]:1}"; do
    i=$((i + 1))
    on "$h" swarm join --advertise-addr "$NET.$i" --token "$token" "$NET.1:2377" >/dev/null
  done
  for _ in $(seq 1 60); do
    [ "$(on jlmh1 node ls --format '{{.Status}}' | grep -c Ready)" = "${#HOSTS[@]}" ] && return 0
    sleep 0.5
  done
  say "the swarm did not get ${#HOSTS[@]} Ready nodes in 30 s:"
  on jlmh1 node ls >&2
  return 1
}

# The manager gets the offline base from the machine's engine (read only) and builds the node image
# of this checkout on it; the others get the manager's node image, whose id the services name.
load_images() {
  docker -H "$MAIN_ENGINE" save "$BASE" | on jlmh1 load >/dev/null
  DOCKER_HOST=$(sock jlmh1) JOINLAB_BASE_IMAGE=$BASE node packages/orchestrator/dist/cli.js image >&2
  local h
  for h in "${HOSTS[@]:1}"; do on jlmh1 save joinlab/node:latest | on "$h" load >/dev/null; done
}

# In the background and a session of its own, so that a signal to this script is handled at once
# (bash runs a trap only once the foreground command ends) and the teardown can end the whole test.
run_test() {
  JOINLAB_MH_MANAGER=$(sock jlmh1) JOINLAB_MH_ENGINES="jlmh2=$(sock jlmh2),jlmh3=$(sock jlmh3)" \
    JOINLAB_MH_DATA=$DATA_DIR \
    setsid node --import tsx --test --test-reporter=spec packages/orchestrator/test/multihost.swarm-netns.ts &
  test_pid=$!
  wait "$test_pid"
}

main() {
  preflight
  clean_all 2>/dev/null # what an interrupted earlier run left
  trap teardown EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local started=$SECONDS i=0 h
  make_network
  for h in "${HOSTS[@]}"; do i=$((i + 1)); start_daemon "$h" "$i"; done
  for h in "${HOSTS[@]}"; do wait_daemon "$h"; done
  make_swarm
  say "swarm of ${#HOSTS[@]} engines on $NET.0/24 ready after $((SECONDS - started)) s"
  load_images
  say "images loaded after $((SECONDS - started)) s; running the test"
  run_test
  say "passed in $((SECONDS - started)) s"
}

main "$@"
