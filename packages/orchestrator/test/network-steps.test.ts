// Network-fault steps in a scenario spec: a bad one is rejected before anything starts, with the
// path of the bad value and what is allowed; a good one resolves to the fault the run applies.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveNetworkFault } from "../src/scenarios/network-steps.js";
import { starNodes } from "../src/scenarios/topology.js";
import {
  requiredCapabilities,
  validateScenario,
  type ScenarioSpec,
  type ScenarioStep,
} from "../src/scenarios/types.js";

const spec = (steps: unknown[]): ScenarioSpec => ({
  name: "net",
  description: "five nodes and a schedule",
  nodes: starNodes(5),
  steps: steps as ScenarioStep[],
});
const rejects = (steps: unknown[], message: RegExp) =>
  assert.throws(() => validateScenario(spec(steps)), message);

describe("network-fault steps", () => {
  it("a partition names its groups; the nodes it leaves out form one more group", () => {
    const fault = resolveNetworkFault(
      { afterMs: 0, fault: "partition", groups: [["node1", "node2"]] },
      3,
      starNodes(5).map((n) => n.name),
    );
    assert.deepEqual(fault, {
      kind: "partition",
      label: "partition-3",
      groups: [
        ["node1", "node2"],
        ["node3", "node4", "node5"],
      ],
    });
  });

  it("loss and latency default to every node; a label names the fault for its heal", () => {
    const names = starNodes(3).map((n) => n.name);
    assert.deepEqual(
      resolveNetworkFault({ afterMs: 0, fault: "loss", rate: 0.2, label: "lossy" }, 0, names),
      {
        kind: "loss",
        label: "lossy",
        nodes: names,
        rate: 0.2,
      },
    );
  });

  it("accepts a schedule of faults and heals, and asks the runtime for each kind", () => {
    const ok = spec([
      {
        afterMs: 1000,
        fault: "partition",
        groups: [
          ["node1", "node2"],
          ["node3", "node4", "node5"],
        ],
        label: "split",
      },
      { afterMs: 100, fault: "loss", rate: 0.2, nodes: ["node3"] },
      { afterMs: 3000, fault: "heal", label: "split" },
      { afterMs: 0, fault: "one-way", from: ["node2", "node3"], to: ["node1"] },
      { afterMs: 1000, fault: "heal" },
      { afterMs: 0, fault: "restart", nodes: ["node3"] },
    ]);
    assert.equal(validateScenario(ok), ok);
    assert.deepEqual(requiredCapabilities(ok).sort(), ["loss", "one-way", "partition", "restart"]);
  });

  it("rejects a fault naming an unknown node, with the path of the name", () => {
    rejects(
      [{ afterMs: 0, fault: "partition", groups: [["node1"], ["node2", "node9"]] }],
      /^Error: scenario net: steps\[0\]\.groups\[1\]\[1\] is "node9", which is no node of this scenario \(nodes: node1, node2, node3, node4, node5\)$/,
    );
    rejects(
      [{ afterMs: 0, fault: "one-way", from: ["node1"], to: ["nodeX"] }],
      /steps\[0\]\.to\[0\] is "nodeX", which is no node/,
    );
    rejects(
      [{ afterMs: 0, fault: "loss", rate: 0.1, nodes: ["node1", 7] }],
      /steps\[0\]\.nodes\[1\] is 7, which is no node/,
    );
    rejects(
      [{ afterMs: 0, fault: "kill", nodes: ["node6"] }],
      /steps\[0\]\.nodes\[0\] is "node6", which is no node/,
    );
  });

  it("rejects overlapping groups and a group covering nobody", () => {
    rejects(
      [
        {
          afterMs: 0,
          fault: "partition",
          groups: [
            ["node1", "node2"],
            ["node3", "node2"],
          ],
        },
      ],
      /steps\[0\]\.groups\[1\]\[1\] is node2, which is already in steps\[0\]\.groups\[0\]; groups must not overlap/,
    );
    rejects(
      [{ afterMs: 0, fault: "partition", groups: [["node1"], []] }],
      /steps\[0\]\.groups\[1\] covers nobody; every group names at least one node/,
    );
    rejects(
      [{ afterMs: 0, fault: "partition", groups: [["node1", "node2", "node3", "node4", "node5"]] }],
      /steps\[0\]\.groups splits nobody/,
    );
  });

  it("rejects a loss outside 0..1 and a delay that is no whole number of milliseconds", () => {
    rejects(
      [{ afterMs: 0, fault: "loss", rate: 1.5 }],
      /steps\[0\]\.rate is 1\.5; a loss is a fraction of packets from 0 to 1 \(0\.2: one in five dropped\)/,
    );
    rejects([{ afterMs: 0, fault: "loss", rate: -0.1 }], /steps\[0\]\.rate is -0\.1/);
    rejects([{ afterMs: 0, fault: "loss" }], /steps\[0\]\.rate is undefined/);
    rejects(
      [{ afterMs: 0, fault: "latency", delayMs: 2.5 }],
      /steps\[0\]\.delayMs is 2\.5; allowed: a whole number of milliseconds, 1\.\.60000/,
    );
  });

  it("rejects a heal of nothing in force, a label reused while in force, and a one-way onto itself", () => {
    rejects([{ afterMs: 0, fault: "heal" }], /steps\[0\] heals, but no network fault is in force then/);
    rejects(
      [
        { afterMs: 0, fault: "loss", rate: 0.1, label: "a" },
        { afterMs: 0, fault: "heal", label: "b" },
      ],
      /steps\[1\]\.label is "b", which is no network fault in force then \(in force: a\)/,
    );
    rejects(
      [
        { afterMs: 0, fault: "loss", rate: 0.1, label: "a" },
        { afterMs: 0, fault: "loss", rate: 0.2, label: "a" },
      ],
      /steps\[1\]\.label is a, which steps\[0\] uses and no heal has ended yet/,
    );
    rejects(
      [{ afterMs: 0, fault: "one-way", from: ["node1", "node2"], to: ["node2"] }],
      /steps\[0\]\.to\[0\] is node2, which is also in steps\[0\]\.from/,
    );
  });

  it("rejects a restart while a network fault holds rules in that node's namespace", () => {
    rejects(
      [
        { afterMs: 0, fault: "partition", groups: [["node1", "node2"]], label: "split" },
        { afterMs: 1000, fault: "restart", nodes: ["node4"] },
      ],
      /steps\[1\]\.nodes\[0\] restarts node4 while network fault split \(steps\[0\]\) names it; a restart makes a new network namespace/,
    );
  });

  it("rejects an unknown fault kind, listing the allowed ones", () => {
    rejects(
      [{ afterMs: 0, fault: "jam", nodes: ["node1"] }],
      /steps\[0\]\.fault is "jam"; allowed: kill, stop, restart, pause, unpause, disconnect, connect, partition, one-way, loss, latency, heal/,
    );
  });
});

