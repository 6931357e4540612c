// One page's event stream (server-sent events over Node's own http: a response that stays open,
// one `id:` / `event:` / `data:` block per message). A comment every 15 s keeps proxies and the
// page aware the connection lives; a page that reads too slowly is dropped once a bounded amount
// waits for it (it reconnects and resumes after its last message).
import type { ServerResponse } from "node:http";
import type { StreamMessage } from "./stream-log.js";

const HEARTBEAT_MS = 15_000;
/** What may wait, unsent, for a slow page before it is dropped. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** The page's own reconnect decides the pace; this is the browser's, should it reconnect by itself. */
const RETRY_MS = 2000;

export class SseClient {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly onClose: () => void,
  ) {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.heartbeat = setInterval(() => this.write(": alive\n\n"), HEARTBEAT_MS);
    res.on("close", () => this.end());
  }

  send(message: StreamMessage): void {
    const id = message.id !== undefined ? `id: ${message.id}\n` : "";
    // JSON.stringify writes no line breaks, so the data is one `data:` line.
    this.write(`${id}event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
  }

  /** Ends the response (the page sees the stream end, as on a lost connection). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.res.end();
    this.res.socket?.destroy();
    this.onClose();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) return this.end();
    this.res.write(text);
  }
}
