// The join scenarios' checks: a retried join is still one matched handshake (its failed attempts
// are not errors, and the attempt that got through is the one judged), the run counts who
// retried, a large run gives its joiners a join deadline, and a bring-up with a false death is
// invalid, naming the nodes, the accuser and when.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { joinRetryFigures } from "../src/checks/join-attempts.js";
import { JOIN_CHECKS, runChecks } from "../src/checks/registry.js";
import type { CheckContext } from "../src/checks/types.js";
import { mergeTimeline } from "../src/logs/merge.js";
import { formatTimestamp, type LogRecord } from "../src/logs/records.js";
import {
  LARGE_RUN_ABOVE_NODES,
  LARGE_RUN_DIAL_TIMEOUT_MS,
  largeRunMembershipFlags,
  LARGE_RUN_NEWCOMER_WINDOW_MS,
  dialTimeoutFor,
  membershipFlagsFor,
  newcomerWindowMs,
  gossipIntervalMs,
  scheduleWarmUpMs,
} from "../src/run/large-run.js";
import { RUN_DEFAULTS } from "../src/run/run-defaults.js";
import { RUN_JOIN_DEADLINE_MS, joinDeadlineFor, readyTimeoutFor } from "../src/run/join-deadline.js";
import { buildScenario } from "../src/scenarios/registry.js";
import { FIXTURES, observedOnDocker, recordedRun, recordedRunIn } from "./helpers.js";

const T0 = Date.parse("2026-12-05T12:00:00Z") * 1000; // microseconds

/** Node lines at milliseconds from T0, each node's seq counted for it. */
class Lines {
  readonly records = new Map<string, LogRecord[]>();
  line(ms: number, node: string, nodeId: number, event: string, fields: Record<string, unknown> = {}): this {
    const list = this.records.get(node) ?? [];
    const t = T0 + ms * 1000;
    const line = {
      time: formatTimestamp(t),
      level: "info",
      seq: list.length + 1,
      nodeId,
      event,
      message: event,
      ...fields,
    };
    const text = JSON.stringify(line);
    list.push({
      node,
      t,
      time: formatTimestamp(t),
      stream: "stdout",
      index: list.length,
      text,
      line: line as LogRecord["line"],
    });
    this.records.set(node, list);
    return this;
  }
}

const MASTER = 100;
const JOINER = 200;
const DEST = { nodeId: -1, nodeIpAddr: "node1", Port: "8001" };

/** node1 takes in node2's request on the connection from port `from` and answers it. */
function answer(l: Lines, ms: number, from: number): void {
  const remote = `[::ffff:10.0.0.2]:${from}`;
  l.line(ms, "node1", MASTER, "join.request.received", {
    peer: "node2:8002",
    peerId: JOINER,
    text: "hi",
    remote,
  });
  l.line(ms + 1, "node1", MASTER, "join.response.sent", {
    peer: "node2:8002",
    peerId: JOINER,
    role: "master",
    remote,
  });
}

/**
 * node2 joins node1 on its second attempt: the first request went out on connection :40001 and
 * timed out; node1, starved, took it in late and answered it after node2 had given up on it.
 * `secondReceived: false` leaves out node1's receipt of the second request.
 */
