// The cluster a playground starts with: the seed's chain join, cut short or extended by nodes
// joining the master; a valid scenario either way, judged by the checks that hold whatever a
// person did, and asking for stable addresses only where a node can be cut off.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { playgroundScenario } from "../src/playground/playground-scenario.js";
import { chainJoin } from "../src/scenarios/chain-join.js";
import { validateScenario, type Capability } from "../src/scenarios/types.js";

const PROCESSES = new Set<Capability>(["kill", "stop", "pause", "restart"]);
const WITH_CUTS = new Set<Capability>([...PROCESSES, "network-cut"]);

const shape = (count: number) =>
  playgroundScenario(count, PROCESSES).nodes.map((n) => `${n.name}:${n.port}<-${String(n.clusterip)}`);

describe("playground scenario", () => {
  it("starts as the seed's chain join: node4 joins through node2", () => {
    const spec = validateScenario(playgroundScenario(4, PROCESSES));
    assert.deepEqual(spec.nodes, chainJoin.build({}).nodes);
    assert.equal(spec.name, "playground");
    assert.deepEqual(spec.checks, ["handshakes", "causal-order", "converged", "one-master", "no-ghosts"]);
  });

  it("cuts the chain short below four nodes and adds nodes joining node1 past it", () => {
    assert.deepEqual(shape(1), ["node1:8001<-node1"]);
    assert.deepEqual(shape(2), ["node1:8001<-node1", "node2:8002<-node1"]);
    assert.deepEqual(shape(6).slice(4), ["node5:8005<-node1", "node6:8006<-node1"]);
    validateScenario(playgroundScenario(32, PROCESSES));
  });

  it("asks for stable addresses only on a runtime that can cut a node off", () => {
    assert.equal(playgroundScenario(4, PROCESSES).requires, undefined);
    assert.deepEqual(playgroundScenario(4, WITH_CUTS).requires, ["network-cut"]);
  });
});
