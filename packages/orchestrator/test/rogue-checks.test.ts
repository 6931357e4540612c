// The rogue-refused check on a recorded rogue-peer run (Docker, 5 keyed nodes and joinlab-rogue):
// it passes as recorded, and each way the rogue could have got through fails it with who and what.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CHECKS } from "../src/checks/registry.js";
import { mergeTimeline } from "../src/logs/merge.js";
import type { LogRecord } from "../src/logs/records.js";
import { buildScenario } from "../src/scenarios/registry.js";
import { FIXTURES, observedOnDocker, recordsFromLines } from "./helpers.js";

const NODES = ["node1", "node2", "node3", "node4", "node5", "rogue"];

/** The recorded logs, each line passed through `edit` (return undefined to drop it). */
function recorded(
  edit: (node: string, line: string) => string | undefined = (_n, l) => l,
): Map<string, LogRecord[]> {
  const streams = new Map<string, LogRecord[]>();
  for (const node of NODES) {
    const lines = readFileSync(join(FIXTURES, "rogue-peer", `${node}.log`), "utf8").split("\n");
    const kept = lines.flatMap((l) =>
      l === "" ? [] : [edit(node, l)].filter((x): x is string => x !== undefined),
    );
    streams.set(node, recordsFromLines(node, kept));
  }
  return streams;
}

function check(streams: Map<string, LogRecord[]>) {
  const scenario = buildScenario("rogue-peer");
  const nodes = observedOnDocker(scenario);
  return CHECKS["rogue-refused"]!({ scenario, nodes, timeline: mergeTimeline(streams) });
}

/** A line like the recorded `template` line of `node`, with `fields` changed. */
function variant(node: string, event: string, fields: Record<string, unknown>): string {
  const text = readFileSync(join(FIXTURES, "rogue-peer", `${node}.log`), "utf8");
  const template = text.split("\n").find((l) => l.includes(`"event":"${event}"`))!;
  const [stamp, json] = [template.slice(0, template.indexOf(" ")), template.slice(template.indexOf(" ") + 1)];
  return `${stamp} ${JSON.stringify({ ...(JSON.parse(json) as object), ...fields })}`;
}

describe("rogue-refused", () => {
  it("passes the recorded run: 100,000 datagrams and 30 joins, nothing in, every refusal logged", () => {
    const result = check(recorded());
    assert.equal(result.valid, true, result.errors.join("\n"));
    assert.match(result.summary, /rogue sent 100000 datagrams and 30 joins, 0 got in, 0 answers/);
  });

  it("fails when a member answered the rogue, or a join got in", () => {
    const result = check(
      recorded((node, l) =>
        node === "rogue" && l.includes('"rogue.report"')
          ? variant("rogue", "rogue.report", { joinsAccepted: 2, datagramsReceived: 7, signedReceived: 7 })
          : l,
      ),
    );
    assert.equal(result.valid, false);
    assert.ok(
      result.errors.some((e) => e === "rogue: 2 of its joins were answered with a response: it got in"),
      result.errors.join("\n"),
    );
    assert.ok(result.errors.some((e) => /members sent it 7 datagram\(s\) \(7 signed\)/.test(e)));
  });

  it("fails when a view took the rogue in, believed a forged claim, or changed master", () => {
    const rogueId = recorded().get("rogue")![0]!.line!.nodeId;
    const streams = recorded();
    const append = (node: string, line: string): void => {
      streams.get(node)!.push(...recordsFromLines(node, [line]));
    };
    append(
      "node2",
      variant("node2", "member.joined", { peerId: rogueId, peer: "rogue:8006", message: "a ghost" }),
    );
    append(
      "node3",
      variant("node3", "member.joined", { peerId: 1004, inc: 1000, message: "a forged record" }),
    );
    append(
      "node4",
      variant("node4", "master.elected", { change: "changed", peerId: 1003, message: "master is now 1003" }),
    );
    const result = check(streams);
    assert.equal(result.valid, false);
    const text = result.errors.join("\n");
    assert.match(text, /node2: its view took in the rogue \(a ghost\)/);
    assert.match(text, /node3: believed a forged claim: member.joined: a forged record/);
    assert.match(text, /node4: the master changed \(master is now 1003\); nothing was faulted/);
  });

  it("fails while the rogue has not reported, and when a kind of refusal went unlogged", () => {
    const unreported = check(
      recorded((node, l) => (node === "rogue" && l.includes('"rogue.report"') ? undefined : l)),
    );
    assert.equal(unreported.valid, false);
    assert.match(
      unreported.errors.join("\n"),
      /rogue: expected its rogue.report; it has not finished its attacks/,
    );
    const noStale = check(recorded((node, l) => (l.includes('"reason":"stale"') ? undefined : l)));
    assert.equal(noStale.valid, false);
    assert.match(noStale.errors.join("\n"), /expected the nodes to log auth.rejected for stale; no node did/);
  });
});
