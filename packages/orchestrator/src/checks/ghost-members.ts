// No ghosts: every member a node's view ever held is a process of this run that really joined
// (logged node.joined or master.started), not an id nobody had.
import { activeTimeline, replayMembership, type Replay } from "./membership-view.js";
import { entriesOf, type CheckContext, type CheckResult, type EventEntryOf } from "./types.js";

export function checkNoGhosts(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const joined = entriesOf(activeTimeline(ctx.timeline), "member.joined");
  const reported = new Set<string>();
  const errors = joined.flatMap((e) => {
    const key = `${e.node}/${e.line.peerId}`;
    const ghost = reported.has(key) ? undefined : ghostIn(r, e);
    if (ghost) reported.add(key);
    return ghost ? [ghost] : [];
  });
  return {
    name: "no-ghosts",
    valid: errors.length ? false : true,
    summary: `${joined.length} member.joined line(s), every one a node of this run that joined${errors.length ? " — not all" : ""}`,
    errors,
  };
}

/** What is wrong with the member a member.joined line names, if anything. */
function ghostIn(r: Replay, e: EventEntryOf<"member.joined">): string | undefined {
  const id = e.line.peerId;
  const p = r.byId.get(id);
  if (!p) {
    return `${e.node}: its view holds member ${id}${e.line.peer ? ` at ${e.line.peer}` : ""}; expected only nodes of this run, and no node had that id`;
  }
  if (!p.joined && e.line.seed !== true) {
    return `${e.node}: its view holds ${p.node} (id ${id}); expected only nodes that joined, and ${p.node} never logged node.joined or master.started`;
  }
  return undefined;
}
