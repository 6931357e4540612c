// The report model of real recorded runs: lanes, handshakes, faults, beliefs, figures, and the
// lossless event encoding the page decodes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BELIEF_STATES,
  buildReportModel,
  EventTable,
  faultFigures,
  hydrateModel,
  joinFigures,
  renderReport,
  storedModel,
} from "../src/index.js";
import { networkFigures } from "../src/model/network-figures.js";
import { resumeBuilder } from "../src/model/resume.js";
import { fixtureModel, fixtureTimeline, laneOf } from "./support/fixtures.js";

describe("report model", () => {
  it("chain-join: three answered handshakes, node4's through node2", () => {
    const model = fixtureModel("chain-join");
    const answered = model.handshakes.filter((h) => h.responseReceived !== undefined);
    assert.equal(answered.length, 3);
    const node4 = answered.find((h) => h.joiner === laneOf(model, "node4"))!;
    assert.equal(node4.responder, laneOf(model, "node2"));
    const table = new EventTable(model);
    const order = [node4.requestSent, node4.requestReceived!, node4.responseSent!, node4.responseReceived!];
    assert.deepEqual(
      order.map((i) => table.eventName(i)),
      ["join.request.sent", "join.request.received", "join.response.sent", "join.response.received"],
    );
    assert.ok(
      order.every((v, k) => k === 0 || v > order[k - 1]!),
      "the four steps are in causal order",
    );
    const lane = model.lanes[laneOf(model, "node4")]!;
    assert.equal(lane.port, 8003);
    assert.equal(lane.clusterip, "node2:8002");
  });

  it("chain-join: every joiner is known alive by every node up when it was admitted", () => {
    const figures = joinFigures(fixtureModel("chain-join"));
    assert.deepEqual(figures.map((f) => f.node).sort(), ["node2", "node3", "node4"]);
    for (const f of figures) assert.ok(f.knownByAllMs !== undefined && f.knownByAllMs >= 0, f.node);
  });

  it("master-crash: the master's lane ends at the kill and the new master's election is recorded", () => {
    const model = fixtureModel("master-crash");
    const table = new EventTable(model);
    const node1 = model.lanes[laneOf(model, "node1")]!;
    assert.equal(node1.endKind, "kill");
    assert.equal(table.eventName(node1.end!), "fault.kill");
    const promoted: number[] = [];
    for (let k = 0; k < model.masters.length; k += 3) {
      const [i, lane, master] = [model.masters[k]!, model.masters[k + 1]!, model.masters[k + 2]!];
      if (lane === master && table.field(i, "change") === "promoted") promoted.push(lane);
    }
    assert.deepEqual(
      promoted.map((l) => model.lanes[l]!.node),
      ["node5"],
    );
    const [kill] = faultFigures(model, table);
    assert.equal(kill?.kind, "kill");
    assert.equal(kill?.survivors, 4);
    assert.ok(kill!.detectedMs! > 0 && kill!.declaredMs! >= kill!.detectedMs!);
    assert.ok(kill!.convergedMs !== undefined);
  });

  it("pause-resume: the pause is a window healed by the unpause; the others believed node5 failed, then alive", () => {
    const model = fixtureModel("pause-resume");
    const table = new EventTable(model);
    const pause = model.faults.find((f) => f.kind === "pause")!;
    assert.equal(pause.node, "node5");
    assert.equal(table.eventName(pause.heal!), "fault.unpause");
    const node5 = laneOf(model, "node5");
    const node1 = laneOf(model, "node1");
    const states: string[] = [];
    for (let k = 0; k < model.beliefs.length; k += 4)
      if (model.beliefs[k + 1] === node1 && model.beliefs[k + 2] === node5)
        states.push(BELIEF_STATES[model.beliefs[k + 3]!]!);
    assert.deepEqual(states, ["alive", "suspect", "failed", "alive"]);
  });

  it("encodes every entry losslessly: decoding gives back each node line and orchestrator event", () => {
    for (const name of ["chain-join", "master-crash", "pause-resume", "partition-halves"]) {
      const timeline = fixtureTimeline(name);
      const model = fixtureModel(name);
      const table = new EventTable(model);
      assert.equal(table.count, timeline.length);
      timeline.forEach((entry, i) => {
        assert.equal(table.absoluteMicros(i), entry.t, `${name} #${i} time`);
        const decoded = table.decode(i);
        if (entry.kind === "event") {
          assert.deepEqual(Object.keys(decoded).sort(), Object.keys(entry.line).sort(), `${name} #${i} keys`);
          assert.deepEqual(decoded, sortLike(entry.line, decoded), `${name} #${i}`);
        }
        if (entry.kind === "orchestrator") {
          const { t: _t, time: _time, ...rest } = entry.event;
          assert.deepEqual(decoded, rest, `${name} #${i}`);
        }
      });
    }
  });

  it("the stored model leaves out beliefs and edges, and hydrating gives them back as built", () => {
    const model = fixtureModel("master-crash");
    const stored = JSON.parse(JSON.stringify(storedModel(model)));
    assert.equal(stored.beliefs, undefined);
    const hydrated = hydrateModel(stored);
    assert.deepEqual(hydrated.beliefs, model.beliefs);
    assert.deepEqual(hydrated.edges, model.edges);
  });

  it("a builder resumed from a model continues it exactly (what a live page does)", () => {
    const model = fixtureModel("pause-resume");
    const resumed = resumeBuilder(JSON.parse(JSON.stringify(model))).model();
    assert.deepEqual(JSON.parse(JSON.stringify(resumed)), JSON.parse(JSON.stringify(model)));
  });
});

