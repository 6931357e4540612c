// The live page's event stream: an EventSource on /events that resumes after the last message it
// had (`after`), with its own bounded reconnect. The browser's built-in reconnect would retry
// forever at a fixed pace; here a dropped connection is retried with backoff (0.5 s doubling to
// 15 s, with jitter) at most MAX_ATTEMPTS times in a row, then the page says the server is gone.
import type { StreamEvent, StreamMessages } from "./live-protocol.js";

const MAX_ATTEMPTS = 12;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

export type StreamStatus = "connecting" | "live" | "retrying" | "gone" | "ended";

export interface StreamHandlers {
  message<E extends StreamEvent>(event: E, data: StreamMessages[E], id: number | undefined): void;
  status(status: StreamStatus, detail: string): void;
}

const EVENTS: readonly StreamEvent[] = ["entries", "checks", "cluster", "final", "reset", "bye"];

export class EventStream {
  private source: EventSource | undefined;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    /** The last message id the page holds. */
    private lastId: number,
    private readonly handlers: StreamHandlers,
  ) {}

  get lastEventId(): number {
    return this.lastId;
  }

  open(): void {
    if (this.closed) return;
    this.handlers.status(
      this.attempts ? "retrying" : "connecting",
      this.attempts ? `attempt ${this.attempts}` : "",
    );
    const source = new EventSource(`${this.url}${this.url.includes("?") ? "&" : "?"}after=${this.lastId}`);
    this.source = source;
    source.onopen = () => {
      this.attempts = 0;
      this.handlers.status("live", "");
    };
    source.onerror = () => this.dropped();
    for (const name of EVENTS) source.addEventListener(name, (e) => this.receive(name, e as MessageEvent));
  }

  /** Closes the stream for good (the run ended, or the page is leaving). */
  close(status: StreamStatus = "ended", detail = ""): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.handlers.status(status, detail);
  }

  /** Drops the connection and resumes it at once, after the last message held (as a lost connection would). */
  reconnect(): void {
    this.source?.close();
    clearTimeout(this.timer);
    this.open();
  }

  private receive(name: StreamEvent, e: MessageEvent): void {
    const id = e.lastEventId ? Number(e.lastEventId) : undefined;
    // A message the page already holds (an overlap after a resume) is not applied twice.
    if (id !== undefined && (name === "entries" || name === "checks" || name === "final")) {
      if (id <= this.lastId) return;
      this.lastId = id;
    }
    this.handlers.message(name, JSON.parse(e.data as string), id);
    if (name === "bye") this.close("ended", (JSON.parse(e.data as string) as { reason: string }).reason);
  }

  private dropped(): void {
    this.source?.close();
    if (this.closed) return;
    if (++this.attempts > MAX_ATTEMPTS) {
      this.close(
        "gone",
        `no answer from the server after ${MAX_ATTEMPTS} attempts; reload the page to try again`,
      );
      return;
    }
    const backoff = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (this.attempts - 1));
    const delay = backoff * (0.75 + Math.random() * 0.5);
    this.handlers.status("retrying", `connection lost; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.timer = setTimeout(() => this.open(), delay);
  }
}
