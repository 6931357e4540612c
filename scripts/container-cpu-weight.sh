#!/usr/bin/env bash
# Weighs the engine's containers above its own processes (cgroup v1 with Docker's cgroupfs driver;
# elsewhere it does nothing and says so): the cgroup that large runs' containers go in
# (/joinlab-large, given to the engine as their cgroup parent) ten times one of the engine's
# processes, and the engine's default parent, where every other container goes, three times.
#
# Why: with that driver the containers' cgroups sit under one parent, and the scheduler weighs that
# whole parent as much as each busy engine process (dockerd, containerd, every container's shim and
# runc). While the engine starts a run's next containers, the nodes already up got a sliver of the
# two cores: in a 64-node star-join they logged 80-100 stalls of half a second and more, 220-400
# false suspicions, and a join took up to 1.5 s to reach every member. With this weight the same
# bring-up logged no stall and no suspicion, a join reached every member within 0.3 s, and up +
# verified took as long as before: the nodes use little CPU, they only get it when they need it,
# and the engine keeps every cycle they leave.
#
# Only runs of more than 16 nodes need that much (the orchestrator gives their containers the
# large-run parent). At ten times, a small run's nodes pushed the orchestrator and a browser showing
# the live page behind them while they booted (16 nodes: node line -> drawn p99 848 ms); at the
# default weight they were the ones waiting (a join took 373 ms to reach every member, against
# under 100 ms); at three times, 438 ms and 76 ms (one bench each; the page still misses 250 ms).
#
# scripts/ensure-docker.sh runs this when it starts the engine itself. On a machine whose engine
# you run, run it once as root (it lasts until the next reboot).
set -euo pipefail

LARGE_WEIGHT=10240 # cpu.shares; each process outside a cgroup weighs 1024
SMALL_WEIGHT=3072
large=/sys/fs/cgroup/cpu/joinlab-large
small=/sys/fs/cgroup/cpu/docker

if [ ! -d /sys/fs/cgroup/cpu ] || [ "$(timeout 10 docker info --format '{{.CgroupDriver}}' 2>/dev/null)" != cgroupfs ]; then
  echo "container-cpu-weight: not cgroup v1 with Docker's cgroupfs driver; nothing changed" >&2
  exit 0
fi
# The engine makes its parent at its first container; made here, the engine uses it as it is.
if mkdir -p "$large" "$small" 2>/dev/null && echo "$LARGE_WEIGHT" >"$large/cpu.shares" 2>/dev/null &&
  echo "$SMALL_WEIGHT" >"$small/cpu.shares" 2>/dev/null; then
  echo "container-cpu-weight: large runs' containers weigh $LARGE_WEIGHT ($large), others $SMALL_WEIGHT ($small)" >&2
else
  echo "container-cpu-weight: could not write $large/cpu.shares or $small/cpu.shares (needs root); large runs will see more stalls" >&2
fi