function retriedJoin(secondReceived = true): Lines {
  const l = new Lines()
    .line(0, "node1", MASTER, "master.started", { reason: "refused" })
    .line(1, "node1", MASTER, "node.ready", { role: "master", port: 8001 })
    .line(10, "node2", JOINER, "join.request.sent", {
      peer: "node1:8001",
      dest: DEST,
      local: "10.0.0.2:40001",
      attempt: 1,
    })
    .line(5010, "node2", JOINER, "join.failed", {
      peer: "node1:8001",
      kind: "timeout",
      reason: "node1:8001 accepted the connection but sent no response within 5000 ms",
      attempt: 1,
      willRetry: true,
      retryInMs: 80,
    })
    .line(5090, "node2", JOINER, "join.request.sent", {
      peer: "node1:8001",
      dest: DEST,
      local: "10.0.0.2:40002",
      attempt: 2,
    });
  answer(l, 5100, 40001);
  if (secondReceived) answer(l, 5110, 40002);
  return l
    .line(5120, "node2", JOINER, "join.response.received", {
      peer: "node1:8001",
      peerId: MASTER,
      responderAddress: "node1:8001",
      responderRole: "master",
      text: "ok",
    })
    .line(5121, "node2", JOINER, "node.joined", { role: "member", peer: "node1:8001", peerId: MASTER })
    .line(5122, "node2", JOINER, "node.ready", { role: "member", port: 8002 });
}

function handshakesOf(lines: Lines) {
  const scenario = { ...buildScenario("star-join", { nodes: 2 }), checks: ["handshakes", "causal-order"] };
  const ctx: CheckContext = {
    scenario,
    nodes: observedOnDocker(scenario),
    timeline: mergeTimeline(lines.records),
  };
  return { ...runChecks(ctx), ctx };
}

describe("a retried join", () => {
  it("is one matched handshake: the failed attempt before it is no error, and the summary counts it", () => {
    const { verdict, results, ctx } = handshakesOf(retriedJoin());
    assert.equal(verdict, true, JSON.stringify(results, null, 2));
    assert.equal(
      results[0]!.summary,
      "1/1 join handshakes matched across nodes (request → received → response → received); 1 joiner(s) got through after 1 failed attempt(s)",
    );
    assert.deepEqual(joinRetryFigures(ctx.timeline), {
      joined: 1,
      retried: 1,
      failedAttempts: 1,
      maxAttempts: 2,
      attemptsByNode: { node2: 2 },
    });
  });

  it("is judged by the attempt that got through: a receipt of the abandoned one does not stand in for it", () => {
    const { verdict, results } = handshakesOf(retriedJoin(false));
    assert.equal(verdict, false);
    assert.deepEqual(results[0]!.errors, [
      "node2: its join request (id 200) to node1:8001 was never logged as received by node1; received by node1 instead",
    ]);
  });

  it("a run where nobody retried says so in its figures", () => {
    assert.deepEqual(joinRetryFigures(recordedRun("star-join").timeline), {
      joined: 4,
      retried: 0,
      failedAttempts: 0,
      maxAttempts: 1,
      attemptsByNode: {},
    });
  });
});

