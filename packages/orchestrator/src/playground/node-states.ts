// What each node of a playground is now, as the session knows it (the program the runtime runs,
// and the faults the session applied), and so which actions apply to it: a running member can be
// joined through, killed, stopped, paused, restarted or cut off; a paused one only resumed or
// killed; a cut-off one only healed or killed; an ended one nothing.
import { ACTION_KINDS, type ActionKind } from "@joinlab/report";
import type { NodeBringUp } from "../run/node-bring-up.js";
import type { Capability } from "../scenarios/types.js";

export type NodeState = "starting" | "up" | "paused" | "cut off" | "ended";

const APPLIES: Readonly<Record<NodeState, readonly ActionKind[]>> = {
  starting: [],
  up: ["add", "kill", "stop", "pause", "restart", "cut"],
  paused: ["resume", "kill"],
  "cut off": ["heal", "kill"],
  ended: [],
};

/** What the runtime can do: every runtime adds, kills and stops; the rest need a capability. */
const NEEDS: Readonly<Partial<Record<ActionKind, Capability>>> = {
  kill: "kill",
  stop: "stop",
  pause: "pause",
  resume: "pause",
  restart: "restart",
  cut: "network-cut",
  heal: "network-cut",
};

/** The actions a runtime with these capabilities can apply, in the protocol's order. */
export function actionsOf(capabilities: ReadonlySet<Capability>): ActionKind[] {
  return ACTION_KINDS.filter((k) => NEEDS[k] === undefined || capabilities.has(NEEDS[k]));
}

export class NodeStates {
  private readonly paused = new Set<string>();
  private readonly cut = new Set<string>();

  constructor(private readonly available: readonly ActionKind[]) {}

  stateOf(node: NodeBringUp): NodeState {
    const started = node.node;
    if (!started) return node.notStarted ? "ended" : "starting";
    if (started.exitInfo) return "ended";
    if (this.paused.has(node.name)) return "paused";
    if (this.cut.has(node.name)) return "cut off";
    return node.summary.readyMs === undefined ? "starting" : "up";
  }

  /** The state in a sentence's words: "killed", "paused", "still starting". */
  describe(node: NodeBringUp): string {
    const state = this.stateOf(node);
    if (state === "starting") return "still starting";
    if (state !== "ended") return state;
    const last = node.faults.at(-1);
    if (last === "kill") return "killed";
    if (last === "stop") return "stopped";
    const exit = node.node?.exitInfo;
    return exit ? `ended (exit ${exit.code ?? exit.signal})` : `never started (${node.notStarted})`;
  }

  actionsFor(node: NodeBringUp): ActionKind[] {
    const applies = APPLIES[this.stateOf(node)];
    return this.available.filter((a) => applies.includes(a));
  }

  /** Records what an applied action changed. */
  applied(action: ActionKind, name: string): void {
    if (action === "pause") this.paused.add(name);
    if (action === "cut") this.cut.add(name);
    if (action === "resume" || action === "kill" || action === "stop") this.paused.delete(name);
    if (action === "heal" || action === "kill" || action === "stop") this.cut.delete(name);
  }
}
