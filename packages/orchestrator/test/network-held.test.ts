// A network the engine will not let go: a fake Docker engine on a unix socket refuses every removal
// with 403 ("has active endpoints"), as Docker 20.10 does when it has lost count of a network's
// endpoints, and the error says what holds the network and what to do.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FakeEngine } from "./support/fake-engine.js";

describe("a network whose removal the engine keeps refusing", () => {
  const removals: string[] = [];
  /** What the fake engine lists on each network. */
  const attached: Record<string, Record<string, { Name: string }>> = {
    "net-lost": {},
    "net-used": { c0ffee: { Name: "someone-elses-container" } },
  };
  let engine: FakeEngine;

  before(async () => {
    engine = await FakeEngine.start((req, res) => {
      const id = decodeURIComponent((req.url ?? "").split("?")[0]!.split("/").pop() ?? "");
      res.setHeader("content-type", "application/json");
      if (req.method === "DELETE") {
        removals.push(id);
        res.writeHead(403);
        res.end(
          JSON.stringify({ message: `error while removing network: network ${id} has active endpoints` }),
        );
        return;
      }
      res.writeHead(200);
      res.end(JSON.stringify({ Name: `jl-${id}`, Id: id, Containers: attached[id] ?? {} }));
    });
  });

  after(() => engine.stop());

  const client = () => engine.client();

  it("retries, then says the engine lost track of the endpoints and to restart it", async () => {
    removals.length = 0;
    await assert.rejects(client().removeNetwork("net-lost", 300), (err: Error) => {
      assert.match(
        err.message,
        /network jl-net-lost still has endpoints after 300 ms, though no container is on it/,
      );
      assert.match(err.message, /Restart it .*ensure-docker\.sh.*npm run clean/);
      return true;
    });
    assert.ok(removals.length > 1, `the removal was tried again (${removals.length} attempt(s))`);
  });

  it("names the containers still on it when the engine lists some", async () => {
    await assert.rejects(client().removeNetwork("net-used", 100), (err: Error) => {
      assert.match(err.message, /network jl-net-used is still in use by someone-elses-container/);
      assert.match(err.message, /remove those containers, then run `npm run clean`/);
      return true;
    });
  });
});
