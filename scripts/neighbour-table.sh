#!/usr/bin/env bash
# Raises the kernel's neighbour (ARP) table limits so that every container of a large run can
# reach every other.
#
# Why: the kernel keeps one such table for the whole machine; every network namespace's entries
# count against its limits, and each container of a run holds an entry per peer it talks to, so n
# containers need about n² entries. Under the default hard limit (gc_thresh3 = 1024) a 64-node run
# (about 4,000 entries) overflowed it: the kernel logged "neighbor table overflow" and dropped
# datagrams and connects between containers (EHOSTUNREACH), and the nodes, losing probes, logged
# 11,000-27,000 suspicions in one bring-up and declared healthy members dead. With the limits below
# (room for about 180 nodes) the same bring-up logged none.
#
# scripts/ensure-docker.sh runs this when it starts the engine itself. On a machine whose engine
# you run, run it once as root (it lasts until the next reboot). It only ever raises a limit.
# With --check it changes nothing and only says when the hard limit is too low.
set -euo pipefail

dir=/proc/sys/net/ipv4/neigh/default
# Hard limit first: the kernel reads the three as hard > soft > kept without collection.
for pair in gc_thresh3=32768 gc_thresh2=16384 gc_thresh1=4096; do
  name=${pair%=*}
  want=${pair#*=}
  [ -r "$dir/$name" ] || { echo "neighbour-table: $dir/$name not found; nothing changed" >&2; exit 0; }
  have=$(cat "$dir/$name")
  [ "$have" -ge "$want" ] && continue
  if [ "${1:-}" = --check ]; then
    echo "neighbour-table: the kernel's neighbour table holds $have entries; runs above 30 nodes will lose datagrams: run scripts/neighbour-table.sh as root" >&2
    exit 0
  fi
  if echo "$want" >"$dir/$name" 2>/dev/null; then
    echo "neighbour-table: $name $have -> $want" >&2
  else
    echo "neighbour-table: could not raise $name from $have to $want (needs root); runs above 30 nodes will lose datagrams" >&2
    exit 0
  fi
done
