// The run's defaults, written once: the CLI's option defaults and runScenario's fallbacks.
export const RUN_DEFAULTS = {
  /** Container starts (and creates) in flight; 4–8 is the daemon's sweet spot. */
  inFlight: 6,
  /** Per node, from its start until its expected outcome (ms). */
  readyTimeoutMs: 15_000,
  /** The nodes' --dialTimeout (ms): Docker's embedded DNS is slow on a loaded machine. */
  dialTimeoutMs: 5_000,
  /** After every node reached its outcome, how long late lines may take to arrive (ms). */
  settleTimeoutMs: 1_000,
} as const;
