// The membership analyses on runs recorded from real nodes (fixtures/<scenario>/): the replay's
// processes and views, agreement, convergence after each fault, elections against the quorum
// rule, detection times and join convergence, each checked against the recorded lines read
// directly, and against the same run with one line changed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { NodeLogLine } from "@joinlab/protocol";
import { replayMembership } from "../src/checks/membership-view.js";
import { runChecks } from "../src/checks/registry.js";
import { activeTimeline } from "../src/checks/membership/replay.js";
import type { CheckContext, EventEntry } from "../src/checks/types.js";
import type { TimelineEntry } from "../src/logs/timeline.js";
import { FIXTURES, RECORDED_FAULT_RUNS, recordedRun } from "./helpers.js";

const lines = (ctx: CheckContext): EventEntry[] =>
  activeTimeline(ctx.timeline).filter((e): e is EventEntry => e.kind === "event");

/** The time of the orchestrator's `fault.<kind>` event for `node`. */
function faultAt(ctx: CheckContext, kind: string, node: string): number {
  const f = ctx.timeline.find(
    (e) => e.kind === "orchestrator" && e.event.event === `fault.${kind}` && e.event.node === node,
  );
  assert.ok(f, `fault.${kind} ${node} in the recording`);
  return f.t;
}

/** The id a node's (first) process logged. */
const idOf = (ctx: CheckContext, node: string): number =>
  lines(ctx).find((e) => e.node === node)!.line.nodeId;

/** Milliseconds from `t0` to the latest of `times`, as the analyses round them (0.1 ms). */
const msAfter = (t0: number, times: number[]) => Math.round((Math.max(...times) - t0) / 100) / 10;

/** The recording with `line` added at time `t` (microseconds) to `node`'s output. */
function withLine(ctx: CheckContext, node: string, t: number, line: Partial<NodeLogLine>): CheckContext {
  const nodeId = idOf(ctx, node);
  const full = {
    time: "",
    level: "info",
    seq: 1000,
    nodeId,
    message: String(line.event),
    ...line,
  } as NodeLogLine;
  const entry: TimelineEntry = { kind: "event", node, t, time: "", index: 10_000, line: full, text: "" };
  const timeline = [...ctx.timeline];
  timeline.splice(
    timeline.findIndex((e) => e.t > t),
    0,
    entry,
  );
  return { ...ctx, timeline };
}

describe("the membership replay (recorded runs)", () => {
  it("keeps a restarted node's processes apart: the old one ends at the restart, the new one replaces it", () => {
    const ctx = recordedRun("restart-rejoin");
    const r = replayMembership(ctx);
    const [old, fresh] = r.procs.filter((p) => p.node === "node2");
    assert.ok(old && fresh, "two processes of node2");
    assert.equal(old.endT, faultAt(ctx, "restart", "node2"));
    assert.notEqual(fresh.id, old.id);
    assert.equal(fresh.endT, undefined);
    for (const p of r.live.filter((p) => p.node !== "node2")) {
      assert.equal(p.view.get(fresh.id), "alive", `${p.node} sees the new process`);
      assert.ok(["left", "failed"].includes(p.view.get(old.id)!), `${p.node} holds the old one gone`);
    }
  });

  it("ends with each process's view as its last membership line about each member says", () => {
    const states: Record<string, string> = {
      joined: "alive",
      suspect: "suspect",
      alive: "alive",
      failed: "failed",
      left: "left",
    };
    for (const name of RECORDED_FAULT_RUNS) {
      const ctx = recordedRun(name);
      const r = replayMembership(ctx);
      for (const p of r.procs) {
        const expected = new Map<number, string>();
        for (const e of lines(ctx)) {
          if (e.node !== p.node || !p.ids.has(e.line.nodeId) || !e.line.event.startsWith("member.")) continue;
          const about = e.line.peerId!;
          if (!p.ids.has(about) && !("self" in e.line && e.line.self))
            expected.set(about, states[e.line.event.slice(7)]!);
        }
        assert.deepEqual(new Map(p.view), expected, `${name}: ${p.node}#${p.gen}'s view`);
      }
    }
  });
});

