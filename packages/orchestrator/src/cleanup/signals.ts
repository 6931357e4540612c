// Ctrl-C once: stop starting nodes and tear down gracefully. Twice: force-remove now and exit.
// SIGTERM: force-remove and exit (whoever sent it may not wait long). Handlers go once the run ends.
// A command with nothing worth finishing (a half-run benchmark) forces at the first Ctrl-C.
export interface SignalHandlingOptions {
  controller: AbortController;
  /** Removes the run's resources at once (containers force-removed, processes killed). */
  force: () => Promise<void>;
  print: (text: string) => void;
  /** The first Ctrl-C forces too. */
  noGracefulStop?: boolean;
}

export function handleSignals(options: SignalHandlingOptions): () => void {
  let interrupts = 0;
  let forcing = false;
  const forceExit = (code: number): void => {
    if (forcing) return;
    forcing = true;
    options.print("forcing cleanup: removing the run's nodes and networks now");
    // Exit even if the engine hangs: a later start-up sweep finds what is left by its label.
    const backstop = setTimeout(() => process.exit(code), 10_000);
    backstop.unref();
    void options
      .force()
      .catch((err: Error) =>
        options.print(`forced cleanup failed: ${err.message} (\`npm run clean\` removes leftovers)`),
      )
      .finally(() => process.exit(code));
  };
  const onInt = (): void => {
    interrupts++;
    if (interrupts === 1 && !options.noGracefulStop) {
      options.print("interrupted: stopping the run gracefully (Ctrl-C again to force)");
      options.controller.abort();
    } else forceExit(130);
  };
  const onTerm = (): void => {
    options.controller.abort();
    forceExit(143);
  };
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}
