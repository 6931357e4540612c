// Late lines (a responder's response.sent after the joiner's ready) settle within moments: the
// checks are evaluated again as new lines arrive, until they pass or the deadline passes. The
// deadline never cuts off lines already on their way: on a saturated machine (128 containers on two
// cores) the log streams ran seconds behind the nodes, and one evaluation of the checks took
// seconds, so a bring-up was judged before lines the nodes had written in time were read. Past the
// deadline the checks keep watching while lines still arrive, each within LATE_LINE_GAP_MS of the
// last, for at most LATE_LINES_MAX_MS.
import type { Validity } from "../checks/types.js";
import type { StartedNode } from "../runtime/types.js";
import { delay } from "../shared/delay.js";

/** After a line arrives, how long to let the rest of its burst land before evaluating again. */
const BURST_MS = 5;
/** Past the deadline, a wait this long without a line means the streams have caught up. */
export const LATE_LINE_GAP_MS = 1_000;
/** Past the deadline, the longest the checks keep watching lines that still arrive. */
export const LATE_LINES_MAX_MS = 15_000;

export async function settle<T extends { verdict: Validity }>(
  evaluate: () => T,
  nodes: readonly StartedNode[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let result = evaluate();
  while (result.verdict !== true && !signal.aborted) {
    if (nodes.every((n) => n.log.ended)) break; // nothing more can arrive
    const now = performance.now();
    if (now >= deadline + LATE_LINES_MAX_MS) break;
    const late = now >= deadline;
    const arrived = await nextRecord(nodes, late ? LATE_LINE_GAP_MS : deadline - now);
    if (!arrived && late) break; // quiet past the deadline: every line written in time is in
    await delay(BURST_MS);
    result = evaluate();
  }
  return result;
}

/** Resolves true on the next record or stream end from any of `nodes`, false after `timeoutMs`. */
function nextRecord(nodes: readonly StartedNode[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    const done = (arrived: boolean): void => {
      clearTimeout(timer);
      for (const off of offs) off();
      resolve(arrived);
    };
    const timer = setTimeout(() => done(false), Math.max(0, timeoutMs));
    for (const n of nodes)
      offs.push(
        n.log.onRecord(() => done(true)),
        n.log.onEnd(() => done(true)),
      );
  });
}