describe("deferred nodes and start steps", () => {
  const withLate = (steps: unknown[], late = ["node5"]): ScenarioSpec => ({
    ...spec(steps),
    nodes: starNodes(5).map((n) => (late.includes(n.name) ? { ...n, deferred: true } : n)),
  });
  const rejectsLate = (steps: unknown[], message: RegExp, late?: string[]) =>
    assert.throws(() => validateScenario(withLate(steps, late)), message);

  it("a deferred node starts by a step, and may join under loss that names every node", () => {
    const ok = withLate([
      { afterMs: 0, fault: "loss", rate: 0.2, label: "lossy" },
      { afterMs: 1000, fault: "start", nodes: ["node5"] },
      { afterMs: 1000, fault: "heal" },
    ]);
    assert.equal(validateScenario(ok), ok);
    assert.deepEqual(requiredCapabilities(ok), ["loss"]);
  });

  it("rejects a deferred node no step starts, a start of a node the bring-up starts, and a second start", () => {
    rejectsLate([], /nodes\[4\]\.deferred is set, but no start step starts node5/);
    rejectsLate(
      [{ afterMs: 0, fault: "start", nodes: ["node4"] }],
      /steps\[0\]\.nodes\[0\] is node4, which starts in the bring-up/,
    );
    rejectsLate(
      [
        { afterMs: 0, fault: "start", nodes: ["node5"] },
        { afterMs: 0, fault: "start", nodes: ["node5"] },
      ],
      /steps\[1\]\.nodes\[0\] starts node5, which an earlier step started/,
    );
  });

  it("rejects a fault on a node before it started, and a start while a partition names it", () => {
    rejectsLate(
      [
        { afterMs: 0, fault: "kill", nodes: ["node5"] },
        { afterMs: 0, fault: "start", nodes: ["node5"] },
      ],
      /steps\[0\]\.nodes\[0\] is node5, which has not started yet/,
    );
    rejectsLate(
      [
        { afterMs: 0, fault: "partition", groups: [["node1"]], label: "p" },
        { afterMs: 0, fault: "start", nodes: ["node5"] },
      ],
      /steps\[0\] is node5, which has not started yet/,
    );
  });

  it("rejects a bring-up node waiting for a deferred one", () => {
    const bad = withLate([{ afterMs: 0, fault: "start", nodes: ["node1"] }], ["node1"]);
    assert.throws(() => validateScenario(bad), /node2 waits for node1, which is deferred/);
  });
});
