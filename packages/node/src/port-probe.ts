// Checks that the listen port is free before joining, so a taken port fails fast and joins nobody.
import net from "node:net";

/** Resolves when `port` could be bound (and releases it again); rejects with the bind error. */
export function probePort(port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}