/** The line's keys in the decoded object's order (decoding restores seq/nodeId/name in front). */
function sortLike(line: object, like: object): object {
  const src = line as Record<string, unknown>;
  return Object.fromEntries(Object.keys(like).map((k) => [k, src[k]]));
}

describe("network faults", () => {
  it("partition-halves: the split is a window with its groups; each side noticed the other, and one view after the heal", () => {
    const model = fixtureModel("partition-halves");
    const [split] = model.network;
    assert.equal(split?.kind, "partition");
    assert.deepEqual(split?.groups, [
      ["node1", "node2"],
      ["node3", "node4", "node5"],
    ]);
    assert.equal(new EventTable(model).eventName(split!.heal!), "fault.heal");
    const [figure] = networkFigures(model);
    assert.equal(figure?.survivors, 5);
    assert.ok(figure!.detectedMs! > 0 && figure!.declaredMs! >= figure!.detectedMs!);
    assert.ok(figure!.convergedMs !== undefined, "one view again after the heal");
  });
});

describe("check errors", () => {
  it("a failed check's error points at the last line of the node it names, before the checks ran", () => {
    const model = fixtureModel("chain-join");
    const failed = {
      name: "joined",
      valid: false as const,
      summary: "2/3 joined",
      errors: ["node4: expected to join through node2:8002; it did not"],
    };
    const built = buildReportModel({
      scenario: { name: "chain-join", nodes: model.nodes.map((n) => ({ name: n.name })) },
      results: { verdict: false, checks: [failed] },
      entries: fixtureTimeline("chain-join"),
    });
    const [link] = built.errorLinks;
    const table = new EventTable(built);
    assert.equal(built.lanes[table.lane[link!.event]!]!.node, "node4");
    let verified = -1;
    for (let i = 0; i < table.count; i++) if (table.eventName(i) === "run.verified") verified = i;
    assert.ok(link!.event < verified);
    for (let i = link!.event + 1; i < verified; i++)
      assert.notEqual(built.lanes[table.lane[i]!]?.node, "node4");
    assert.match(
      renderReport(built),
      new RegExp(`<a href="#event-${link!.event}" data-event="${link!.event}">node4: expected`),
    );
  });
});

describe("handshake pairing", () => {
  const line = (node: string, nodeId: number, seq: number, event: string, fields: object = {}) => ({
    kind: "event" as const,
    node,
    t: 1_000_000 + seq * 1000 + nodeId,
    line: { time: "2026-12-01T00:00:01.000Z", level: "info", seq, nodeId, event, message: event, ...fields },
  });

  it("a retry is paired by the connection's ends, not by the joiner's id alone", () => {
    const model = buildReportModel({
      entries: [
        line("b", 2, 1, "join.request.sent", { peer: "a:1", local: "10.0.0.2:40001" }),
        line("b", 2, 2, "join.failed", { kind: "timeout" }),
        line("b", 2, 3, "join.request.sent", { peer: "a:1", local: "10.0.0.2:40002" }),
        // The responder was stalled: it reads the second connection first, then the first one's.
        line("a", 1, 1, "join.request.received", { peerId: 2, remote: "::ffff:10.0.0.2:40002" }),
        line("a", 1, 2, "join.response.sent", { peerId: 2, remote: "::ffff:10.0.0.2:40002" }),
        line("b", 2, 4, "join.response.received", { peerId: 1 }),
        line("a", 1, 3, "join.request.received", { peerId: 2, remote: "10.0.0.2:40001" }),
      ],
    });
    const [first, second] = model.handshakes;
    assert.equal(first!.failed, 1);
    assert.equal(first!.requestReceived, 6, "the late receipt of the first connection");
    assert.equal(second!.requestReceived, 3);
    assert.equal(second!.responseSent, 4);
    assert.equal(second!.responseReceived, 5);
  });
});