describe("the checks on recorded runs", () => {
  it("pass every recorded run that passed when it ran, as results.json says", () => {
    for (const name of RECORDED_FAULT_RUNS) {
      const saved = JSON.parse(readFileSync(join(FIXTURES, name, "results.json"), "utf8")) as {
        verdict: boolean;
        checks: { name: string; valid: boolean }[];
      };
      const { verdict, results } = runChecks(recordedRun(name));
      assert.deepEqual(
        results.map((c) => [c.name, c.valid]),
        saved.checks.map((c) => [c.name, c.valid]),
        `${name}: ${JSON.stringify(results.filter((c) => c.valid !== true))}`,
      );
      assert.equal(verdict, saved.verdict);
    }
  });
});

describe("agreement (recorded runs)", () => {
  it("finds every recorded valid run converged at its end", () => {
    for (const name of RECORDED_FAULT_RUNS) {
      const r = replayMembership(recordedRun(name));
      assert.deepEqual(r.disagreements, [], name);
      assert.equal(r.convergedAtEnd, true);
    }
  });

  it("names who disagrees, on what, when one alive-again line is missing", () => {
    const ctx = recordedRun("pause-resume");
    const paused = idOf(ctx, "node5");
    const last = lines(ctx).findLast(
      (e) => e.node === "node2" && e.line.event === "member.alive" && e.line.peerId === paused,
    )!;
    const r = replayMembership({ ...ctx, timeline: ctx.timeline.filter((e) => e !== last) });
    assert.equal(r.convergedAtEnd, false);
    assert.deepEqual(r.disagreements, [
      `node2: expected node5 (id ${paused}) alive in its view; it is failed`,
    ]);
  });
});

describe("convergence after each fault (recorded runs)", () => {
  it("master-crash: one view again once the last survivor has declared the master failed and follows the new one", () => {
    const ctx = recordedRun("master-crash");
    const killed = idOf(ctx, "node1");
    const t0 = faultAt(ctx, "kill", "node1");
    const after = lines(ctx).filter((e) => e.t >= t0 && e.node !== "node1");
    const failed = after
      .filter((e) => e.line.event === "member.failed" && e.line.peerId === killed)
      .map((e) => e.t);
    const elected = after.filter((e) => e.line.event === "master.elected").map((e) => e.t);
    const [kill] = replayMembership(ctx).timings;
    assert.equal(kill?.convergedMs, msAfter(t0, [...failed, ...elected]));
  });

  it("partition-heal: the faults of one step make one mark, and the heal's convergence is the last one", () => {
    const r = replayMembership(recordedRun("partition-heal"));
    assert.equal(r.lastMark?.label, "fault.connect node1, node2");
    const heals = r.timings.filter((t) => t.fault === "connect");
    assert.equal(heals.length, 2);
    assert.ok(heals.every((t) => t.convergedMs === r.lastMark?.convergedMs && t.convergedMs !== undefined));
    for (const name of RECORDED_FAULT_RUNS) {
      assert.ok(
        (replayMembership(recordedRun(name)).upConvergedMs ?? -1) >= 0,
        `${name}: converged after the bring-up`,
      );
    }
  });
});

