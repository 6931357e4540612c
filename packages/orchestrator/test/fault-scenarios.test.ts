// The fault scenarios as data: their schedules, the seeded chaos, and the runtime capabilities they
// need (the process runtime says "needs Docker" for network cuts and restarts instead of pretending).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createLogger } from "../src/progress/logger.js";
import { runScenario } from "../src/run/run-scenario.js";
import { ProcessRuntime } from "../src/runtime/process-runtime.js";
import { chaosSchedule } from "../src/scenarios/chaos.js";
import { buildScenario } from "../src/scenarios/registry.js";
import {
  isNodeFaultStep,
  requiredCapabilities,
  type NodeFaultStep,
  type ScenarioStep,
} from "../src/scenarios/types.js";

const nodeSteps = (steps: ScenarioStep[] | undefined): NodeFaultStep[] =>
  (steps ?? []).filter(isNodeFaultStep);
const faults = (steps: ScenarioStep[] | undefined) =>
  nodeSteps(steps).map((s) => `${s.fault} ${s.nodes.join(",")}`);

describe("fault scenarios", () => {
  it("schedule the issue's faults on small clusters", () => {
    assert.deepEqual(faults(buildScenario("master-crash").steps), ["kill node1"]);
    assert.deepEqual(faults(buildScenario("node-crash").steps), ["kill node5"]);
    assert.deepEqual(faults(buildScenario("graceful-leave").steps), ["stop node2"]);
    assert.deepEqual(faults(buildScenario("pause-resume").steps), ["pause node5", "unpause node5"]);
    assert.deepEqual(faults(buildScenario("restart-rejoin").steps), ["restart node2"]);
    assert.deepEqual(faults(buildScenario("partition-heal").steps), [
      "disconnect node1,node2",
      "connect node1,node2",
    ]);
    assert.deepEqual(faults(buildScenario("partition-heal", { majority: true }).steps), [
      "disconnect node1,node2,node3",
      "connect node1,node2,node3",
    ]);
    assert.equal(buildScenario("node-crash", { nodes: 16 }).nodes.length, 16);
    assert.deepEqual(requiredCapabilities(buildScenario("partition-heal")), ["network-cut"]);
  });

  it("allow a large run its slower detection: the convergence bound and the watch grow with the size", () => {
    const small = buildScenario("node-crash", { nodes: 16 });
    assert.equal(small.convergeWithinMs, 5000);
    const at64 = buildScenario("node-crash", { nodes: 64 });
    const at128 = buildScenario("node-crash", { nodes: 128 });
    // 4 probe periods of 1 s, then the longest suspicion: 4 × 400 ms × log10 n.
    assert.equal(at64.convergeWithinMs, 6890);
    assert.equal(at128.convergeWithinMs, 7372);
    assert.ok((at64.settleMs ?? 0) >= at64.convergeWithinMs!);
    // A scenario's own looser bound stays.
    assert.equal(buildScenario("partition-heal", { nodes: 64, majority: true }).convergeWithinMs, 8000);
  });

  it("lossy: every node leaves a joiner unprobed until it speaks, for as long as its join may take", () => {
    const spec = buildScenario("lossy", { nodes: 8 });
    const flag = (flags: readonly string[] | undefined, name: string) => {
      const at = flags?.indexOf(name) ?? -1;
      return at < 0 ? undefined : Number(flags![at + 1]);
    };
    for (const n of spec.nodes) {
      const grace = flag(n.flags, "--newcomerGrace");
      assert.ok(grace !== undefined && grace >= 12_000, `${n.name}: --newcomerGrace ${grace}`);
    }
    const joiners = spec.nodes.filter((n) => n.deferred);
    assert.equal(joiners.length, 2);
    for (const n of joiners) assert.equal(flag(n.flags, "--joinDeadline"), 12_000, n.name);
  });

  it("chaos: same seed, same schedule; bounded; every fault healed; a majority always up; network faults drawn too", () => {
    const a = chaosSchedule(5, 7, 30_000);
    assert.deepEqual(a, chaosSchedule(5, 7, 30_000));
    assert.notDeepEqual(a, chaosSchedule(5, 8, 30_000));
    const open = new Map<string, string[]>(); // what is faulted → the nodes it takes away
    let t = 0;
    let maxDown = 0;
    const kinds = new Set<string>();
    for (const step of a) {
      t += step.afterMs;
      kinds.add(step.fault);
      if (step.fault === "heal") open.delete(step.label!);
      else if (step.fault === "partition") open.set(step.label!, step.groups[0]!);
      else if (step.fault === "one-way") open.set(step.label!, step.to);
      else if (step.fault === "loss") open.set(step.label!, step.nodes!);
      else if (isNodeFaultStep(step))
        for (const node of step.nodes) {
          if (step.fault === "pause" || step.fault === "disconnect") open.set(node, [node]);
          if (step.fault === "unpause" || step.fault === "connect") open.delete(node);
          if (step.fault === "restart") assert.notEqual(node, "node1", "node1 dials itself: never restarted");
        }
      maxDown = Math.max(maxDown, new Set([...open.values()].flat()).size);
    }
    assert.equal(open.size, 0, `left unhealed: ${[...open.keys()].join(", ")}`);
    assert.ok(maxDown <= 2, `at most a minority down at once (${maxDown})`);
    assert.ok(t <= 30_000 + 1000, `faults end within the duration (${t} ms)`);
    assert.ok(a.length >= 8, `a fault every few seconds (${a.length} steps)`);
    const drawn = new Set(
      Array.from({ length: 20 }, (_, seed) => chaosSchedule(5, seed, 30_000))
        .flat()
        .map((s) => s.fault),
    );
    for (const kind of ["pause", "disconnect", "restart", "partition", "one-way", "loss", "heal"])
      assert.ok(drawn.has(kind as never), `chaos draws ${kind}`);
    for (let seed = 0; seed < 50; seed++) buildScenario("chaos", { seed, durationMs: 60_000 }); // every schedule is valid
    assert.throws(() => buildScenario("chaos", { durationMs: 10 ** 7 }), /outside 1000\.\.300000/);
  });

  it("a network cut on the process runtime reports unknown (exit 2, needs Docker) without starting anything", async () => {
    const runsDir = mkdtempSync(join(tmpdir(), "joinlab-faults-"));
    try {
      const runtime = new ProcessRuntime({ logger: createLogger("error"), stateDir: runsDir });
      assert.ok(runtime.capabilities.has("pause"), "SIGSTOP/SIGCONT pause is real on processes");
      const result = await runScenario(buildScenario("partition-heal"), {
        runtime,
        logger: createLogger("error"),
        runsDir,
      });
      assert.equal(result.verdict, "unknown");
      assert.equal(result.exitCode, 2);
      assert.match(
        result.error ?? "",
        /needs network-cut, which the process runtime cannot do; run it with --runtime docker/,
      );
      assert.ok(result.nodes.every((n) => n.startedMs === undefined));
    } finally {
      rmSync(runsDir, { recursive: true, force: true });
    }
  });

  it("network faults on the process runtime are missing capabilities: exit 2, saying which, nothing started", async () => {
    const runsDir = mkdtempSync(join(tmpdir(), "joinlab-faults-"));
    try {
      const runtime = new ProcessRuntime({ logger: createLogger("error"), stateDir: runsDir });
      for (const [name, needs] of [
        ["partition-halves", "partition"],
        ["one-way", "one-way"],
        ["lossy", "loss"],
      ] as const) {
        const result = await runScenario(buildScenario(name), {
          runtime,
          logger: createLogger("error"),
          runsDir,
        });
        assert.equal(result.exitCode, 2, name);
        assert.match(result.error ?? "", new RegExp(`needs ${needs}, which the process runtime cannot do`));
        assert.ok(result.nodes.every((n) => n.startedMs === undefined));
      }
    } finally {
      rmSync(runsDir, { recursive: true, force: true });
    }
  });
});
