// No ghosts: every member a node's view ever held is a process of this run that really joined
// (logged node.joined or master.started), not an id nobody had.
import { activeTimeline, replayMembership } from "./membership-view.js";
import type { CheckContext, CheckResult } from "./types.js";

export function checkNoGhosts(ctx: CheckContext): CheckResult {
  const r = replayMembership(ctx);
  const errors: string[] = [];
  const reported = new Set<string>();
  let members = 0;
  for (const e of activeTimeline(ctx.timeline)) {
    if (e.kind !== "event" || e.line.event !== "member.joined" || typeof e.line.peerId !== "number") continue;
    members++;
    const id = e.line.peerId;
    const p = r.byId.get(id);
    const key = `${e.node}/${id}`;
    if (reported.has(key)) continue;
    if (!p) {
      reported.add(key);
      errors.push(
        `${e.node}: its view holds member ${id}${e.line.peer ? ` at ${e.line.peer}` : ""}; expected only nodes of this run, and no node had that id`,
      );
    } else if (!p.joined && e.line.seed !== true) {
      reported.add(key);
      errors.push(
        `${e.node}: its view holds ${p.node} (id ${id}); expected only nodes that joined, and ${p.node} never logged node.joined or master.started`,
      );
    }
  }
  return {
    name: "no-ghosts",
    valid: errors.length ? false : true,
    summary: `${members} member.joined line(s), every one a node of this run that joined${errors.length ? " — not all" : ""}`,
    errors,
  };
}
