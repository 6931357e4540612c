// How many clusters formed: nodes that are up (master or member), linked by their matched join
// handshakes. Split brain shows up here as two clusters.
import { entriesOf, firstEvent, type CheckContext, type CheckResult, type EventEntry } from "./types.js";

export function checkClusters(ctx: CheckContext): CheckResult {
  const up = ctx.nodes
    .filter((n) => firstEvent(ctx, n.name, "master.started") || firstEvent(ctx, n.name, "node.joined"))
    .map((n) => n.name);
  const groups = connected(up, handshakeLinks(ctx, new Set(up)));
  const expected = ctx.scenario.expectClusters ?? (ctx.nodes.some((n) => "role" in n.spec.expect) ? 1 : 0);
  const shown = groups.map((g) => `{${g.join(", ")}}`).join(" ");
  const list = shown ? `: ${shown}` : "";
  const split = groups.length > 1 ? " (split brain: more than one master, nobody merges them)" : "";
  const valid = groups.length === expected;
  return {
    name: "clusters",
    valid,
    summary: `${groups.length} cluster(s) formed${list}; expected ${expected}${split}`,
    errors: valid ? [] : [`expected ${expected} cluster(s); ${groups.length} formed${list}`],
  };
}

/** Responder ↔ joiner, for each join request received from a node of `up` that joined. */
function handshakeLinks(ctx: CheckContext, up: ReadonlySet<string>): [string, string][] {
  const nodeOfId = new Map<number, string>();
  for (const e of ctx.timeline) if (e.kind === "event") nodeOfId.set((e as EventEntry).line.nodeId, e.node);
  return entriesOf(ctx.timeline, "join.request.received").flatMap((e): [string, string][] => {
    const joiner = nodeOfId.get(e.line.peerId);
    if (!joiner || !up.has(joiner) || !up.has(e.node)) return [];
    return firstEvent(ctx, joiner, "node.joined") ? [[joiner, e.node]] : [];
  });
}

/** The connected groups of `names` under `links` (union-find), each in `names` order. */
function connected(names: readonly string[], links: readonly [string, string][]): string[][] {
  const parent = new Map(names.map((n) => [n, n] as const));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const [a, b] of links) parent.set(find(a), find(b));
  const groups = new Map<string, string[]>();
  for (const n of names) groups.set(find(n), [...(groups.get(find(n)) ?? []), n]);
  return [...groups.values()];
}
