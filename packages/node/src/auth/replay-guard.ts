// Refuses a signed frame twice: outside a window around this node's clock by its timestamp, and
// inside it by its nonce, in a cache of bounded size. The guarantee, kept through evictions,
// purges and clock steps: every frame accepted before is either in the cache or has a timestamp at
// or below `floor`, and nothing at or below the floor is accepted. The floor starts at the
// process's start: a frame signed before this process existed was never meant for it (so a
// restarted node, whose cache is empty, is not open to replays of what its predecessor received).

export interface ReplayGuardOptions {
  /** Accepted clock difference, either way (ms). */
  windowMs: number;
  /** Most nonces remembered; past it the oldest go, and the floor rises to their timestamps. */
  capacity: number;
  /** Nothing signed at or before this is accepted (ms; the process start). */
  floor: number;
}

export type ReplayVerdict = "fresh" | "stale" | "replay";

const PURGE_EVERY_MS = 1000;

export class ReplayGuard {
  readonly #windowMs: number;
  readonly #capacity: number;
  #floor: number;
  /** nonce → timestamp, in arrival order (close to timestamp order: purges take from the front). */
  readonly #seen = new Map<string, number>();
  #purgedAt = -Infinity;

  constructor(options: ReplayGuardOptions) {
    this.#windowMs = options.windowMs;
    this.#capacity = options.capacity;
    this.#floor = options.floor;
  }

  /** Judges a frame whose MAC verified, and remembers it when fresh. */
  admit(ts: number, nonce: string, now: number): ReplayVerdict {
    // Purging is for memory only (the floor and the window decide), so once a second is enough.
    if (now - this.#purgedAt >= PURGE_EVERY_MS || now < this.#purgedAt) this.#purge(now);
    if (ts <= this.#floor || Math.abs(now - ts) > this.#windowMs) return "stale";
    if (this.#seen.has(nonce)) return "replay";
    this.#seen.set(nonce, ts);
    if (this.#seen.size > this.#capacity) this.#evictOldest();
    return "fresh";
  }

  /** Milliseconds between `ts` and the edge of what is still accepted (for error messages). */
  describe(ts: number, now: number): string {
    if (ts <= this.#floor)
      return "it was signed before this node started (or before what it still remembers)";
    const skew = Math.round((now - ts) / 1000);
    return skew > 0
      ? `it was signed ${skew} s ago, outside the ±${this.#windowMs / 1000} s window (a replay, or clocks apart)`
      : `it was signed ${-skew} s in this node's future, outside the ±${this.#windowMs / 1000} s window (clocks apart)`;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Entries that fell out of the window can go: the floor keeps refusing them. */
  #purge(now: number): void {
    this.#purgedAt = now;
    const edge = now - this.#windowMs;
    for (const [nonce, ts] of this.#seen) {
      if (ts >= edge) break;
      this.#forget(nonce, ts);
    }
  }

  #evictOldest(): void {
    const first = this.#seen.entries().next();
    if (!first.done) this.#forget(first.value[0], first.value[1]);
  }

  #forget(nonce: string, ts: number): void {
    this.#seen.delete(nonce);
    if (ts > this.#floor) this.#floor = ts;
  }
}
