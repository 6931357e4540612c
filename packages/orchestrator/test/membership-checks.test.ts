// The membership checks on synthetic log streams: views rebuilt from member.* / master.* lines,
// faults from the orchestrator's fault.* events; failures say who, what was expected, what happened.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runChecks } from "../src/checks/registry.js";
import { membershipFigures } from "../src/checks/membership-view.js";
import type { ObservedNode } from "../src/checks/types.js";
import { mergeTimeline } from "../src/logs/merge.js";
import { formatTimestamp, type LogRecord } from "../src/logs/records.js";
import type { OrchestratorEvent } from "../src/logs/timeline.js";
import { starNodes } from "../src/scenarios/topology.js";
import type { ScenarioSpec } from "../src/scenarios/types.js";

const T0 = Date.parse("2026-11-24T16:00:00Z") * 1000; // microseconds

/** A small script of node lines and orchestrator events, in milliseconds from T0. */
class Script {
  readonly records = new Map<string, LogRecord[]>();
  readonly events: OrchestratorEvent[] = [];
  private readonly seq = new Map<string, number>();
  private readonly gen = new Map<string, number>();
  readonly ids = new Map<string, number>();

  line(ms: number, node: string, event: string, fields: Record<string, unknown> = {}): this {
    if (event === "node.started") {
      this.seq.set(node, 0);
      if (this.ids.has(node)) this.gen.set(node, (this.gen.get(node) ?? 0) + 1);
    }
    const seq = (this.seq.get(node) ?? 0) + 1;
    this.seq.set(node, seq);
    const nodeId = (fields.nodeId as number | undefined) ?? this.ids.get(node)!;
    if (event === "node.started") this.ids.set(node, nodeId);
    const t = T0 + ms * 1000;
    const line = { time: formatTimestamp(t), level: "info", seq, nodeId, event, message: event, ...fields };
    const list = this.records.get(node) ?? [];
    const record: LogRecord = {
      node,
      t,
      time: formatTimestamp(t),
      stream: "stdout",
      index: list.length,
      text: JSON.stringify(line),
      line: line as unknown as LogRecord["line"],
    };
    if (this.gen.get(node)) record.gen = this.gen.get(node)!;
    list.push(record);
    this.records.set(node, list);
    return this;
  }

  /** A member's view line about another node ("member.failed" of node2 as seen by node1...). */
  about(ms: number, observer: string, event: string, subject: string, extra: Record<string, unknown> = {}) {
    return this.line(ms, observer, event, { peerId: this.ids.get(subject), peer: `${subject}:80`, ...extra });
  }

  fault(ms: number, kind: string, node: string): this {
    const t = T0 + ms * 1000;
    this.events.push({
      t,
      time: formatTimestamp(t),
      event: `fault.${kind}`,
      message: `${kind} ${node}`,
      node,
    });
    return this;
  }

  /** n nodes up: node1 master (id 100), nodeK member (id K*100), everyone knows everyone by 100 ms. */
  static cluster(n: number): Script {
    const s = new Script();
    const names = Array.from({ length: n }, (_, i) => `node${i + 1}`);
    names.forEach((name, i) => s.line(i, name, "node.started", { nodeId: (i + 1) * 100 }));
    s.line(10, "node1", "master.started").line(11, "node1", "node.ready");
    for (const name of names.slice(1)) {
      s.line(20, name, "node.joined").line(21, name, "node.ready");
      s.about(22, name, "master.elected", "node1", { epoch: 1, change: "initial" });
    }
    for (const a of names)
      for (const b of names) if (a !== b) s.about(30, a, "member.joined", b, { via: "join" });
    return s;
  }

