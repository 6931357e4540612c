// The engine at scale on the simulated network (fake clock, 1-3 ms links): 16, 128 and 1,000 nodes
// with 5 % datagram loss, a few stalled and slow nodes. Reports join and crash times, false deaths
// and datagrams sent per node per second. 16 and 128 nodes always run; 1,000 (minutes of CPU) only
// with JOINLAB_SIM_SCALE=1.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Sim, buildCluster, seededRandom } from "./membership-sim.js";

const BOUND = 30_000;
const FULL = process.env.JOINLAB_SIM_SCALE === "1";

interface Figures {
  joinMs: number;
  crashMs: number;
  falseDeaths: number;
  perNodePerSecond: number;
  /** Datagrams per node per second by type, over the same window. */
  byType: string;
}

/** One stalled node per 100 (paused 500 ms, one after another) and one slow node per 100 (+100 ms). */
function troubleMakers(sim: Sim, ids: number[], random: () => number): { stalled: number[] } {
  const count = Math.max(1, Math.ceil(ids.length / 100));
  const pick = (): number => ids[1 + Math.floor(random() * (ids.length - 1))] as number;
  for (let i = 0; i < count; i++) sim.slowDown(pick(), 100);
  return { stalled: Array.from({ length: count }, pick) };
}

/** Runs `ms` with every stalled node paused for 500 ms in turn. */
function runWithStalls(sim: Sim, stalled: number[], ms: number): void {
  const slot = Math.floor(ms / stalled.length);
  for (const id of stalled) {
    sim.pause(id);
    sim.run(500);
    sim.resume(id);
    sim.run(Math.max(0, slot - 500));
  }
}

function scaleRun(n: number): Figures {
  const sim = new Sim(n);
  sim.deadlineTicks = true;
  const ids = buildCluster(sim, n);
  sim.run(3000);
  sim.dropRate = 0.05;
  const { stalled } = troubleMakers(sim, ids, seededRandom(n + 1));
  const [sentBefore, steadyFrom, typesBefore] = [sim.sent, sim.now, new Map(sim.sentByType)];
  runWithStalls(sim, stalled, 5000);
  const rate = (count: number): number => count / n / ((sim.now - steadyFrom) / 1000);
  const perNodePerSecond = rate(sim.sent - sentBefore);
  const byType = [...sim.sentByType]
    .map(([type, count]) => `${type} ${rate(count - (typesBefore.get(type) ?? 0)).toFixed(1)}`)
    .join(", ");
  const joiner = 99_000_001;
  sim.addNode(joiner, "member");
  sim.join(joiner, ids[Math.floor(ids.length / 2)] as number);
  const joinMs = sim.runUntil(() => sim.allSee(joiner, "alive"), BOUND);
  const victim = ids.find((id, i) => i > 0 && !stalled.includes(id)) as number;
  sim.crash(victim);
  const crashMs = sim.runUntil(() => sim.allSee(victim, "failed"), BOUND);
  sim.run(2000);
  const falseDeaths = sim.eventsOf("member.failed").filter((e) => e.ev.peerId !== victim).length;
  assert.ok(joinMs !== undefined && crashMs !== undefined, `${n}: join ${joinMs}, crash ${crashMs}`);
  return { joinMs, crashMs, falseDeaths, perNodePerSecond, byType };
}

describe("membership at scale (simulated, 5 % loss, stalled and slow nodes)", () => {
  const figures = new Map<number, Figures>();
  for (const n of [16, 128, 1000]) {
    const skip = n > 128 && !FULL ? "1,000 nodes only with JOINLAB_SIM_SCALE=1" : false;
    it(`${n} nodes: a join is known and a crash failed everywhere, no false death`, { skip }, (t) => {
      const f = scaleRun(n);
      figures.set(n, f);
      t.diagnostic(
        `${n} nodes: join known by all ${f.joinMs} ms, crash failed by all ${f.crashMs} ms, ` +
          `false deaths ${f.falseDeaths}, ${f.perNodePerSecond.toFixed(1)} datagrams sent per node per second ` +
          `(${f.byType})`,
      );
      assert.equal(f.falseDeaths, 0);
      assert.ok(f.joinMs < 2000, `join ${f.joinMs} ms`);
      assert.ok(f.crashMs < 5000, `crash ${f.crashMs} ms`);
      const small = figures.get(16);
      if (small && n > 16)
        assert.ok(f.perNodePerSecond < 2 * small.perNodePerSecond, "cost per node stays flat");
    });
  }
});
