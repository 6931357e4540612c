// A loopback port nobody listens on right now: the OS picks it, we release it and hand the number on
// (for benchmarks, tests and the orchestrator's process runtime, which never hard-code ports).
import { createServer, type AddressInfo } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
