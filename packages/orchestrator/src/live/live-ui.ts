// The live page for the command line: `--ui` on a run, and the playground. Starts the feed and the
// server before the run, prints the URL at once, says loudly what a non-loopback --uiHost exposes,
// and after a run keeps the finished page up until Ctrl-C.
import { isIP } from "node:net";
import { LiveFeed } from "./live-feed.js";
import { LiveServer, type SessionControls } from "./live-server.js";

export interface UiOptions {
  uiPort?: number;
  uiHost?: string;
}

/** The command line's options for where the live page listens (`run --ui`, `playground`). */
export const UI_OPTIONS = {
  uiPort: { type: "number", describe: "The live page's port (default: a free one)" },
  uiHost: {
    type: "string",
    describe: "The address the live page listens on (default 127.0.0.1; anything else exposes it)",
  },
} as const;

export interface LiveUi {
  feed: LiveFeed;
  server: LiveServer;
}

export class UiOptionError extends Error {}

/** Checks --uiPort and --uiHost before anything starts. */
export function checkUiOptions(options: UiOptions): void {
  const port = options.uiPort;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
    throw new UiOptionError(
      `--uiPort ${port} is not a TCP port (1-65535); leave it out to have a free one chosen`,
    );
  const host = options.uiHost;
  if (host !== undefined && !(isIP(host) || /^[a-z0-9.-]{1,253}$/i.test(host)))
    throw new UiOptionError(`--uiHost ${JSON.stringify(host)} is neither an IP address nor a host name`);
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** The warning a non-loopback --uiHost earns, or undefined on loopback. */
export function exposureWarning(host: string | undefined, url: string): string | undefined {
  if (host === undefined || LOOPBACK.has(host)) return undefined;
  const where = host === "0.0.0.0" || host === "::" ? "every network this machine is on" : `${host}`;
  return [
    "",
    `!!! --uiHost ${host}: the live page listens on ${where}, not only on this machine.`,
    `!!! Anyone who can reach ${url.replace(/\/$/, "")} can watch the cluster and its logs, and`,
    "!!! (in a playground) open the page and kill, stop, pause or cut off its nodes.",
    "!!! Use it only on a network you trust; without --uiHost it binds to 127.0.0.1.",
    "",
  ].join("\n");
}

export async function startLiveUi(
  options: UiOptions & { controls?: SessionControls; print: (line: string) => void },
): Promise<LiveUi> {
  const feed = new LiveFeed();
  let server: LiveServer;
  try {
    server = await LiveServer.start({
      feed,
      ...(options.uiHost ? { host: options.uiHost } : {}),
      ...(options.uiPort ? { port: options.uiPort } : {}),
      ...(options.controls ? { controls: options.controls } : {}),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new UiOptionError(
        `--uiPort ${options.uiPort} is in use; choose another, or leave it out to have a free one chosen`,
      );
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
      throw new UiOptionError(`--uiHost ${options.uiHost} is not an address of this machine`);
    throw err;
  }
  const warning = exposureWarning(options.uiHost, server.url);
  if (warning) process.stderr.write(`${warning}\n`);
  options.print(`live page: ${server.url}`);
  return { feed, server };
}

/** Keeps the finished page up until Ctrl-C (or SIGTERM), then closes the server. */
export async function serveUntilInterrupted(ui: LiveUi, print: (line: string) => void): Promise<void> {
  print(`the live page stays at ${ui.server.url} until Ctrl-C`);
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
  await ui.server.close("joinlab has exited");
}
