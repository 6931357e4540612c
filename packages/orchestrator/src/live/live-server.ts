// The live server (Node's own http; three routes need no framework): GET / serves the live page
// for the run as it is now, GET /events its event stream (resuming after the page's last message),
// POST /api/actions a playground's controls. It binds to loopback unless told otherwise, checks
// every request's Host, and lets only its own page, with the session's token, change anything.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  LIVE_WINDOW,
  renderLivePage,
  type ActionKind,
  type ActionReply,
  type LiveBoot,
} from "@joinlab/report";
import type { LiveFeed } from "./live-feed.js";
import { allowedHosts, readJsonBody, Refusal, RequestGuard } from "./request-guard.js";
import { SseClient } from "./sse-client.js";

/** What a playground lets its page do. */
export interface SessionControls {
  readonly available: readonly ActionKind[];
  readonly cutBy?: "rules" | "disconnect";
  /** Validates and applies one request: the reply and its HTTP status. */
  perform(body: Record<string, unknown>): Promise<{ status: number; reply: ActionReply }>;
}

export interface LiveServerOptions {
  feed: LiveFeed;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a free port. */
  port?: number;
  controls?: SessionControls;
}

const SECURITY_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  // The page's own policy is in its <meta>; framing can only be forbidden here.
  "Content-Security-Policy": "frame-ancestors 'none'",
};

export class LiveServer {
  readonly session = randomBytes(9).toString("base64url");
  private readonly token = randomBytes(24).toString("base64url");
  private readonly clients = new Set<SseClient>();
  private guard!: RequestGuard;
  private url_ = "";
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly options: LiveServerOptions,
  ) {}

  static async start(options: LiveServerOptions): Promise<LiveServer> {
    const server = createServer();
    const live = new LiveServer(server, options);
    server.on("request", (req, res) => void live.handle(req, res));
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    live.guard = new RequestGuard(allowedHosts(host, port), live.token);
    const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
    live.url_ = `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}/`;
    return live;
  }

  get url(): string {
    return this.url_;
  }

  /** Drops every page's stream, as a lost connection would (they reconnect and resume). */
  disconnectClients(): void {
    for (const c of [...this.clients]) c.end();
  }

  /** Tells every page the server is going, then stops listening; idempotent. */
  close(reason: string): Promise<void> {
    return (this.closing ??= this.shutDown(reason));
  }

  private async shutDown(reason: string): Promise<void> {
    this.options.feed.close();
    for (const c of [...this.clients]) {
      c.send({ event: "bye", data: { reason }, weight: 0 });
      c.end();
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      this.guard.host(req);
      const url = new URL(req.url ?? "/", "http://live.invalid");
      const route = `${req.method} ${url.pathname}`;
      if (route === "GET /" || route === "GET /index.html") return this.page(res);
      if (route === "GET /events") return this.events(req, res, url);
      if (route === "POST /api/actions") return await this.action(req, res);
      if (["/", "/index.html", "/events", "/api/actions"].includes(url.pathname))
        throw new Refusal(405, `${req.method} is not allowed on ${url.pathname}`);
      throw new Refusal(404, `nothing at ${url.pathname}: the live page is at /`);
    } catch (err) {
      const status = err instanceof Refusal ? err.status : 500;
      json(res, status, { ok: false, error: (err as Error).message });
    }
  }

  private page(res: ServerResponse): void {
    const { feed, controls } = this.options;
    const snapshot = feed.snapshot();
    const boot: LiveBoot = {
      session: this.session,
      token: this.token,
      mode: controls ? "playground" : "run",
      lastEventId: snapshot.lastEventId,
      dropped: snapshot.dropped,
      window: { ...LIVE_WINDOW },
      cluster: feed.summary(),
      actions: [...(controls?.available ?? [])],
      ...(controls?.cutBy ? { cutBy: controls.cutBy } : {}),
      ...(feed.ended ? { ended: feed.ended } : {}),
    };
    const html = renderLivePage(snapshot.model, boot);
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  }

  /** The stream from the message after `after` (or Last-Event-ID, on the browser's own reconnect). */
  private events(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const header = req.headers["last-event-id"];
    const after = Number(
      typeof header === "string" && header ? header : (url.searchParams.get("after") ?? "0"),
    );
    if (!Number.isInteger(after) || after < 0)
      throw new Refusal(400, "after must be a message id (0, 1, 2, ...)");
    const { stream } = this.options.feed;
    const session = url.searchParams.get("session");
    let unsubscribe = () => {};
    const client = new SseClient(res, () => {
      unsubscribe();
      this.clients.delete(client);
    });
    this.clients.add(client);
    // A page of an earlier session on this port: its message ids mean nothing here.
    if (session !== null && session !== this.session)
      return client.send({
        event: "bye",
        data: { reason: "this page belongs to an earlier session; reload it" },
        weight: 0,
      });
    const missed = stream.since(after);
    if (!missed) return client.send({ event: "reset", data: {}, weight: 0 });
    client.send({ event: "cluster", data: this.options.feed.summary(), weight: 0 });
    for (const m of missed) client.send(m);
    unsubscribe = stream.subscribe((m) => client.send(m));
  }

  private async action(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controls = this.options.controls;
    if (!controls) throw new Refusal(404, "this live page watches a run; only a playground takes actions");
    this.guard.stateChanging(req);
    const body = await readJsonBody(req);
    const { status, reply } = await controls.perform(body);
    json(res, status, reply);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
