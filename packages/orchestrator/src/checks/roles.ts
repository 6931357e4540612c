// Role checks: exactly the expected masters, every expected member joined, expected quitters quit
// with their exit codes, and nobody else exited.
import type { CheckContext, CheckResult, ObservedNode } from "./types.js";
import { describeEvents, describeFate, firstEvent } from "./types.js";

const isMaster = (n: ObservedNode) => "role" in n.spec.expect && n.spec.expect.role === "master";
const isMember = (n: ObservedNode) => "role" in n.spec.expect && n.spec.expect.role === "member";
const quitCode = (n: ObservedNode) => ("quits" in n.spec.expect ? n.spec.expect.quits : undefined);

function unreadable(nodes: readonly ObservedNode[]): string[] {
  return nodes.filter((n) => n.logError).map((n) => `${n.name}: output unreadable (${n.logError})`);
}

export function checkMasters(ctx: CheckContext): CheckResult {
  const expected = ctx.nodes.filter(isMaster).map((n) => n.name);
  const actual = ctx.nodes.filter((n) => firstEvent(ctx, n.name, "master.started")).map((n) => n.name);
  const errors: string[] = [];
  for (const name of actual.filter((a) => !expected.includes(a))) {
    const node = ctx.nodes.find((n) => n.name === name)!;
    errors.push(
      `${name}: became master (master.started) but the scenario expects it to ${isMember(node) ? "join" : "quit"}`,
    );
  }
  for (const name of expected.filter((e) => !actual.includes(e))) {
    const node = ctx.nodes.find((n) => n.name === name)!;
    errors.push(
      `${name}: expected to become master; it ${describeEvents(ctx, name)} and ${describeFate(node)}`,
    );
  }
  const list = (names: string[]) => (names.length ? names.join(", ") : "none");
  const missing = unreadable(ctx.nodes);
  return {
    name: "masters",
    valid: errors.length ? false : missing.length ? "unknown" : true,
    summary: `expected ${expected.length} master(s) (${list(expected)}); got ${actual.length} (${list(actual)})`,
    errors: [...errors, ...missing],
  };
}

export function checkJoined(ctx: CheckContext): CheckResult {
  const members = ctx.nodes.filter(isMember);
  const errors: string[] = [];
  let joined = 0;
  for (const node of members) {
    const ok = firstEvent(ctx, node.name, "node.joined") && firstEvent(ctx, node.name, "node.ready");
    if (ok) {
      joined++;
      continue;
    }
    if (node.logError) continue;
    errors.push(
      `${node.name}: expected to join through ${node.clusterip} and become ready; ${node.started ? `it ${describeEvents(ctx, node.name)} and ` : ""}${describeFate(node)}`,
    );
  }
  const missing = unreadable(members);
  return {
    name: "joined",
    valid: errors.length ? false : missing.length ? "unknown" : true,
    summary: `${joined}/${members.length} expected members joined and became ready`,
    errors: [...errors, ...missing],
  };
}

export function checkExits(ctx: CheckContext): CheckResult {
  const quitters = ctx.nodes.filter((n) => quitCode(n) !== undefined);
  const unexpected = ctx.nodes.filter(exitedUnexpectedly);
  const errors = ctx.nodes.flatMap((n) => {
    const code = quitCode(n);
    if (code !== undefined) return quitError(ctx, n, code);
    return exitedUnexpectedly(n) ? [unexpectedExit(ctx, n)] : [];
  });
  const quitOk = quitters.filter((n) => quitError(ctx, n, quitCode(n)!).length === 0).length;
  return {
    name: "exits",
    valid: errors.length === 0,
    summary: `${quitOk}/${quitters.length} expected quitters quit with their exit codes; ${unexpected.length} unexpected exits`,
    errors,
  };
}

/** A node expected to quit: it started, exited with the code, and logged node.quitting. */
function quitError(ctx: CheckContext, node: ObservedNode, code: number): string[] {
  if (!node.started)
    return [`${node.name}: expected to quit with exit code ${code}; it ${describeFate(node)}`];
  if (!node.exit) {
    return [
      `${node.name}: expected to quit with exit code ${code}; it ${describeEvents(ctx, node.name)} and is still running`,
    ];
  }
  if (node.exit.code === code && firstEvent(ctx, node.name, "node.quitting")) return [];
  return [
    `${node.name}: expected node.quitting and exit code ${code}; it ${describeEvents(ctx, node.name)} and ${describeFate(node)}`,
  ];
}

/** Exited although it should run: an exit after a kill or stop fault is the fault's doing. */
function exitedUnexpectedly(node: ObservedNode): boolean {
  return (
    quitCode(node) === undefined && !!node.exit && !node.faults?.some((f) => f === "kill" || f === "stop")
  );
}

function unexpectedExit(ctx: CheckContext, node: ObservedNode): string {
  return `${node.name}: expected to keep running as ${isMaster(node) ? "master" : "member"}; it ${describeEvents(ctx, node.name)} and ${describeFate(node)}`;
}
