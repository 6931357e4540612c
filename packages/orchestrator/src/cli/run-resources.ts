// What a command that runs nodes holds as it comes to exist (the runtime, the run's environment),
// and Ctrl-C over it: once, the controller aborts (a graceful stop); twice, or SIGTERM, the run's
// resources are removed at once, found by the run's id, known before anything exists.
import { handleSignals } from "../cleanup/signals.js";
import { chooseRuntime, type ChooseRuntimeOptions } from "../runtime/choose-runtime.js";
import type { Runtime, StartedEnvironment } from "../runtime/types.js";

export class RunResources {
  env: StartedEnvironment | undefined;
  runtime: Runtime | undefined;

  constructor(readonly runId: string) {}

  /** Installs the Ctrl-C and SIGTERM handling; returns its removal. */
  handleSignals(controller: AbortController, print: (text: string) => void): () => void {
    return handleSignals({
      controller,
      print,
      force: async () => {
        await this.env?.stop();
        await this.runtime?.sweep({ runId: this.runId });
      },
    });
  }

  /** Chooses the runtime, then sweeps what earlier runs whose orchestrator is gone left behind. */
  async chooseRuntime(options: ChooseRuntimeOptions): Promise<Runtime> {
    const runtime = (this.runtime = await chooseRuntime(options));
    const swept = await runtime.sweep();
    if (swept.length) options.log(`start-up sweep of earlier runs' leftovers: ${swept.join("; ")}`);
    return runtime;
  }
}
