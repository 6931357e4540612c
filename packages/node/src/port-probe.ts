// Checks that the listen port is free before joining, so a taken port fails fast and joins nobody.
import net from "node:net";

/**
 * Resolves with the port once it could be bound (and releases it again); rejects with the bind
 * error. Port 0 resolves to a free port chosen by the OS, so a joiner can advertise it.
 */
export function probePort(port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}