  check(spec: Partial<ScenarioSpec> = {}, observed: Record<string, Partial<ObservedNode>> = {}) {
    const nodes = starNodes(this.records.size);
    const scenario: ScenarioSpec = { name: "synthetic", description: "", nodes, checks: MEMBERSHIP, ...spec };
    const ctx = {
      scenario,
      nodes: nodes.map((spec): ObservedNode => ({
        name: spec.name,
        spec,
        address: `${spec.name}:${spec.port}`,
        clusterip: "node1:8001",
        started: true,
        ...observed[spec.name],
      })),
      timeline: mergeTimeline(this.records, this.events),
    };
    const { verdict, results } = runChecks(ctx);
    const by = (name: string) => results.find((r) => r.name === name)!;
    return { verdict, results, by, figures: membershipFigures(ctx) };
  }
}

const only = (name: string) => ({ checks: [name] });
/** The synthetic streams carry no join handshakes: the membership checks alone. */
const MEMBERSHIP = ["converged", "one-master", "no-ghosts", "fault-fates", "no-false-deaths"];

describe("membership checks", () => {
  it("pass on a master crash: every survivor marks it failed, one new master, times measured", () => {
    const s = Script.cluster(3)
      .fault(1000, "kill", "node1")
      .about(1300, "node2", "member.suspect", "node1")
      .about(1310, "node3", "member.suspect", "node1")
      .about(1800, "node2", "member.failed", "node1")
      .about(1820, "node3", "member.failed", "node1")
      .about(2000, "node2", "master.elected", "node2", { epoch: 2, change: "promoted", self: true })
      .about(2005, "node3", "master.elected", "node2", { epoch: 2, change: "changed" });
    const { verdict, by, figures } = s.check({}, { node1: { exit: { code: 137 }, faults: ["kill"] } });
    assert.equal(verdict, true, JSON.stringify(by("converged"), null, 2));
    assert.match(
      by("converged").summary,
      /2 live node\(s\) agree on 2 member\(s\) and one master, 1005 ms after/,
    );
    assert.match(by("one-master").summary, /one master: node2 \(id 200\)/);
    assert.deepEqual(
      figures.faults.map((f) => [f.fault, f.node, f.detectedMs, f.declaredMs, f.convergedMs]),
      [["kill", "node1", 310, 820, 1005]],
    );
  });

  it("fail when a survivor never marks the killed node failed, naming it", () => {
    const s = Script.cluster(3)
      .fault(1000, "kill", "node3")
      .about(1300, "node1", "member.suspect", "node3")
      .about(1300, "node2", "member.suspect", "node3")
      .about(1800, "node1", "member.failed", "node3");
    const { verdict, by } = s.check();
    assert.equal(verdict, false);
    assert.deepEqual(by("fault-fates").errors, [
      "node3 (id 300, kill at +0.00 s): expected failed in node2's view; it is suspect",
    ]);
    assert.equal(by("converged").valid, false);
    assert.ok(
      by("converged").errors.includes(
        "  node2: expected node3 (id 300) failed or left (it is down); it is suspect",
      ),
      by("converged").errors.join("\n"),
    );
  });

  it("fail on a false death of a node that was never faulted", () => {
    const s = Script.cluster(4)
      .fault(1000, "kill", "node4")
      .about(1500, "node1", "member.failed", "node4")
      .about(1500, "node2", "member.failed", "node4")
      .about(1500, "node3", "member.failed", "node4")
      .about(1600, "node1", "member.failed", "node3")
      .about(1900, "node1", "member.alive", "node3", { previous: "failed" });
    const { by } = s.check(only("no-false-deaths"));
    assert.deepEqual(by("no-false-deaths").errors, [
      "node1: declared node3 (id 300) failed at +0.60 s; expected it alive, it was never faulted: a false death",
    ]);
  });

  it("a graceful stop must read as left everywhere, never failed", () => {
    const s = Script.cluster(3)
      .fault(1000, "stop", "node3")
      .about(1010, "node1", "member.left", "node3", { reason: "leave" })
      .about(1400, "node2", "member.failed", "node3");
    const { by } = s.check(only("fault-fates"));
    assert.deepEqual(by("fault-fates").errors, [
      "node3 (id 300, stop at +0.00 s): expected left in node2's view; it is failed",
      "node3 (id 300, stop at +0.00 s): a graceful stop must be a leave, but node2 logged member.failed about it",
    ]);
  });

  it("a paused node may be failed while frozen but must be alive again after its heal", () => {
    const base = () =>
      Script.cluster(3)
        .fault(1000, "pause", "node3")
        .about(1300, "node1", "member.suspect", "node3")
        .about(1300, "node2", "member.suspect", "node3")
        .about(1800, "node1", "member.failed", "node3")
        .about(1800, "node2", "member.failed", "node3")
        .fault(4000, "unpause", "node3")
        .about(4100, "node1", "member.alive", "node3");
    const healed = base().about(4100, "node2", "member.alive", "node3").check();
    assert.equal(healed.verdict, true, JSON.stringify(healed.results, null, 2));
    const pause = healed.figures.faults[0]!;
    assert.deepEqual([pause.detectedMs, pause.declaredMs], [300, 800]);
    assert.equal(healed.figures.faults[1]!.convergedMs, 100);
    const stuck = base().check();
    assert.equal(stuck.verdict, false);
    assert.deepEqual(stuck.by("fault-fates").errors, [
      "node3 (id 300, pause at +0.00 s): expected alive again in node2's view after the heal; it is failed",
    ]);
  });

  it("a restarted node replaces its old entry; the old id must not stay alive", () => {
    const s = Script.cluster(3)
      .fault(1000, "restart", "node2")
      .line(1100, "node2", "node.started", { nodeId: 222 })
      .line(1150, "node2", "node.joined")
      .line(1160, "node2", "node.ready")
      .about(1170, "node2", "master.elected", "node1", { epoch: 1, change: "initial" })
      .line(1170, "node2", "member.joined", { peerId: 100, via: "join-response" })
      .line(1170, "node2", "member.joined", { peerId: 300, via: "join-response" })
      .line(1155, "node1", "member.joined", { peerId: 222, via: "join" })
      .line(1155, "node1", "member.left", { peerId: 200, reason: "replaced", replacedBy: 222 })
      .line(1160, "node3", "member.joined", { peerId: 222, via: "gossip" });
    const haunted = s.check();
    assert.deepEqual(haunted.by("fault-fates").errors, [
      "node2 (id 200, restart at +0.00 s): expected failed or left in node3's view; it is alive",
    ]);
    assert.equal(haunted.by("converged").valid, false);
    assert.deepEqual(haunted.by("converged").errors.slice(1), [
      "  node3: expected node2 (id 200) failed or left (it is down); it is alive",
    ]);
    s.line(1200, "node3", "member.left", { peerId: 200, reason: "replaced", replacedBy: 222 });
    const done = s.check();
    assert.equal(done.verdict, true, JSON.stringify(done.results, null, 2));
    // The restarted process's lines (seq from 1 again) follow the first process's in the merge.
    const node2 = done.figures.faults[0]!;
    assert.equal(node2.id, 200);
  });

  it("fail when two masters remain after a heal, and when a cut-off node elects itself", () => {
    const s = Script.cluster(3)
      .fault(1000, "disconnect", "node3")
      .about(1800, "node1", "member.failed", "node3")
      .about(1800, "node2", "member.failed", "node3")
      .about(1800, "node3", "member.failed", "node1")
      .about(1800, "node3", "member.failed", "node2")
      .about(2100, "node3", "master.elected", "node3", { epoch: 2, change: "promoted", self: true })
      .fault(4000, "connect", "node3")
      .about(4200, "node1", "member.alive", "node3")
      .about(4200, "node2", "member.alive", "node3")
      .about(4200, "node3", "member.alive", "node1")
      .about(4200, "node3", "member.alive", "node2");
    const { by } = s.check();
    assert.deepEqual(by("one-master").errors, [
      "node3: promoted itself to master (epoch 2) while it was cut off, against the quorum rule, and was still master at the heal",
      "expected exactly one live node to consider itself master; node1 (id 100), node3 (id 300) did",
      "expected every live node to see the same master; node1 → node1 (id 100), node2 → node1 (id 100), node3 → node3 (id 300)",
    ]);
    assert.equal(by("converged").valid, false);
    assert.equal(by("no-false-deaths").valid, true); // a cut-off node's verdicts are its own side's
  });

  it("fail when the side left with a minority elects a master while the others are cut off", () => {
    const s = Script.cluster(3)
      .fault(1000, "disconnect", "node1")
      .fault(1000, "disconnect", "node2")
      .about(2100, "node3", "master.elected", "node3", { epoch: 2, change: "promoted", self: true });
    const { by } = s.check(only("one-master"));
    assert.equal(
      by("one-master").errors[0],
      "node3: promoted itself to master (epoch 2) while it could reach only 1 of 3 nodes, against the quorum rule, and never resigned",
    );
  });

  it("report, without failing, a minority master that resigned by itself before the heal", () => {
    const s = Script.cluster(3)
      .fault(1000, "disconnect", "node3")
      .about(1800, "node1", "member.failed", "node3")
      .about(1800, "node2", "member.failed", "node3")
      .about(1500, "node3", "master.elected", "node3", { epoch: 2, change: "promoted", self: true })
      .line(1600, "node3", "master.resigned", { reason: "no-quorum", epoch: 2 })
      .fault(4000, "connect", "node3")
      .about(4200, "node1", "member.alive", "node3")
      .about(4200, "node2", "member.alive", "node3")
      .about(4300, "node3", "master.elected", "node1", { epoch: 1, change: "changed" });
    const { by } = s.check(only("one-master"));
    assert.equal(by("one-master").valid, true, by("one-master").errors.join("\n"));
    assert.match(
      by("one-master").summary,
      /note: node3: promoted itself to master \(epoch 2\) while it was cut off, against the quorum rule; it resigned 100 ms later, before any heal$/,
    );
  });

  it("name a false death during the bring-up of a node that was still joining", () => {
    const s = Script.cluster(3);
    s.records.get("node3")!.find((r) => r.line?.event === "node.ready")!.t += 500_000;
    s.about(300, "node1", "member.failed", "node3").fault(1000, "kill", "node2");
    const { by } = s.check(only("no-false-deaths"));
    assert.deepEqual(by("no-false-deaths").errors, [
      "node1: declared node3 (id 300) failed during the bring-up, 0.70 s before the first fault (it was still joining: not ready yet); expected it alive, it was never faulted: a false death",
    ]);
  });

  it("name whose suspicion a false death acted on, and when", () => {
    const s = Script.cluster(3)
      .about(200, "node1", "member.suspect", "node3", { by: 200, inc: 0 })
      .about(300, "node1", "member.failed", "node3", { by: 200, inc: 0, previous: "suspect" })
      .fault(1000, "kill", "node2");
    const { by } = s.check(only("no-false-deaths"));
    assert.deepEqual(by("no-false-deaths").errors, [
      "node1: declared node3 (id 300) failed during the bring-up, 0.70 s before the first fault; expected it alive, it was never faulted: a false death (suspected on node2 (id 200)'s word 0.80 s before the first fault)",
    ]);
  });

  it("fail on a ghost: a member no node of the run ever was", () => {
    const s = Script.cluster(2).line(50, "node2", "member.joined", { peerId: 4242, peer: "node9:8009" });
    const { by } = s.check(only("no-ghosts"));
    assert.deepEqual(by("no-ghosts").errors, [
      "node2: its view holds member 4242 at node9:8009; expected only nodes of this run, and no node had that id",
    ]);
  });

  it("report convergence after the bring-up when there is no fault", () => {
    const { verdict, by, figures } = Script.cluster(4).check();
    assert.equal(verdict, true, JSON.stringify(by("converged"), null, 2));
    assert.match(by("converged").summary, /after the last node became ready/);
    assert.equal(figures.upConvergedMs, 9);
  });
});
