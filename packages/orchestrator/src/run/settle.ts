// Late lines (a responder's response.sent after the joiner's ready) settle within moments: the
// checks are evaluated again as new lines arrive, until they pass or the deadline passes.
import type { Validity } from "../checks/types.js";
import type { StartedNode } from "../runtime/types.js";
import { delay } from "../shared/delay.js";

/** After a line arrives, how long to let the rest of its burst land before evaluating again. */
const BURST_MS = 5;

export async function settle<T extends { verdict: Validity }>(
  evaluate: () => T,
  nodes: readonly StartedNode[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let result = evaluate();
  while (result.verdict !== true && performance.now() < deadline && !signal.aborted) {
    if (nodes.every((n) => n.log.ended)) break; // nothing more can arrive
    await nextRecord(nodes, deadline - performance.now());
    await delay(BURST_MS);
    result = evaluate();
  }
  return result;
}

/** Resolves on the next record or stream end from any of `nodes`, or after `timeoutMs`. */
function nextRecord(nodes: readonly StartedNode[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    const done = (): void => {
      clearTimeout(timer);
      for (const off of offs) off();
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, timeoutMs));
    for (const n of nodes) offs.push(n.log.onRecord(done), n.log.onEnd(done));
  });
}
