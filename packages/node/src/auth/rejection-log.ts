// Says who was refused and why (`auth.rejected`), without letting a flood fill the disk: at most
// one line a second per (reason, sender host), and a global budget on top (a burst, then one line
// every couple of seconds). Every rejection is counted; each line carries how many it stands for,
// and the totals go to the ready file.
import { REJECT_REASONS, type RejectReason } from "./cluster-auth.js";

export type Transport = "udp" | "tcp";

export interface Rejection {
  reason: RejectReason;
  detail: string;
  transport: Transport;
  /** The sender as host:port. */
  peer: string;
  kid?: string;
  label?: string;
}

/** One log line's worth: the rejection, plus `count` rejections (this one included) it stands for. */
export type RejectionLine = Rejection & { count: number };

export interface RejectionLogOptions {
  write: (line: RejectionLine) => void;
  /** Called after every rejection, logged or not (the node refreshes its counters). */
  onRecord?: () => void;
  clock?: () => number;
  /** Per (reason, host): at most one line per this (ms). */
  perSourceIntervalMs?: number;
  /** Global budget: this many lines at once, refilled one per `refillMs`. */
  burst?: number;
  refillMs?: number;
  /** Sources tracked one by one; beyond, they share one bucket per reason (spoofed floods). */
  maxSources?: number;
}

export type RejectionCounts = Record<RejectReason, number>;

interface Source {
  lastLine: number;
  pending: number;
  /** The latest rejection not logged yet (what flush() reports). */
  latest?: Rejection;
}

export class RejectionLog {
  readonly #options: Required<Omit<RejectionLogOptions, "write" | "clock" | "onRecord">>;
  readonly #write: (line: RejectionLine) => void;
  readonly #onRecord: () => void;
  readonly #clock: () => number;
  readonly #sources = new Map<string, Source>();
  readonly #counts = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as RejectionCounts;
  #tokens: number;
  #refilledAt: number;

  constructor(options: RejectionLogOptions) {
    this.#write = options.write;
    this.#onRecord = options.onRecord ?? (() => {});
    this.#clock = options.clock ?? Date.now;
    this.#options = {
      perSourceIntervalMs: options.perSourceIntervalMs ?? 1000,
      burst: options.burst ?? 20,
      refillMs: options.refillMs ?? 2000,
      maxSources: options.maxSources ?? 256,
    };
    this.#tokens = this.#options.burst;
    this.#refilledAt = this.#clock();
  }

  record(rejection: Rejection): void {
    this.#counts[rejection.reason]++;
    const now = this.#clock();
    const source = this.#source(`${rejection.reason} ${hostOf(rejection.peer)}`);
    source.pending++;
    source.latest = rejection;
    if (now - source.lastLine >= this.#options.perSourceIntervalMs && this.#takeToken(now)) {
      source.lastLine = now;
      this.#writePending(source);
    }
    this.#onRecord();
  }

  /** Logs what the limits held back (at stop): one line per sender and reason, at most. */
  flush(): void {
    for (const source of this.#sources.values()) this.#writePending(source);
  }

  /** Rejections so far, by reason (every one, logged or not). */
  counts(): RejectionCounts {
    return { ...this.#counts };
  }

  total(): number {
    return Object.values(this.#counts).reduce((sum, n) => sum + n, 0);
  }

  #writePending(source: Source): void {
    if (source.pending === 0 || source.latest === undefined) return;
    const line = { ...source.latest, count: source.pending };
    source.pending = 0;
    delete source.latest;
    this.#write(line);
  }

  #source(key: string): Source {
    let source = this.#sources.get(key);
    if (source !== undefined) return source;
    const shared = `${key.split(" ")[0]} *`;
    if (this.#sources.size >= this.#options.maxSources) return this.#sources.get(shared) ?? this.#add(shared);
    source = this.#add(key);
    return source;
  }

  #add(key: string): Source {
    const source = { lastLine: -Infinity, pending: 0 };
    this.#sources.set(key, source);
    return source;
  }

  #takeToken(now: number): boolean {
    const refills = Math.floor((now - this.#refilledAt) / this.#options.refillMs);
    if (refills > 0) {
      this.#tokens = Math.min(this.#options.burst, this.#tokens + refills);
      this.#refilledAt += refills * this.#options.refillMs;
    }
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}

/** "10.0.0.5:8001" → "10.0.0.5"; "[::1]:80" → "[::1]". */
function hostOf(peer: string): string {
  const colon = peer.lastIndexOf(":");
  return colon > 0 ? peer.slice(0, colon) : peer;
}
