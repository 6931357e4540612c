// Test helper: speak raw bytes to a node over loopback and collect whatever it answers until it closes.
import net from "node:net";
import { WAIT_MS } from "./node-process.js";

export interface Exchange {
  /** Everything the node sent before closing. */
  reply: string;
  /** How the connection ended: the node closed it, or it reset it. */
  ending: "closed" | "reset";
}

/** Connects, writes each chunk in turn, optionally half-closes, then reads until the node closes. */
export function exchange(
  port: number,
  chunks: (string | Buffer)[],
  options: { endAfterWrite?: boolean; timeoutMs?: number } = {},
): Promise<Exchange> {
  const timeoutMs = options.timeoutMs ?? WAIT_MS;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`node did not close the connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (ending: Exchange["ending"]): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(received).toString("utf8"), ending });
    };
    socket.on("connect", () => {
      for (const chunk of chunks) socket.write(chunk);
      if (options.endAfterWrite) socket.end();
    });
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("end", () => done("closed"));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") return done("reset");
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Opens a connection and keeps it silent; resolves once connected. */
export function silentConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.on("error", reject);
  });
}

/** Parses the node's one-line reply. */
export function replyJson(exchange: Exchange): Record<string, unknown> {
  const line = exchange.reply.split("\n")[0] ?? "";
  return JSON.parse(line) as Record<string, unknown>;
}