describe("the run's join deadline", () => {
  it(`goes to the joiners of runs over ${LARGE_RUN_ABOVE_NODES} nodes only, never to the master`, () => {
    const small = buildScenario("star-join", { nodes: LARGE_RUN_ABOVE_NODES });
    assert.ok(small.nodes.every((n) => joinDeadlineFor(n, small) === undefined));
    const large = buildScenario("line-join", { nodes: LARGE_RUN_ABOVE_NODES + 1 });
    assert.deepEqual(
      large.nodes.map((n) => joinDeadlineFor(n, large)),
      [undefined, ...Array<number>(LARGE_RUN_ABOVE_NODES).fill(RUN_JOIN_DEADLINE_MS)],
    );
    const own = { ...large.nodes[1]!, flags: ["--joinDeadline", "5000"] };
    assert.equal(joinDeadlineFor(own, large), undefined, "a scenario's own --joinDeadline wins");
  });

  it("comes with slower membership timings for every node of a large run, a scenario's own flag first", () => {
    const small = buildScenario("star-join", { nodes: LARGE_RUN_ABOVE_NODES });
    assert.ok(small.nodes.every((n) => membershipFlagsFor(n, small).length === 0));
    const large = buildScenario("star-join", { nodes: LARGE_RUN_ABOVE_NODES + 1 });
    const all = Object.entries(largeRunMembershipFlags(large)).flatMap(([f, v]) => [f, String(v)]);
    assert.ok(large.nodes.every((n) => membershipFlagsFor(n, large).join(" ") === all.join(" ")));
    const own = { ...large.nodes[1]!, flags: ["--probeInterval=2000"] };
    assert.ok(!membershipFlagsFor(own, large).includes("--probeInterval"));
    assert.ok(membershipFlagsFor(own, large).includes("--probeTimeout"));
    const rogue = { ...large.nodes[1]!, program: "rogue" as const };
    assert.deepEqual(membershipFlagsFor(rogue, large), [], "a foreign program gets none");
  });

  it("comes with a longer dial timeout in a large run, unless the run sets its own", () => {
    const small = buildScenario("star-join", { nodes: LARGE_RUN_ABOVE_NODES });
    const large = buildScenario("star-join", { nodes: LARGE_RUN_ABOVE_NODES + 1 });
    assert.equal(dialTimeoutFor(small, undefined), RUN_DEFAULTS.dialTimeoutMs);
    assert.equal(dialTimeoutFor(large, undefined), LARGE_RUN_DIAL_TIMEOUT_MS);
    assert.equal(dialTimeoutFor(large, 3000), 3000);
  });

  it("gives newcomers a longer window past 64 nodes, where a bring-up starves them for longer", () => {
    const at = (nodes: number) => newcomerWindowMs(buildScenario("star-join", { nodes }));
    assert.deepEqual([at(17), at(64), at(65), at(128), at(129)], [10_000, 10_000, 20_000, 20_000, 30_000]);
    const large = buildScenario("star-join", { nodes: 128 });
    assert.ok(membershipFlagsFor(large.nodes[1]!, large).join(" ").includes("--newcomerWindow 20000"));
  });

  it("spaces a large run's gossip rounds out past 64 nodes, where resending old news starved the engine", () => {
    const at = (nodes: number) => gossipIntervalMs(buildScenario("star-join", { nodes }));
    assert.deepEqual([at(17), at(64), at(65), at(128)], [200, 200, 2000, 2000]);
    const large = buildScenario("star-join", { nodes: 128 });
    assert.ok(membershipFlagsFor(large.nodes[1]!, large).join(" ").includes("--gossipInterval 2000"));
  });

  it("starts a large run's fault schedule once its last joiners are out of their newcomer window", () => {
    assert.equal(scheduleWarmUpMs(buildScenario("node-crash", { nodes: LARGE_RUN_ABOVE_NODES })), 0);
    const large = buildScenario("node-crash", { nodes: LARGE_RUN_ABOVE_NODES + 1 });
    assert.equal(scheduleWarmUpMs(large), LARGE_RUN_NEWCOMER_WINDOW_MS);
    assert.ok(
      membershipFlagsFor(large.nodes[1]!, large)
        .join(" ")
        .includes(`--newcomerWindow ${LARGE_RUN_NEWCOMER_WINDOW_MS}`),
    );
  });

  it("stretches the node's ready timeout to cover it", () => {
    assert.equal(readyTimeoutFor(15_000, undefined), 15_000);
    assert.ok(readyTimeoutFor(15_000, RUN_JOIN_DEADLINE_MS) > RUN_JOIN_DEADLINE_MS);
  });
});

