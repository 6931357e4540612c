// What the live server checks before it answers: the Host a request names is one the server
// listens as (a page on another site that resolves its name to 127.0.0.1 — DNS rebinding — gets
// nothing), and a state-changing request also comes from the server's own page (Origin), carries
// the session's token, and sends a small JSON object. Each refusal says what was wrong.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { hostname, networkInterfaces } from "node:os";

export const TOKEN_HEADER = "x-joinlab-token";
/** A request body larger than this is refused (an action is a few dozen bytes). */
export const MAX_BODY_BYTES = 4096;

export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];
const WILDCARD = new Set(["0.0.0.0", "::", "[::]"]);

/** The names a client may reach the server by, as `host:port` in a Host header. */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK);
  names.add(bracket(bindHost));
  if (WILDCARD.has(bindHost)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(bracket(a.address));
  }
  return new Set([...names].map((n) => `${n.toLowerCase()}:${port}`));
}

function bracket(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export class RequestGuard {
  constructor(
    private readonly hosts: ReadonlySet<string>,
    private readonly token: string,
  ) {}

  /** Every request: the Host must be one of ours. */
  host(req: IncomingMessage): void {
    const host = (req.headers.host ?? "").toLowerCase();
    if (!this.hosts.has(host))
      throw new Refusal(
        421,
        `this server answers as ${[...this.hosts][0]} (and its other local names), not as ${JSON.stringify(host)}`,
      );
  }

  /** A state-changing request: our own page's origin, the session's token, a JSON body. */
  stateChanging(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`)
      throw new Refusal(
        403,
        `requests from ${origin} may not change the cluster; use the page this server serves`,
      );
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin")
      throw new Refusal(403, `a ${site} request may not change the cluster; use the page this server serves`);
    if (!this.tokenMatches(req.headers[TOKEN_HEADER]))
      throw new Refusal(403, `missing or wrong session token (the ${TOKEN_HEADER} header the page sends)`);
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") throw new Refusal(415, "send the action as application/json");
  }

  private tokenMatches(given: string | string[] | undefined): boolean {
    if (typeof given !== "string") return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** The request's JSON body: at most MAX_BODY_BYTES, and an object. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Refusal(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (err) {
    throw new Refusal(400, `the request body is not JSON (${(err as Error).message})`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new Refusal(
      400,
      'the request body must be a JSON object such as {"action": "kill", "node": "node2"}',
    );
  return body as Record<string, unknown>;
}
