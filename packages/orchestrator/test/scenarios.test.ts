// The scenario registry: every scenario builds, validates, and starts in a sensible order.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildScenario, scenarioNames, SCENARIOS } from "../src/scenarios/registry.js";
import { startConditions, validateScenario, type ScenarioSpec } from "../src/scenarios/types.js";

describe("scenario registry", () => {
  it("holds the issue's scenarios, each valid data that survives JSON", () => {
    assert.deepEqual(scenarioNames(), [
      "chain-join",
      "star-join",
      "line-join",
      "no-master",
      "late-master",
      "split-brain",
      "master-crash",
      "node-crash",
      "graceful-leave",
      "pause-resume",
      "partition-heal",
      "restart-rejoin",
      "chaos",
      "rogue-peer",
      "partition-halves",
      "split-and-merge",
      "one-way",
      "lossy",
    ]);
    for (const name of scenarioNames()) {
      const spec = buildScenario(name);
      assert.equal(spec.name, name);
      assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
      assert.ok(SCENARIOS[name]!.summary.length > 10);
    }
  });

  it("rogue-peer: every member shares one key and label; the rogue has neither key nor any way to it", () => {
    const spec = buildScenario("rogue-peer");
    const members = spec.nodes.filter((n) => n.program === undefined);
    const rogue = spec.nodes.find((n) => n.program === "rogue")!;
    const keyOf = (flags: string[] = []) => flags[flags.indexOf("--clusterKey") + 1];
    const key = keyOf(members[0]!.flags);
    assert.equal(members.length, 5);
    for (const m of members) assert.equal(keyOf(m.flags), key);
    assert.ok(!rogue.flags!.includes("--clusterKey") && !rogue.flags!.includes("--clusterKeyFile"));
    // Its recordings are frames signed with the key, never the key itself (nor its bytes in hex).
    const hex = Buffer.from(key!, "base64").toString("hex");
    for (const flag of rogue.flags!) assert.ok(!flag.includes(key!) && !flag.includes(hex), flag);
    assert.deepEqual(rogue.expect, { rogue: true });
    assert.deepEqual(rogue.startAfter?.map((c) => c.node).sort(), members.map((m) => m.name).sort());
    assert.ok(spec.requires?.includes("rogue") && spec.checks?.includes("rogue-refused"));
  });

  it("chain-join is the seed's topology: 8002→8001, 8004→8001, 8003→8002, named as compose.yaml names it", () => {
    const spec = buildScenario("chain-join");
    const edges = spec.nodes.map((n) => `${n.port}→${spec.nodes.find((t) => t.name === n.clusterip)!.port}`);
    assert.deepEqual(edges.sort(), ["8001→8001", "8002→8001", "8003→8002", "8004→8001"]);
    const node4 = spec.nodes.find((n) => n.name === "node4")!;
    assert.equal(node4.port, 8003);
    assert.equal(spec.nodes.find((n) => n.name === "node3")!.port, 8004);
    assert.deepEqual(startConditions(node4, spec), [{ node: "node2", state: "ready" }]);
  });

  it("scales star-join and line-join with --nodes, and rejects it elsewhere", () => {
    const star = buildScenario("star-join", { nodes: 16 });
    assert.equal(star.nodes.length, 16);
    assert.ok(star.nodes.slice(1).every((n) => n.clusterip === "node1"));
    const line = buildScenario("line-join", { nodes: 5 });
    assert.deepEqual(
      line.nodes.map((n) => n.clusterip),
      ["node1", "node1", "node2", "node3", "node4"],
    );
    assert.throws(() => buildScenario("chain-join", { nodes: 5 }), /fixed topology/);
    assert.throws(() => buildScenario("star-join", { nodes: 0 }), /outside 1\.\.500/);
    assert.throws(() => buildScenario("nope"), /unknown scenario "nope"; known: chain-join, /);
  });

  it("late-master starts the master only after both early joiners exited", () => {
    const spec = buildScenario("late-master");
    const node1 = spec.nodes.find((n) => n.name === "node1")!;
    assert.deepEqual(
      startConditions(node1, spec).map((c) => `${c.node} ${c.state}`),
      ["node2 exited", "node3 exited"],
    );
    assert.deepEqual(
      spec.nodes.filter((n) => "quits" in n.expect).map((n) => n.name),
      ["node2", "node3"],
    );
  });

  it("rejects inconsistent specs with a message naming the field", () => {
    const base = (): ScenarioSpec => JSON.parse(JSON.stringify(buildScenario("chain-join"))) as ScenarioSpec;
    const twice = base();
    twice.nodes[1]!.port = 8001;
    assert.throws(() => validateScenario(twice), /port 8001 is used twice/);
    const ghost = base();
    ghost.nodes[1]!.clusterip = "node9";
    assert.throws(() => validateScenario(ghost), /node2\.clusterip names "node9", which is no node here/);
    const cycle = base();
    cycle.nodes[0]!.startAfter = [{ node: "node4", state: "ready" }];
    assert.throws(() => validateScenario(cycle), /start-up cycle node1 → node4 → node2 → node1/);
  });
});
