// Start-up failures carry the process exit code the CLI documents (1: no cluster, 3: anything else).

export const EXIT_OK = 0;
export const EXIT_NO_CLUSTER = 1;
export const EXIT_BAD_FLAGS = 2;
export const EXIT_STARTUP_FAILED = 3;

export class StartupError extends Error {
  constructor(
    message: string,
    /** EXIT_OK when start() was cut short by stop(). */
    readonly exitCode: typeof EXIT_OK | typeof EXIT_NO_CLUSTER | typeof EXIT_STARTUP_FAILED,
    readonly reason: string,
  ) {
    super(message);
    this.name = "StartupError";
  }
}
