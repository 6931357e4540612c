// A bound on every request to a Docker engine. An engine can stop answering some requests while
// it still answers others: Debian's Docker 20.10 deadlocks in its network code when many
// containers leave one network at once, and from then on every call about those containers hangs.
// Without a bound the run's teardown waited for ever. With one, the first call past its bound is
// aborted (its socket closed, so nothing holds the process), the engine is taken as stuck, and
// every later call fails at once, naming the call that hung, instead of waiting out its own bound.

/** Ample for any one request to an engine that works, even one starting 128 containers. */
export const ENGINE_CALL_BOUND_MS = 120_000;

export class EngineStuck extends Error {
  constructor(
    /** The call that got no answer. */
    readonly what: string,
    readonly boundMs: number,
    /** A later call, refused without asking the engine: its message is the short form. */
    refused?: string,
  ) {
    const seconds = Math.round(boundMs / 1000);
    super(
      refused === undefined
        ? `the Docker engine did not answer "${what}" within ${seconds} s: it is stuck (one known ` +
            "cause: Debian's Docker 20.10 deadlocks when many containers leave a network at once). " +
            "Restart it (`pkill dockerd`, then `kill -9` if it stays; `bash scripts/ensure-docker.sh`), " +
            "then run `npm run clean` to remove what is left of the run"
        : `not sent: "${refused}": the Docker engine is stuck ("${what}" got no answer within ` +
            `${seconds} s; restart the engine, then run \`npm run clean\`)`,
    );
    this.name = "EngineStuck";
  }
}

export class EngineCallBound {
  #stuck: EngineStuck | undefined;

  constructor(private readonly boundMs = ENGINE_CALL_BOUND_MS) {}

  /**
   * Runs one engine request, handing it the signal that aborts it once `extraMs` plus the bound has
   * passed (`extraMs`: time the request is allowed on purpose, such as a stop's grace period).
   */
  async run<T>(what: string, request: (signal: AbortSignal) => Promise<T>, extraMs = 0): Promise<T> {
    if (this.#stuck) throw new EngineStuck(this.#stuck.what, this.#stuck.boundMs, what);
    const boundMs = this.boundMs + extraMs;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#stuck ??= new EngineStuck(what, boundMs);
        abort.abort(this.#stuck);
        reject(this.#stuck);
      }, boundMs);
    });
    try {
      return await Promise.race([request(abort.signal), overdue]);
    } finally {
      clearTimeout(timer);
    }
  }
}
