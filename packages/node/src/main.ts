#!/usr/bin/env node
// joinlab-node: the CLI around Node. Exit codes: 0 stopped cleanly, 1 no cluster, 2 bad flags, 3 start-up failed.
import { parseFlags } from "./cli/flags.js";
import { NodeLogger } from "./log/node-logger.js";
import { Node } from "./node.js";
import { heldByStartGate } from "./start-gate.js";
import { EXIT_OK, EXIT_STARTUP_FAILED, StartupError } from "./startup-error.js";

/** If something still holds the event loop after a clean stop, leave anyway: docker stop must be fast. */
const EXIT_BACKSTOP_MS = 400;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.kind === "exit") {
    (flags.exitCode === 0 ? process.stdout : process.stderr).write(`${flags.output}\n`);
    process.exitCode = flags.exitCode;
    return;
  }
  await heldByStartGate();
  const logger = new NodeLogger(flags.log);
  const node = new Node(flags.config, logger);

  // A bug must not exit with 1, which means "no cluster": report it and exit 3. A closed stdout
  // (whoever read the log is gone: EPIPE) or a second error while reporting the first leaves at
  // once: reporting would only raise the same error again.
  let crashing = false;
  const onCrash = (err: unknown): void => {
    if (crashing || isBrokenPipe(err)) process.exit(EXIT_STARTUP_FAILED);
    crashing = true;
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`joinlab-node: internal error: ${text}\n`);
    logger.error({ event: "node.fatal", message: `internal error: ${text}`, reason: "internal-error" });
    void logger.flush().then(() => process.exit(EXIT_STARTUP_FAILED));
    setTimeout(() => process.exit(EXIT_STARTUP_FAILED), EXIT_BACKSTOP_MS).unref();
  };
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);

  // PID 1 in a container gets no default signal handling: install it explicitly.
  const onSignal = (signal: NodeJS.Signals): void => {
    void node.stop(`received ${signal}`).then(() => leave(EXIT_OK));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  // Only a node with a key file listens for SIGHUP (a rotation step); others keep the default.
  if (flags.config.auth?.keyFile !== undefined) process.on("SIGHUP", () => node.reloadClusterKeys());

  try {
    await node.start();
  } catch (err) {
    // Stopped by a signal while starting: onSignal exits once the stop completes.
    if (err instanceof StartupError && err.exitCode === EXIT_OK) return;
    const exitCode = err instanceof StartupError ? err.exitCode : EXIT_STARTUP_FAILED;
    process.stderr.write(`joinlab-node: ${(err as Error).message}\n`);
    await logger.flush();
    leave(exitCode);
  }
}

function isBrokenPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
}

function leave(exitCode: number): void {
  process.exitCode = exitCode;
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
  setTimeout(() => process.exit(exitCode), EXIT_BACKSTOP_MS).unref();
}

await main();
