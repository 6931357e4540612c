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
  const errors: string[] = [];
  let quitters = 0;
  let quitOk = 0;
  for (const node of ctx.nodes) {
    const code = quitCode(node);
    if (code !== undefined) {
      quitters++;
      const quitting = firstEvent(ctx, node.name, "node.quitting");
      if (!node.started)
        errors.push(`${node.name}: expected to quit with exit code ${code}; it ${describeFate(node)}`);
      else if (!node.exit)
        errors.push(
          `${node.name}: expected to quit with exit code ${code}; it ${describeEvents(ctx, node.name)} and is still running`,
        );
      else if (node.exit.code !== code || !quitting)
        errors.push(
          `${node.name}: expected node.quitting and exit code ${code}; it ${describeEvents(ctx, node.name)} and ${describeFate(node)}`,
        );
      else quitOk++;
    } else if (node.exit && !node.faults?.some((f) => f === "kill" || f === "stop")) {
      errors.push(
        `${node.name}: expected to keep running as ${isMaster(node) ? "master" : "member"}; it ${describeEvents(ctx, node.name)} and ${describeFate(node)}`,
      );
    }
  }
  return {
    name: "exits",
    valid: errors.length ? false : true,
    summary: `${quitOk}/${quitters} expected quitters quit with their exit codes; ${ctx.nodes.filter((n) => n.exit && quitCode(n) === undefined && !n.faults?.some((f) => f === "kill" || f === "stop")).length} unexpected exits`,
    errors,
  };
}
