// Parsing and printing "host:port" addresses, including bracketed IPv6 and the seed's CIDR text.

export interface HostPort {
  host: string;
  port: number;
}

/** "10.0.0.2:8001", "node1:8001" or "[::1]:8001"; undefined when it is none of these. */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/[\]]+)):([0-9]{1,5})$/.exec(text);
  if (!match) return undefined;
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  if (host === undefined || port < 1 || port > 65535) return undefined;
  return { host, port };
}

export function formatHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The seed advertises "127.0.0.1/8"; the host part is what a peer can use. */
export function stripCidr(address: string): string {
  const slash = address.indexOf("/");
  return slash === -1 ? address : address.slice(0, slash);
}
