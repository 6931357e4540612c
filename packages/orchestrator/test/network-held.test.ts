// A network the engine will not let go: a fake Docker engine on a unix socket refuses every removal
// with 403 ("has active endpoints"), as Docker 20.10 does when it has lost count of a network's
// endpoints, and the error says what holds the network and what to do.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Dockerode from "dockerode";
import winston from "winston";
import { DockerClient } from "../src/runtime/docker-client.js";

describe("a network whose removal the engine keeps refusing", () => {
  const dir = mkdtempSync(join(tmpdir(), "joinlab-engine-"));
  const socketPath = join(dir, "docker.sock");
  const removals: string[] = [];
  /** What the fake engine lists on each network. */
  const attached: Record<string, Record<string, { Name: string }>> = {
    "net-lost": {},
    "net-used": { c0ffee: { Name: "someone-elses-container" } },
  };
  let server: Server;

  before(async () => {
    server = createServer((req, res) => {
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
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const client = () =>
    new DockerClient(new Dockerode({ socketPath }), winston.createLogger({ silent: true }));

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
