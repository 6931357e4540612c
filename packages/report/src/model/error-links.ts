// Points each failed check's error at a moment in the diagram. Checks report text ("node3: expected
// node5 (id 76345489) failed ..."), so the link is read from it: the first node the text names, at
// its last line before the checks ran (run.verified); an error naming no node points at
// run.verified itself.
import type { ErrorLink, Lane, ReportCheck } from "./types.js";

interface Index {
  lanes: readonly Lane[];
  /** Per event: its name, and its lane. */
  names: readonly string[];
  laneOf: readonly number[];
}

export function linkErrors(checks: readonly ReportCheck[], index: Index): ErrorLink[] {
  const links: ErrorLink[] = [];
  if (index.names.length === 0) return links;
  const verified = index.names.lastIndexOf("run.verified");
  const horizon = verified >= 0 ? verified : index.names.length - 1;
  checks.forEach((check, c) => {
    if (check.valid === true) return;
    check.errors.forEach((error, e) => {
      links.push({ check: c, error: e, event: momentOf(error, index, horizon) });
    });
  });
  return links;
}

function momentOf(error: string, index: Index, horizon: number): number {
  const named = lanesNamed(error, index.lanes);
  const first = named[0];
  if (first === undefined) return horizon;
  for (let i = horizon; i >= 0; i--) if (index.laneOf[i] === first) return i;
  return horizon;
}

/** Lanes of the nodes the text names, in the order it names them (the latest process of each). */
function lanesNamed(text: string, lanes: readonly Lane[]): number[] {
  const found: { at: number; lane: number }[] = [];
  const names = new Set(lanes.map((l) => l.node));
  for (const name of names) {
    const at = new RegExp(`(^|[^\\w-])${escapeRegExp(name)}(?![\\w-])`).exec(text)?.index;
    if (at === undefined) continue;
    let lane = -1;
    lanes.forEach((l, i) => l.node === name && (lane = i));
    found.push({ at, lane });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.lane);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
