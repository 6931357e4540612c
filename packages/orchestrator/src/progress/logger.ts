// The orchestrator's own log (winston): warnings and errors on stderr by default, every Docker
// call at debug level with --verbose, and a full debug trace into the run directory.
import type { Writable } from "node:stream";
import winston from "winston";

export function createLogger(level: string = "warn"): winston.Logger {
  return winston.createLogger({
    level: "debug",
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf((info) => `${String(info.timestamp)} ${info.level} ${String(info.message)}`),
    ),
    transports: [new winston.transports.Console({ level, stderrLevels: ["error", "warn", "info", "debug"] })],
  });
}

/** Adds a debug-level transport writing to `stream` (the run's orchestrator.log); returns its remover. */
export function traceTo(logger: winston.Logger, stream: Writable): () => void {
  const transport = new winston.transports.Stream({ stream, level: "debug" });
  logger.add(transport);
  return () => logger.remove(transport);
}
