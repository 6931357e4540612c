// Accepts inbound connections concurrently: one request line each, under a size cap, a deadline and a cap on connections.
import net from "node:net";
import { LineDecoder, encodeLine, errorReply, type ErrorCode } from "@joinlab/protocol";
import { IoFirstTimer } from "../io-first-timer.js";
import type { NodeLogger } from "../log/node-logger.js";

/** A reply already encoded (signed replies): written as is instead of as JSON. */
export class EncodedReply {
  constructor(readonly text: string) {}
}

export interface InboundServerOptions {
  maxConnections: number;
  requestTimeoutMs: number;
  maxLineBytes: number;
  logger: NodeLogger;
  /** Answers one request line; returns the value to send back (the connection closes after it), or an EncodedReply. */
  /** `remote`: the peer's host:port; `local`: the address this node was reached at (its own IP). */
  handleLine: (line: Buffer, remote: string, local?: string) => unknown;
}

/** After our reply, how long a peer may keep the connection before we drop it. */
const LINGER_MS = 1000;

export class InboundServer {
  readonly #options: InboundServerOptions;
  readonly #server: net.Server;
  /** Every connection, including refused and answered ones that linger until the peer closes. */
  readonly #open = new Set<net.Socket>();
  /** Accepted, request not answered yet: what the connection cap counts. */
  readonly #awaiting = new Set<net.Socket>();
  /** Reply handed to the socket but not flushed yet: what stop() waits for. */
  readonly #flushing = new Set<net.Socket>();

  constructor(options: InboundServerOptions) {
    this.#options = options;
    // allowHalfOpen: a client may end its side right after the request and still read our reply.
    this.#server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.#accept(socket));
  }

  listen(port: number, host: string | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen({ port, host, exclusive: true }, () => {
        this.#server.off("error", reject);
        // From now on a server error must not crash the node; log it.
        this.#server.on("error", (err) =>
          this.#options.logger.error({ event: "protocol.error", message: `server error: ${err.message}` }),
        );
        resolve();
      });
    });
  }

  /**
   * Stops accepting and lets replies already written finish flushing (up to graceMs). Connections
   * still waiting for their request line are dropped at once: they have no reply in flight.
   */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#open) if (!this.#flushing.has(socket)) socket.destroy();
    const deadline = Date.now() + graceMs;
    while (this.#flushing.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    for (const socket of this.#open) socket.destroy();
    await closed;
  }

  #accept(socket: net.Socket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.#track(socket, remote);
    // Answered connections only linger until the peer closes (at most LINGER_MS), so they do not count.
    if (this.#awaiting.size >= this.#options.maxConnections) return this.#refuseOverCap(socket, remote);
    this.#awaiting.add(socket);
    this.#readRequest(socket, remote);
  }

  /** Keeps the socket in the server's sets until it closes; a peer's reset only costs the socket. */
  #track(socket: net.Socket, remote: string): void {
    this.#open.add(socket);
    // A reset from a peer must never become an uncaught exception.
    socket.on("error", (err: NodeJS.ErrnoException) => {
      this.#options.logger.debug({
        event: "protocol.error",
        message: `socket error from ${remote}: ${err.code ?? err.message}`,
        remote,
      });
      socket.destroy();
    });
    socket.on("close", () => {
      this.#open.delete(socket);
      this.#awaiting.delete(socket);
      this.#flushing.delete(socket);
    });
  }

  #refuseOverCap(socket: net.Socket, remote: string): void {
    const { logger, maxConnections } = this.#options;
    logger.warn({
      event: "connection.rejected",
      message: `refused ${remote}: already serving ${maxConnections} connections`,
      remote,
      maxConnections,
    });
    this.#replyAndClose(
      socket,
      errorReply(
        "too-many-connections",
        `this node serves at most ${maxConnections} connections at once; retry shortly`,
      ),
    );
  }

  /** Reads one request line within the deadline and answers it once (or answers the error). */
  #readRequest(socket: net.Socket, remote: string): void {
    const { requestTimeoutMs, maxLineBytes } = this.#options;
    const decoder = new LineDecoder(maxLineBytes);
    let answered = false;
    /** True the first time only: a connection gets one answer, then reads nothing more. */
    const firstAnswer = (): boolean => {
      if (answered) return false;
      answered = true;
      socket.pause();
      return true;
    };
    const fail = (code: ErrorCode, reason: string) =>
      firstAnswer() && this.#fail(socket, remote, code, reason);
    const answer = (line: Buffer) => firstAnswer() && this.#answer(socket, remote, line);

    // Absolute, not idle: a client trickling one byte a second is closed on time too. A request
    // that arrived in time but was not read yet (the node was starved) is still answered.
    const deadline = new IoFirstTimer(requestTimeoutMs, () =>
      fail("request-timeout", `no complete request line within ${requestTimeoutMs} ms`),
    );
    socket.on("close", () => deadline.cancel());
    socket.on("data", (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind === "overflow") {
          return fail("line-too-long", `request line longer than ${event.maxLineBytes} bytes; closing`);
        }
        // Go's decoder skips whitespace between values, so blank lines are not an error.
        if (!isBlank(event.bytes)) return answer(event.bytes);
      }
    });
    socket.on("end", () => {
      for (const event of decoder.end()) {
        if (event.kind === "line" && !isBlank(event.bytes)) return answer(event.bytes);
      }
      // Connected and closed without a request (a port probe): nothing to answer.
      if (!answered) {
        answered = true;
        this.#awaiting.delete(socket);
        socket.end();
      }
    });
  }

  #fail(socket: net.Socket, remote: string, code: ErrorCode, reason: string): void {
    this.#options.logger.warn({
      event: "protocol.error",
      message: `${remote}: ${reason}`,
      remote,
      code,
      reason,
    });
    this.#replyAndClose(socket, errorReply(code, reason));
  }

  #answer(socket: net.Socket, remote: string, line: Buffer): void {
    let reply: unknown;
    try {
      reply = this.#options.handleLine(line, remote, socket.localAddress);
    } catch (err) {
      // A bug in a handler must cost one connection, never the node.
      this.#options.logger.error({
        event: "protocol.error",
        message: `handler failed for ${remote}: ${(err as Error).message}`,
        remote,
      });
      reply = errorReply("invalid-message", "the node could not handle this request");
    }
    this.#replyAndClose(socket, reply);
  }

  #replyAndClose(socket: net.Socket, reply: unknown): void {
    if (socket.destroyed) return;
    this.#awaiting.delete(socket);
    this.#flushing.add(socket);
    const text = reply instanceof EncodedReply ? reply.text : encodeLine(reply);
    socket.end(text, () => this.#flushing.delete(socket));
    // A peer that never reads or never closes must not hold the slot.
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }
}

function isBlank(bytes: Buffer): boolean {
  return bytes.toString("latin1").trim() === "";
}
