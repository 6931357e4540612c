// Port numbers for nodes. A node listens for joins on TCP and speaks membership on UDP under the
// same number, so "free" means free for both. probePort checks one number (or lets the OS pick);
// freePort hands out numbers for tests, the bench and the process runtime, which never hard-code.
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import net from "node:net";

/** UDP binds the listen host when it is an IPv4 address, else every IPv4 interface (the transport is IPv4 only). */
export function udpBindHost(listenHost: string | undefined): string {
  return listenHost !== undefined && net.isIPv4(listenHost) ? listenHost : "0.0.0.0";
}

/**
 * Binds `port` (TCP listen, exclusive, on `host`; with `udp`, the same number for UDP too), then
 * releases it. Resolves with the number; rejects with the bind error (errno `code` kept, and
 * `transport: "udp"` when UDP refused). Port 0:
 * a number the OS picks for TCP that UDP can take as well.
 */
export async function probePort(
  port: number,
  host: string | undefined,
  opts = { udp: true },
): Promise<number> {
  // An OS-picked TCP number can be taken for UDP: pick again a few times before giving up.
  for (let attempt = 1; ; attempt++) {
    const bound = await listenOnce(port, host);
    if (!opts.udp) return bound;
    try {
      await bindUdpOnce(bound, udpBindHost(host));
      return bound;
    } catch (err) {
      // Say which protocol refused: "free it" means something else for a UDP port.
      if (port !== 0 || attempt >= 20) throw Object.assign(err as Error, { transport: "udp" });
    }
  }
}

/** How long a number handed out by freePort stays claimed against other processes on this machine. */
const CLAIM_MS = 60_000;
const handedOut = new Set<number>();

/**
 * A port free for TCP and UDP right now, never handed out twice by this process. It is taken
 * below the range the OS assigns on its own (outgoing connections, port-0 binds), so no socket of
 * anyone else's gets it by chance between now and the node's bind; and it is claimed for a minute
 * against other processes that call freePort (tests run in parallel), by a Linux abstract socket
 * that vanishes with its process, so nothing is left behind.
 */
export async function freePort(): Promise<number> {
  const [low, high] = assignableRange();
  for (let i = 0; i < 1000; i++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port) || !(await claim(port))) continue;
    if (
      !(await probePort(port, undefined).then(
        () => true,
        () => false,
      ))
    )
      continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${low}..${high} after 1000 tries`);
}

/** Numbers outside the OS's ephemeral range (Linux: ip_local_port_range; elsewhere its usual start). */
function assignableRange(): [number, number] {
  let ephemeralLow = 32768;
  let ephemeralHigh = 60999;
  try {
    const [a, b] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(a) && Number.isInteger(b))
      [ephemeralLow, ephemeralHigh] = [a as number, b as number];
  } catch {
    // Not Linux: the IANA dynamic range starts at 49152, so below 32768 is clear there too.
  }
  if (ephemeralLow > 12_000) return [10_000, ephemeralLow - 1];
  return [ephemeralHigh + 1, 65_535];
}

/** True if no other process holds the claim on `port` (always true where abstract sockets do not exist). */
function claim(port: number): Promise<boolean> {
  if (process.platform !== "linux") return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ path: `\0joinlab-port-${port}` }, () => {
      server.unref();
      setTimeout(() => server.close(), CLAIM_MS).unref();
      resolve(true);
    });
  });
}

function listenOnce(port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

function bindUdpOnce(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: "udp4" });
    socket.unref();
    socket.once("error", (err) => {
      socket.close();
      reject(err);
    });
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve()));
  });
}
