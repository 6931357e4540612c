// The default advertised address: one a peer can reach, never loopback and never CIDR text.
import os from "node:os";

/** First non-internal IPv4 address (a container's bridge IP); the hostname if there is none. */
export function defaultAdvertiseAddress(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return os.hostname();
}
