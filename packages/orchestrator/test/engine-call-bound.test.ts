// An engine that stops answering: a fake Docker engine on a unix socket answers listings but
// never answers a container's removal, as a deadlocked engine did.
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { after, before, describe, it } from "node:test";
import { EngineCallBound, EngineStuck } from "../src/runtime/engine-call-bound.js";
import { FakeEngine } from "./support/fake-engine.js";

describe("a Docker engine that stops answering", () => {
  const requests: string[] = [];
  const hung: IncomingMessage[] = [];
  let engine: FakeEngine;

  before(async () => {
    engine = await FakeEngine.start((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.method === "DELETE") {
        hung.push(req); // never answered
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end("[]");
    });
  });

  after(() => engine.stop());

  const client = () => engine.client(new EngineCallBound(300));

  it("fails the call past its bound, says what to do, and closes its request", async () => {
    const docker = client();
    assert.deepEqual(await docker.listContainers("joinlab.run=r1"), []);
    await assert.rejects(docker.removeContainer("c0ffee", "node7"), (err: Error) => {
      assert.ok(err instanceof EngineStuck, err.message);
      assert.match(err.message, /did not answer "Removing container node7" within/);
      assert.match(err.message, /Restart it .*npm run clean/);
      return true;
    });
    const request = hung.at(-1);
    assert.ok(request, "the removal reached the engine");
    // The aborted request's connection is closed (bounded wait): nothing keeps the process alive.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the hung request stayed open")), 5000);
      const closed = () => (clearTimeout(timer), resolve());
      if (request.socket.destroyed) closed();
      else request.socket.once("close", closed);
    });
  });

  it("then refuses every call at once, without asking the engine", async () => {
    const docker = client();
    await assert.rejects(docker.removeContainer("c0ffee", "node8"), EngineStuck);
    const asked = requests.length;
    await assert.rejects(docker.listContainers("joinlab.run=r1"), (err: Error) => {
      assert.ok(err instanceof EngineStuck);
      assert.match(err.message, /"Listing containers labelled joinlab.run=r1"/, "it names the call refused");
      assert.match(err.message, /"Removing container node8" got no answer/, "and the call that hung");
      assert.match(err.message, /npm run clean/);
      return true;
    });
    await assert.rejects(docker.removeNetwork("net1"), EngineStuck);
    assert.equal(requests.length, asked, "no request after the engine was found stuck");
  });
});
