// The start gate as a container runs it (node -e GATE_SCRIPT <module> <args>), with stand-in
// modules: the program the image names preloadable is loaded before its release and starts only
// at it; any other program is loaded only at the release; without a release nothing starts.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  gateArguments,
  gateCommand,
  gateEntrypoint,
  GATE_RELEASE,
  GATE_SCRIPT,
} from "../src/runtime/gate.js";

const dir = mkdtempSync(join(tmpdir(), "joinlab-gate-"));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill("SIGKILL"); // a failed test's gate still waits on stdin
  rmSync(dir, { recursive: true, force: true });
});

/** Says "loaded" when imported, then "started <args>" once the gate (if any) lets it. */
const program = join(dir, "program.mjs");
writeFileSync(
  program,
  `console.log("loaded");
const gate = globalThis[Symbol.for("joinlab.startGate")];
if (gate) await gate;
console.log("started " + process.argv.slice(2).join(" "));
console.log("options " + process.execArgv.filter((a) => a.startsWith("--")).join(" "));
`,
);

interface Gated {
  lines: string[];
  /** Resolves with the line once the program printed one starting with `prefix`. */
  printed(prefix: string): Promise<string>;
  release(): void;
  closeStdin(): void;
  exited: Promise<number | null>;
}

/** `command`: the gate as the container runs it (node, its options, -e GATE_SCRIPT, the arguments). */
function gated(
  env: Record<string, string>,
  command = [process.execPath, "-e", GATE_SCRIPT, program, "--myport", "8002"],
): Gated {
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  let buffered = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    let end: number;
    while ((end = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => line.startsWith(w.prefix))) w.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    lines,
    printed: (prefix) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => l.startsWith(prefix));
        if (seen !== undefined) return resolve(seen);
        waiters.push({ prefix, resolve });
        void exited.then(() => reject(new Error(`exited before printing "${prefix}": ${lines.join(" | ")}`)));
      }),
    release: () => child.stdin.end(GATE_RELEASE),
    closeStdin: () => child.stdin.end(),
    exited,
  };
}

describe("the start gate", { timeout: 10_000 }, () => {
  it("loads a preloadable program before its release and starts it, with its arguments, at the release", async () => {
    const run = gated({ JOINLAB_PRELOADABLE: program });
    await run.printed("loaded");
    assert.deepEqual(run.lines, ["loaded"], "nothing but the load before the release");
    run.release();
    assert.equal(await run.printed("started"), "started --myport 8002");
    assert.equal(await run.exited, 0);
  });

  it("loads any other program only at the release", async () => {
    const run = gated({ JOINLAB_PRELOADABLE: "/app/another.mjs" });
    run.release();
    assert.equal(await run.printed("started"), "started --myport 8002");
    assert.deepEqual(run.lines.slice(0, 2), ["loaded", "started --myport 8002"]);
  });

  it("never starts a preloaded program whose stdin closes without a release, and exits 0", async () => {
    const run = gated({ JOINLAB_PRELOADABLE: program });
    await run.printed("loaded");
    run.closeStdin();
    assert.equal(await run.exited, 0);
    assert.deepEqual(run.lines, ["loaded"]);
  });

  it("never loads another program whose stdin closes without a release, and exits 0", async () => {
    const run = gated({});
    run.closeStdin();
    assert.equal(await run.exited, 0);
    assert.deepEqual(run.lines, []);
  });

  it("keeps the node options of the image's entrypoint in front of the gate, and the program's arguments behind it", async () => {
    const entrypoint = gateEntrypoint([
      process.execPath,
      "--no-memory-reducer",
      program,
      "--readyFile",
      "/r",
    ]);
    assert.ok(entrypoint, "node, an option, then a module, is an entrypoint the gate can run");
    const command = [...gateCommand(entrypoint), ...gateArguments(entrypoint, ["--myport", "8002"])];
    const run = gated({ JOINLAB_PRELOADABLE: program }, command);
    await run.printed("loaded");
    run.release();
    assert.equal(await run.printed("started"), "started --readyFile /r --myport 8002");
    assert.equal(await run.printed("options"), "options --no-memory-reducer");
  });

  it("takes only an entrypoint that runs a module with node", () => {
    assert.ok(gateEntrypoint(["node", "/app/joinlab-node.mjs"]));
    assert.ok(gateEntrypoint(["/usr/local/bin/node", "--no-memory-reducer", "/app/joinlab-node.mjs"]));
    assert.equal(gateEntrypoint(["node", "--no-memory-reducer"]), undefined, "options but no module");
    assert.equal(gateEntrypoint(["node"]), undefined);
    assert.equal(gateEntrypoint(["/bin/sh", "-c", "node /app/joinlab-node.mjs"]), undefined);
    assert.equal(gateEntrypoint([]), undefined);
  });
});
