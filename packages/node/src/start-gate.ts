// An orchestrator may load this program ahead of its turn. Its start gate (a small script that
// runs first in the container) puts a promise at globalThis[Symbol.for("joinlab.startGate")] and
// imports this module at once; the node parses its flags, then waits for that promise before it
// logs, listens or joins. Loaded that way, the bundle is parsed and its modules evaluated while the
// container starts and its dependencies come up, so a release costs only the start itself. Run
// plainly, there is no promise and the node starts at once.

const GATE = Symbol.for("joinlab.startGate");

/** Resolves when the start gate releases this process (at once when there is no gate). */
export async function heldByStartGate(): Promise<void> {
  const gate = (globalThis as Record<symbol, unknown>)[GATE];
  if (gate instanceof Promise) await gate;
}
