// How many clusters formed: nodes that are up (master or member), linked by their matched join
// handshakes. Split brain shows up here as two clusters.
import type { CheckContext, CheckResult, EventEntry } from "./types.js";
import { firstEvent } from "./types.js";

export function checkClusters(ctx: CheckContext): CheckResult {
  const up = ctx.nodes.filter(
    (n) => firstEvent(ctx, n.name, "master.started") || firstEvent(ctx, n.name, "node.joined"),
  );
  const parent = new Map(up.map((n) => [n.name, n.name] as const));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const events = ctx.timeline.filter((e): e is EventEntry => e.kind === "event");
  const nodeOfId = new Map<number, string>();
  for (const e of events) nodeOfId.set(e.line.nodeId, e.node);
  for (const e of events) {
    if (e.line.event !== "join.request.received" || e.line.peerId === undefined) continue;
    const joiner = nodeOfId.get(e.line.peerId);
    if (!joiner || !parent.has(joiner) || !parent.has(e.node)) continue;
    if (!firstEvent(ctx, joiner, "node.joined")) continue;
    parent.set(find(joiner), find(e.node));
  }
  const groups = new Map<string, string[]>();
  for (const n of up) {
    const root = find(n.name);
    groups.set(root, [...(groups.get(root) ?? []), n.name]);
  }
  const expected = ctx.scenario.expectClusters ?? (ctx.nodes.some((n) => "role" in n.spec.expect) ? 1 : 0);
  const shown = [...groups.values()].map((g) => `{${g.join(", ")}}`).join(" ");
  const valid = groups.size === expected;
  return {
    name: "clusters",
    valid,
    summary: `${groups.size} cluster(s) formed${shown ? `: ${shown}` : ""}; expected ${expected}${groups.size > 1 ? " (split brain: more than one master, nobody merges them)" : ""}`,
    errors: valid
      ? []
      : [`expected ${expected} cluster(s); ${groups.size} formed${shown ? `: ${shown}` : ""}`],
  };
}
