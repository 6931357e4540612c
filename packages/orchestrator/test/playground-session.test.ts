// A playground session over plain HTTP, on a real cluster of local processes: a request without
// the page's token is refused and the cluster is untouched; every malformed or inapplicable body
// gets a 4xx with a message that says what was wrong, and nothing is applied; an applied action
// is a fault event in the timeline, and the reply says what was done and how long it took (a
// pause, a resume, and a restart of a local process in place).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { LiveFeed } from "../src/live/live-feed.js";
import { LiveServer } from "../src/live/live-server.js";
import { playgroundScenario } from "../src/playground/playground-scenario.js";
import { PlaygroundSession } from "../src/playground/playground-session.js";
import type { RunEventListener } from "../src/run/run-events.js";
import { runScenario } from "../src/run/run-scenario.js";
import { processScratch } from "./support/process-scratch.js";

const { logger, scratch, runtime } = processScratch("joinlab-playground-");

/** The run's events, and the fault events among them as the run notes them. */
function faultRecorder(feed: LiveFeed): { listener: RunEventListener; faults: string[] } {
  const faults: string[] = [];
  const listener: RunEventListener = (event, id) => {
    const entry = event.kind === "entry" ? event.entry : undefined;
    if (entry?.kind === "orchestrator" && entry.event.event.startsWith("fault."))
      faults.push(entry.event.event);
    feed.listener(event, id);
  };
  return { listener, faults };
}

/** The page's token, read from the page as a browser gets it. */
async function tokenOf(url: string): Promise<string> {
  const html = await (await fetch(url)).text();
  const token = /"token":"([^"]+)"/.exec(html)?.[1];
  assert.ok(token, "the page carries the session's token");
  return token;
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(new URL("/api/actions", url), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  return {
    status: res.status,
    reply: (await res.json()) as { ok: boolean; error?: string } & Record<string, unknown>,
  };
}

/** Bodies that must be refused, the status, and what the message must say. */
const BAD_BODIES: [string, number, RegExp][] = [
  ["not json", 400, /not JSON/],
  ["[1, 2]", 400, /must be a JSON object/],
  ['{"node": "node2"}', 400, /no action given: send one of add, kill/],
  ['{"action": "explode", "node": "node2"}', 400, /unknown action "explode"/],
  ['{"action": "kill"}', 400, /missing node/],
  ['{"action": "kill", "node": 2}', 400, /node 2 is not a node name/],
  ['{"action": "kill", "node": "node9"}', 404, /no node named node9; the nodes are node1, node2, node3/],
  ['{"action": "kill", "node": "node2", "force": true}', 400, /unknown field\(s\) "force" for kill/],
  [
    '{"action": "resume", "node": "node2"}',
    409,
    /cannot resume node2: it is up; what applies to it now: add, kill/,
  ],
  ['{"action": "cut", "node": "node2"}', 400, /process runtime cannot cut .*--runtime docker/],
  ['{"action": "add"}', 400, /missing via/],
  ['{"action": "add", "via": "node9"}', 404, /no node named node9/],
  ['{"action": "add", "via": "node2", "port": 0}', 400, /port 0 is not a TCP port/],
  ['{"action": "add", "via": "node2", "port": 8001.5}', 400, /port 8001.5 is not a TCP port/],
  ['{"action": "add", "via": "node2", "port": "8005"}', 400, /port "8005" is not a TCP port/],
  [
    '{"action": "add", "via": "node2", "port": 8002}',
    409,
    /port 8002 is in use by node2; choose another \(8005 is free\)/,
  ],
  [
    '{"action": "add", "via": "node2", "name": "node3"}',
    409,
    /the name node3 is taken; choose another \(node4 is free\)/,
  ],
  ['{"action": "add", "via": "node2", "name": "Node 5"}', 400, /name "Node 5" is not a node name/],
];

describe("playground session over HTTP", () => {
  it("refuses a request without the token and bad bodies with 4xx messages, the cluster untouched; applies a valid one as a fault event", async (t) => {
    const session = new PlaygroundSession();
    const feed = new LiveFeed();
    session.attach(feed);
    session.useRuntime(runtime);
    const server = await LiveServer.start({ feed, controls: session });
    const recorded = faultRecorder(feed);
    const running = runScenario(playgroundScenario(3, runtime.capabilities), {
      runtime,
      logger,
      runsDir: join(scratch, "runs"),
      onEvent: recorded.listener,
      interactive: session.interactive,
    });
    try {
      const early = await post(server.url, '{"action": "kill", "node": "node2"}', {
        "X-Joinlab-Token": await tokenOf(server.url),
      });
      if (!session.started) assert.equal(early.status, 409, "no action before the cluster is up");
      await session.whenStarted;
      const token = await tokenOf(server.url);

      const noToken = await post(server.url, '{"action": "kill", "node": "node2"}', {});
      assert.equal(noToken.status, 403);
      assert.match(noToken.reply.error!, /missing or wrong session token/);
      const wrongToken = await post(server.url, '{"action": "kill", "node": "node2"}', {
        "X-Joinlab-Token": "x".repeat(token.length),
      });
      assert.equal(wrongToken.status, 403);
      for (const [body, status, message] of BAD_BODIES) {
        const { status: got, reply } = await post(server.url, body, { "X-Joinlab-Token": token });
        assert.equal(got, status, `${body}: ${JSON.stringify(reply)}`);
        assert.equal(reply.ok, false);
        assert.match(reply.error!, message, body);
      }
      assert.deepEqual(recorded.faults, [], "nothing was applied");
      assert.ok(
        feed.summary().nodes.every((n) => n.state === "up"),
        "every node is still up: the cluster is untouched",
      );

      const paused = await post(server.url, '{"action": "pause", "node": "node2"}', {
        "X-Joinlab-Token": token,
      });
      assert.equal(paused.status, 200, JSON.stringify(paused.reply));
      assert.equal(paused.reply.message, "paused node2");
      assert.equal(typeof paused.reply.appliedMs, "number");
      t.diagnostic(`pause applied in ${paused.reply.appliedMs} ms`);
      assert.deepEqual(
        recorded.faults,
        ["fault.pause"],
        "the pause is a fault event the moment it is applied",
      );
      const again = await post(server.url, '{"action": "pause", "node": "node2"}', {
        "X-Joinlab-Token": token,
      });
      assert.equal(again.status, 409);
      assert.match(
        again.reply.error!,
        /cannot pause node2: it is paused; what applies to it now: kill, resume/,
      );
      const resumed = await post(server.url, '{"action": "resume", "node": "node2"}', {
        "X-Joinlab-Token": token,
      });
      assert.equal(resumed.status, 200, JSON.stringify(resumed.reply));
      const restarted = await post(server.url, '{"action": "restart", "node": "node3"}', {
        "X-Joinlab-Token": token,
      });
      assert.equal(restarted.status, 200, JSON.stringify(restarted.reply));
      assert.match(String(restarted.reply.message), /restarted node3: a new process at the same address/);
      assert.deepEqual(recorded.faults, ["fault.pause", "fault.unpause", "fault.restart"]);
    } finally {
      session.end();
      const result = await running;
      await server.close("test over");
      assert.deepEqual(
        result.nodes.map((n) => n.name),
        ["node1", "node2", "node3"],
      );
      assert.equal(result.runDir.includes(join("runs", "playground")), true);
    }
  });
});
