// A FIFO limit on operations in flight: the Docker daemon serialises container starts beyond 4–8,
// so more concurrency only makes each start slower.
export class Limiter {
  private active = 0;
  private readonly queue: { priority: number; go: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`in-flight limit must be a positive integer, got ${limit}`);
  }

  /** Higher `priority` goes first among waiters (container starts before pre-creates); FIFO within one. */
  async run<T>(fn: () => Promise<T>, priority = 0): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((go) => {
        let i = this.queue.length;
        while (i > 0 && this.queue[i - 1]!.priority < priority) i--;
        this.queue.splice(i, 0, { priority, go });
      });
    }
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.go();
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; settles all, like Promise.allSettled. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const limiter = new Limiter(limit);
  return Promise.allSettled(items.map((item) => limiter.run(() => fn(item))));
}
