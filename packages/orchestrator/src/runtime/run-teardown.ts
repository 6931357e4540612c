// A run's one teardown, and the creates it must wait for. A create already sent to the engine when
// the run stops (Ctrl-C in the middle of a bring-up) may still land: the teardown lets those land,
// for a bounded time, before it removes everything of the run, so what they made is removed too.
// A second stop (Ctrl-C twice) joins the first.
import { delay } from "../shared/delay.js";

/** How long a teardown waits for the creates in flight to land. */
const LANDING_WAIT_MS = 5000;

export class RunTeardown {
  private readonly creates = new Set<Promise<unknown>>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly runId: string) {}

  /** Starts the create of `name`, tracked for the teardown; refused once the run is stopping. */
  async create<T>(name: string, start: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new Error(`run ${this.runId} is stopping: ${name} not created`);
    const op = start();
    this.creates.add(op);
    const forget = () => this.creates.delete(op);
    op.then(forget, forget);
    return op;
  }

  /** Runs `removeAll` once the creates in flight have landed (or the wait is over); later calls join it. */
  stop(removeAll: () => Promise<void>): Promise<void> {
    return (this.stopping ??= this.landed().then(removeAll));
  }

  private async landed(): Promise<void> {
    await Promise.race([Promise.allSettled([...this.creates]), delay(LANDING_WAIT_MS)]);
  }
}
