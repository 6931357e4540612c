#!/usr/bin/env bash
# Gives the engine's containers, together, ten times the CPU weight of one of the engine's own
# processes (cgroup v1 with Docker's cgroupfs driver; elsewhere it does nothing and says so).
#
# Why: with that driver every container's cgroup sits under one "docker" cgroup, and the scheduler
# weighs that whole cgroup as much as each busy engine process (dockerd, containerd, every
# container's shim and runc). While the engine starts a run's next containers, the nodes already up
# got a sliver of the two cores: in a 64-node star-join they logged 80-100 stalls of half a second
# and more, 220-400 false suspicions, and a join took up to 1.5 s to reach every member. With this
# weight the same bring-up logged no stall and no suspicion, a join reached every member within
# 0.3 s, and up + verified took as long as before: the nodes use little CPU, they only get it when
# they need it, and the engine keeps every cycle they leave.
#
# scripts/ensure-docker.sh runs this when it starts the engine itself. On a machine whose engine
# you run, run it once as root (it lasts until the next reboot).
set -euo pipefail

WEIGHT=10240 # cpu.shares; each process outside a cgroup weighs 1024
parent=/sys/fs/cgroup/cpu/docker

if [ ! -d /sys/fs/cgroup/cpu ] || [ "$(timeout 10 docker info --format '{{.CgroupDriver}}' 2>/dev/null)" != cgroupfs ]; then
  echo "container-cpu-weight: not cgroup v1 with Docker's cgroupfs driver; nothing changed" >&2
  exit 0
fi
# The engine makes this cgroup at its first container; made here, the engine uses it as it is.
if mkdir -p "$parent" 2>/dev/null && echo "$WEIGHT" >"$parent/cpu.shares" 2>/dev/null; then
  echo "container-cpu-weight: containers weigh $WEIGHT ($parent/cpu.shares)" >&2
else
  echo "container-cpu-weight: could not write $parent/cpu.shares (needs root); large runs will see more stalls" >&2
fi
