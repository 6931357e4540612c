// A fake Docker engine: an HTTP server on a unix socket in a scratch directory, answering with the
// test's own handler, and a DockerClient that talks to it.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import winston from "winston";
import { DockerClient } from "../../src/runtime/docker-client.js";
import type { EngineCallBound } from "../../src/runtime/engine-call-bound.js";

export class FakeEngine {
  private readonly dir = mkdtempSync(join(tmpdir(), "joinlab-engine-"));
  readonly socketPath = join(this.dir, "docker.sock");
  private readonly server: Server;

  private constructor(handler: RequestListener) {
    this.server = createServer(handler);
  }

  static async start(handler: RequestListener): Promise<FakeEngine> {
    const engine = new FakeEngine(handler);
    await new Promise<void>((resolve) => engine.server.listen(engine.socketPath, resolve));
    return engine;
  }

  /** A client of this engine, logging nothing. */
  client(bound?: EngineCallBound): DockerClient {
    return new DockerClient(
      new Dockerode({ socketPath: this.socketPath }),
      winston.createLogger({ silent: true }),
      ...(bound ? [bound] : []),
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
