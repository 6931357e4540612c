// Node lists the join scenarios share: a master that falls back to itself, and joiners that dial
// another scenario node by name.
import { nodeName, portOf, type NodeSpec } from "./types.js";

/** node1 on 8001: dials its own address, as the seed's demo does, and falls back to master. */
export function masterNode(): NodeSpec {
  return {
    name: nodeName(1),
    port: portOf(1),
    clusterip: nodeName(1),
    makeMasterOnError: true,
    expect: { role: "master" },
  };
}

/** The index-th node (its conventional port), joining through the node named `via`. */
export function joinerNode(index: number, via: string): NodeSpec {
  return { name: nodeName(index), port: portOf(index), clusterip: via, expect: { role: "member" } };
}

/** node1 master, node2..nodeN all joining it directly. */
export function starNodes(count: number): NodeSpec[] {
  return [masterNode(), ...Array.from({ length: count - 1 }, (_, i) => joinerNode(i + 2, nodeName(1)))];
}

/** node1 master, node k joining through node k-1: the longest chain. */
export function lineNodes(count: number): NodeSpec[] {
  return [masterNode(), ...Array.from({ length: count - 1 }, (_, i) => joinerNode(i + 2, nodeName(i + 1)))];
}
