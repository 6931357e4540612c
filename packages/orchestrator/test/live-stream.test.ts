// The live stream over plain HTTP: numbered messages, a reconnect with Last-Event-ID (the
// browser's own) or ?after= (the page's) sent exactly what it missed, a page too far behind told
// to reload, and requests naming another host refused (DNS rebinding).
import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, it } from "node:test";
import { LiveFeed } from "../src/live/live-feed.js";
import { LiveServer } from "../src/live/live-server.js";
import { StreamLog } from "../src/live/stream-log.js";
import type { TimelineEntry } from "../src/logs/timeline.js";
import { buildScenario } from "../src/scenarios/registry.js";

let clock = 1_700_000_000_000_000;

function note(event: string, node?: string): TimelineEntry {
  const t = (clock += 1000);
  const e = { t, time: new Date(t / 1000).toISOString(), event, message: event, ...(node ? { node } : {}) };
  return { kind: "orchestrator", t, time: e.time, index: 0, event: e };
}

/** Feeds `n` entries, each in its own message (the batch timer fires between them). */
async function feedEntries(feed: LiveFeed, n: number, prefix: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    feed.listener({ kind: "entry", entry: note(`${prefix}.${i}`) }, 0);
    await new Promise((r) => setTimeout(r, 15));
  }
}

interface Sse {
  id?: number;
  event: string;
  data: unknown;
}

/** Reads the stream until `count` messages with an id arrived (or the time is up). */
function readStream(url: string, headers: Record<string, string>, count: number): Promise<Sse[]> {
  return new Promise((resolve, reject) => {
    const got: Sse[] = [];
    const req = request(url, { headers }, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) => block.match(new RegExp(`^${name}: ?(.*)$`, "m"))?.[1];
          const event = field("event");
          if (!event) continue;
          const id = field("id");
          got.push({ ...(id ? { id: Number(id) } : {}), event, data: JSON.parse(field("data") ?? "null") });
          if (got.filter((m) => m.id !== undefined).length >= count || event === "reset") {
            req.destroy();
            resolve(got);
          }
        }
      });
    });
    req.on("error", (err) => (got.length ? resolve(got) : reject(err)));
    setTimeout(() => (req.destroy(), resolve(got)), 5000).unref();
    req.end();
  });
}

const names = (messages: Sse[]) =>
  messages
    .filter((m) => m.event === "entries")
    .flatMap((m) =>
      (m.data as { entries: { event: { event: string } }[] }).entries.map((e) => e.event.event),
    );

describe("live stream", () => {
  it("a reconnect is sent exactly the messages after its Last-Event-ID, or after ?after=", async () => {
    const feed = new LiveFeed();
    feed.listener(
      { kind: "run", runId: "r1", scenario: buildScenario("chain-join"), runtime: "process", message: "" },
      0,
    );
    const server = await LiveServer.start({ feed });
    try {
      await feedEntries(feed, 5, "first");
      const firstFive = await readStream(`${server.url}events`, {}, 5);
      assert.deepEqual(names(firstFive), ["first.0", "first.1", "first.2", "first.3", "first.4"]);
      const lastSeen = firstFive.filter((m) => m.id !== undefined).at(-1)!.id!;
      await feedEntries(feed, 3, "later");
      const byHeader = await readStream(
        `${server.url}events?after=0`,
        { "Last-Event-ID": String(lastSeen) },
        3,
      );
      assert.deepEqual(names(byHeader), ["later.0", "later.1", "later.2"], "the header wins over ?after=");
      const byQuery = await readStream(`${server.url}events?after=${lastSeen + 1}`, {}, 2);
      assert.deepEqual(names(byQuery), ["later.1", "later.2"]);
      assert.ok(
        byQuery.some((m) => m.event === "cluster" && m.id === undefined),
        "the summary, unnumbered",
      );
    } finally {
      await server.close("test over");
    }
  });

  it("a page further behind than the stream keeps is told to reload", () => {
    const log = new StreamLog(10);
    for (let i = 0; i < 6; i++) log.publish("entries", { entries: [] }, 4);
    assert.equal(log.lastId, 6);
    assert.deepEqual(
      log.since(4)?.map((m) => m.id),
      [5, 6],
    );
    assert.equal(log.since(2), undefined, "messages 3 and 4 are gone: the page must reload");
    assert.deepEqual(log.since(6), []);
  });

  it("refuses a request that names another host, and actions on a run's page", async () => {
    const server = await LiveServer.start({ feed: new LiveFeed() });
    const port = new URL(server.url).port;
    const ask = (headers: Record<string, string>, method = "GET", path = "/") =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      const rebound = await ask({ Host: `attacker.example:${port}` });
      assert.equal(rebound.status, 421);
      assert.match((JSON.parse(rebound.body) as { error: string }).error, /not as "attacker\.example/);
      assert.equal((await ask({ Host: `localhost:${port}` })).status, 200);
      const action = await ask({ Host: `127.0.0.1:${port}` }, "POST", "/api/actions");
      assert.equal(action.status, 404);
      assert.match(action.body, /only a playground takes actions/);
    } finally {
      await server.close("test over");
    }
  });
});