describe("the join scenarios check what membership promises", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /**
   * The recorded star-join with lines added to `node`'s log just before the checks ran (run.verified
   * at 23:20:30.459). `make` gets a line maker (milliseconds from 23:20:30.440, event, fields) and
   * the node ids.
   */
  function withInjected(
    node: string,
    make: (
      line: (ms: number, event: string, extra: Record<string, unknown>) => string,
      idOf: (node: string) => number,
    ) => string[],
  ): string {
    const dir = mkdtempSync(join(tmpdir(), "joinlab-injected-"));
    dirs.push(dir);
    cpSync(join(FIXTURES, "star-join"), dir, { recursive: true });
    const idOf = (name: string) => {
      const text = readFileSync(join(dir, `${name}.log`), "utf8");
      return Number(/"nodeId":(\d+)/.exec(text)![1]);
    };
    const file = join(dir, `${node}.log`);
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    const at = lines.findIndex((l) => l.includes('"event":"node.stopping"'));
    const stamp = (ms: number) => formatTimestamp(Date.parse("2026-12-05T23:20:30.440Z") * 1000 + ms * 1000);
    let seq = at;
    const line = (ms: number, event: string, extra: Record<string, unknown>) =>
      `${stamp(ms)} ${JSON.stringify({ time: stamp(ms), level: "info", seq: ++seq, nodeId: idOf(node), name: node, event, message: event, ...extra })}`;
    const injected = make(line, idOf);
    const renumbered = lines
      .slice(at)
      .map((l) => l.replace(/"seq":(\d+)/, (_, n: string) => `"seq":${Number(n) + injected.length}`));
    writeFileSync(file, [...lines.slice(0, at), ...injected, ...renumbered].join("\n") + "\n");
    return dir;
  }

  /** node2 suspects node4 on node3's word, then declares it failed. */
  function withFalseDeath(): string {
    return withInjected("node2", (line, idOf) => {
      const about = { peerId: idOf("node4"), peer: "127.0.0.1:1", inc: 0, by: idOf("node3") };
      return [line(0, "member.suspect", about), line(10, "member.failed", { ...about, previous: "suspect" })];
    });
  }

  it("chain-join, star-join and line-join name the membership checks", () => {
    for (const name of ["chain-join", "star-join", "line-join"]) {
      const checks = buildScenario(name).checks ?? [];
      for (const check of ["converged", "no-false-deaths", "no-ghosts", "one-master"])
        assert.ok(checks.includes(check), `${name} checks ${check}`);
    }
  });

  it("a recorded star-join passes them", () => {
    const ctx = recordedRun("star-join");
    assert.deepEqual(ctx.scenario.checks, JOIN_CHECKS);
    const { verdict, results } = runChecks(ctx);
    assert.equal(verdict, true, JSON.stringify(results, null, 2));
  });

  it("a bring-up with a false death is invalid, naming the node, its accuser and when", () => {
    const { verdict, results } = runChecks(recordedRunIn(withFalseDeath()));
    assert.equal(verdict, false);
    const deaths = results.find((r) => r.name === "no-false-deaths")!;
    assert.equal(deaths.valid, false);
    assert.equal(deaths.errors.length, 1);
    assert.match(
      deaths.errors[0]!,
      /^node2: declared node4 \(id \d+\) failed during the bring-up, \+4\.6\d s after the run's first line \(2026-12-05T23:20:30\.450\d*Z\); expected it alive, it was never faulted: a false death \(suspected on node3 \(id \d+\)'s word at \+4\.6\d s\)$/,
    );
    const converged = results.find((r) => r.name === "converged")!;
    assert.equal(converged.valid, false, "node2 alone holds node4 failed: no one view");
  });

  it("a master that resigns and takes office again with nothing faulted is invalid, naming both changes", () => {
    const dir = withInjected("node1", (line, idOf) => {
      const self = { peerId: idOf("node1"), peer: "127.0.0.1:1" };
      return [
        line(0, "master.resigned", { epoch: 1, reason: "no-quorum" }),
        line(5, "master.elected", {
          ...self,
          epoch: 2,
          self: true,
          change: "promoted",
          previousId: idOf("node1"),
          previousEpoch: 1,
        }),
      ];
    });
    const { verdict, results } = runChecks(recordedRunIn(dir));
    assert.equal(verdict, false);
    const master = results.find((r) => r.name === "one-master")!;
    assert.deepEqual(master.errors, [
      "node1: resigned as master (no-quorum) before any fault",
      "node1: promoted itself to master (epoch 2) before any fault",
    ]);
  });
});