describe("elections against the quorum rule (recorded runs)", () => {
  it("finds none where the new master could reach everyone (master-crash)", () => {
    const r = replayMembership(recordedRun("master-crash"));
    assert.deepEqual([r.loneElections, r.transientLoneElections], [[], []]);
  });

  it("fails a promotion on the side left with a minority that stands at the heal; reports one undone in time", () => {
    const ctx = recordedRun("partition-heal-majority");
    const cut = faultAt(ctx, "disconnect", "node3");
    const heal = faultAt(ctx, "connect", "node1");
    const promoted = withLine(ctx, "node4", cut + 1_000_000, {
      event: "master.elected",
      peerId: idOf(ctx, "node4"),
      peer: "node4:8004",
      epoch: 9,
      self: true,
      change: "promoted",
    });
    const lone = replayMembership(promoted);
    assert.deepEqual(lone.loneElections, [
      "node4: promoted itself to master (epoch 9) while it could reach only 2 of 5 nodes, against the quorum rule, and was still master at the heal",
    ]);
    const resigned = withLine(promoted, "node4", heal - 500_000, {
      event: "master.resigned",
      epoch: 9,
      reason: "no-quorum",
    });
    const undone = replayMembership(resigned);
    assert.deepEqual(undone.loneElections, []);
    assert.match(
      undone.transientLoneElections[0] ?? "",
      /^node4: promoted itself .*; it resigned \d+(\.\d)? ms later, before any heal$/,
    );
  });
});

describe("detection (recorded runs)", () => {
  it("master-crash: the last survivor's first word about the master, and its member.failed", () => {
    const ctx = recordedRun("master-crash");
    const killed = idOf(ctx, "node1");
    const t0 = faultAt(ctx, "kill", "node1");
    const first = (node: string, events: string[]) =>
      lines(ctx).find(
        (e) => e.node === node && e.t >= t0 && events.includes(e.line.event) && e.line.peerId === killed,
      )!.t;
    const survivors = ["node2", "node3", "node4", "node5"];
    const [kill] = replayMembership(ctx).timings;
    assert.equal(kill?.survivors, 4);
    assert.equal(
      kill?.detectedMs,
      msAfter(
        t0,
        survivors.map((n) => first(n, ["member.suspect", "member.failed", "member.left"])),
      ),
    );
    assert.equal(
      kill?.declaredMs,
      msAfter(
        t0,
        survivors.map((n) => first(n, ["member.failed"])),
      ),
    );
    assert.equal(kill?.missed, undefined);
  });

  it("partition-heal --majority: only the nodes left on the network are witnesses; a stop is declared by member.left", () => {
    const timings = replayMembership(recordedRun("partition-heal-majority")).timings;
    const cuts = timings.filter((t) => t.fault === "disconnect");
    assert.deepEqual(
      cuts.map((t) => t.survivors),
      [2, 2, 2],
      "node4 and node5 witness each cut",
    );
    const ctx = recordedRun("graceful-leave");
    const t0 = faultAt(ctx, "stop", "node2");
    const stopped = idOf(ctx, "node2");
    const left = lines(ctx).filter(
      (e) => e.t >= t0 && e.line.event === "member.left" && e.line.peerId === stopped,
    );
    const [stop] = replayMembership(ctx).timings;
    assert.equal(
      stop?.declaredMs,
      msAfter(
        t0,
        left.filter((e) => e.node !== "node2").map((e) => e.t),
      ),
    );
  });
});

describe("join convergence (recorded runs)", () => {
  it("per joiner: its admission → every node up then has it in its view", () => {
    const ctx = recordedRun("master-crash");
    const r = replayMembership(ctx);
    for (const { node, ms } of r.joinConvergence) {
      const id = idOf(ctx, node);
      const joinedLines = lines(ctx).filter((e) => e.line.event === "member.joined" && e.line.peerId === id);
      const admission = joinedLines.find((e) => e.line.event === "member.joined" && e.line.via === "join")!;
      const observers = r.procs.filter((p) => p.node !== node && p.readyT! <= admission.t).map((p) => p.node);
      // Measured by the nodes' own clocks (each line's time), not Docker's stamps.
      const ownClock = (e: (typeof joinedLines)[number]) => Date.parse(e.line.time) * 1000;
      const learned = observers.map((o) => ownClock(joinedLines.find((e) => e.node === o)!));
      assert.equal(ms, msAfter(ownClock(admission), learned), node);
    }
    assert.equal(r.joinConvergence.length, 4, "every joiner measured");
  });
});
