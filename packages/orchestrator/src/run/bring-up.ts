// The bring-up phase: every node created, started and awaited in dependency order with a bounded
// number of Docker operations in flight (the master first, each joiner once the node it dials is
// ready), until each reached its expected outcome: ready, or quit.
import type { LogRecord } from "../logs/records.js";
import { entryOf } from "../logs/timeline.js";
import type { StartedEnvironment, StartedNode } from "../runtime/types.js";
import { waitForEvent } from "../wait/wait-for-log.js";
import { readyTimeoutFor } from "./join-deadline.js";
import { dialTimeoutFor } from "./large-run.js";
import { nodeArgs } from "./node-args.js";
import type { NodeBringUp } from "./node-bring-up.js";
import { RUN_DEFAULTS } from "./run-defaults.js";
import type { RunContext } from "./run-context.js";
import type { RunNodes } from "./run-nodes.js";
import { START_PRIORITY, StartOrder } from "./start-order.js";

interface BringUp {
  run: RunContext;
  env: StartedEnvironment;
  nodes: RunNodes;
  order: StartOrder;
  readyTimeoutMs: number;
  /** Runs once the node's container is up, just before its program starts (a late node's network rules). */
  beforeLaunch?: (node: NodeBringUp) => Promise<void>;
}

/** A node that was never started: a dependency failed, or the run was interrupted. */
class NotStarted extends Error {}

function phaseOf(
  run: RunContext,
  env: StartedEnvironment,
  nodes: RunNodes,
  beforeLaunch?: BringUp["beforeLaunch"],
): BringUp {
  return {
    run,
    env,
    nodes,
    order: new StartOrder(nodes, run.options.inFlight ?? RUN_DEFAULTS.inFlight),
    readyTimeoutMs: run.options.readyTimeoutMs ?? RUN_DEFAULTS.readyTimeoutMs,
    ...(beforeLaunch ? { beforeLaunch } : {}),
  };
}

export async function bringUp(run: RunContext, env: StartedEnvironment, nodes: RunNodes): Promise<void> {
  run.emit({ kind: "phase", phase: "bring-up" });
  const phase = phaseOf(run, env, nodes);
  // Deferred nodes are started by the schedule (bringUpLate).
  const now = nodes.all().filter((n) => !n.spec.deferred);
  await Promise.all(now.map((node) => bringUpNode(phase, node)));
  run.timings.allOutcomesMs = run.ms();
  run.timings.allStartedMs = Math.max(0, ...now.map((n) => n.summary.startedMs ?? 0));
}

/** Brings deferred nodes up while the schedule runs, the same way; `beforeLaunch` runs before each program starts. */
export async function bringUpLate(
  run: RunContext,
  env: StartedEnvironment,
  nodes: RunNodes,
  names: readonly string[],
  beforeLaunch?: (node: NodeBringUp) => Promise<void>,
): Promise<void> {
  const phase = phaseOf(run, env, nodes, beforeLaunch);
  await Promise.all(names.map((name) => bringUpNode(phase, nodes.get(name))));
}

async function bringUpNode(phase: BringUp, node: NodeBringUp): Promise<void> {
  try {
    await create(phase, node);
    const prepared = prepareAhead(phase, node);
    await startConditions(phase, node);
    const started = await launch(phase, node, prepared);
    if ("quits" in node.spec.expect) await expectQuit(phase, node, started);
    // A rogue has no readiness to wait for: started is its outcome.
    else if (!("rogue" in node.spec.expect)) await expectReady(phase, node, started);
  } catch (err) {
    failed(phase, node, err as Error);
  }
}

/**
 * Creates the node's container (or prepares its process). Nodes with dependencies wait until the
 * roots exist: the daemon then works on the master's start instead of on creates nobody needs
 * yet. A create costs the daemon little, a start much, so the rest are created while their
 * dependencies come up.
 */
async function create(phase: BringUp, node: NodeBringUp): Promise<void> {
  const { run, env } = phase;
  if (node.conditions.length > 0) await phase.order.rootsCreated;
  const dialTimeoutMs = dialTimeoutFor(run.scenario, run.options.dialTimeoutMs);
  node.created = await phase.order.limiter.run(() => {
    throwIfInterrupted(run);
    run.timings.firstCreateMs ??= run.ms();
    const port = env.portOf(node.name, node.spec.port);
    const args = nodeArgs(node, env, dialTimeoutMs);
    return env.createNode({
      name: node.name,
      port,
      args,
      ...(node.spec.program ? { program: node.spec.program } : {}),
      ...(node.spec.placement ? { placement: node.spec.placement } : {}),
    });
  });
  node.summary.createdMs = run.ms();
  node.summary.id = node.created.id;
  node.reach("created");
  run.emit({ kind: "node", node: node.name, state: "created" });
}

/**
 * Starts the container ahead of the node's turn where the runtime can (the gate holds the node
 * program, loaded), with priority over creates so the master's comes first. Every container starts
 * as soon as a start slot is free, the master's beside its dependents': started alone first, it
 * left the daemon five slots idle for its start, and star-joins of 16 were slower (median of 16
 * paired runs 0.93 : 1 without the wait, faster in 11). Never rejects: a failure shows when launch()
 * awaits it.
 */
function prepareAhead(phase: BringUp, node: NodeBringUp): Promise<void> {
  const created = node.created!;
  if (!created.prepare) return Promise.resolve();
  const prepared = (async () => {
    await phase.order.limiter.run(async () => {
      throwIfInterrupted(phase.run);
      await created.prepare!();
    }, START_PRIORITY);
  })();
  prepared.catch(() => {});
  return prepared;
}

async function startConditions(phase: BringUp, node: NodeBringUp): Promise<void> {
  for (const cond of node.conditions) {
    try {
      await phase.nodes.get(cond.node).reached(cond.state);
    } catch {
      throw new NotStarted(`${cond.node} did not become ${cond.state}`);
    }
  }
  throwIfInterrupted(phase.run);
}

/** Starts the node program and follows it: its records into the run directory and the stream. */
async function launch(phase: BringUp, node: NodeBringUp, prepared: Promise<void>): Promise<StartedNode> {
  const { run } = phase;
  const created = node.created!;
  await prepared;
  await phase.beforeLaunch?.(node);
  const started = created.prepare
    ? await created.start()
    : await phase.order.limiter.run(() => created.start(), START_PRIORITY);
  node.node = started;
  node.summary.startedMs = run.ms();
  const record = (r: LogRecord): void => {
    run.dir.writeRecord(r);
    run.emit({ kind: "entry", entry: entryOf(r) });
  };
  started.log.onRecord(record);
  for (const r of started.log.records) record(r);
  // Orchestrator events are named apart from the node's own (node.started is the node's).
  const where = started.host ? ` on ${started.host}` : "";
  if (started.host) node.summary.host = started.host;
  run.note(
    "launched",
    `node program started (${run.runtime.unit} ${started.id.slice(0, 12)}${where})`,
    node.name,
  );
  run.emit({ kind: "node", node: node.name, state: "started" });
  node.reach("started");
  void started.exited.then((info) => {
    node.summary.exitedMs = run.ms();
    node.summary.exit = info;
    run.note("exited", info.signal ? `ended (${info.signal})` : `exited with code ${info.code}`, node.name);
    node.reach("exited");
  });
  return started;
}

/** Expected to quit: its exit is the outcome; a node that became ready instead fails here. */
async function expectQuit(phase: BringUp, node: NodeBringUp, started: StartedNode): Promise<void> {
  const ready = waitForEvent(started.log, "node.ready", {
    timeoutMs: phase.readyTimeoutMs,
    signal: phase.run.signal,
  });
  // Its output may end a moment before the exit is known: then the exit decides.
  const exited = () => started.exited.then(() => "exited" as const);
  const outcome = await Promise.race([exited(), ready.then(() => "ready" as const, exited)]);
  if (outcome === "ready") throw new Error(`${node.name} became ready, but the scenario expects it to quit`);
  phase.run.emit({
    kind: "node",
    node: node.name,
    state: "exited",
    detail: `exit code ${started.exitInfo?.code}`,
  });
}

async function expectReady(phase: BringUp, node: NodeBringUp, started: StartedNode): Promise<void> {
  const { run } = phase;
  const ready = await waitForEvent(started.log, "node.ready", {
    timeoutMs: readyTimeoutFor(phase.readyTimeoutMs, node.joinDeadlineMs),
    signal: run.signal,
    describeEnd: () => describeEnd(node.name, started),
  });
  node.summary.readyMs = run.ms();
  node.summary.nodeId = ready.line?.nodeId;
  run.timings.firstReadyMs ??= run.ms();
  const role = started.log.records.some((r) => r.line?.event === "master.started") ? "master" : "member";
  run.emit({
    kind: "node",
    node: node.name,
    state: "ready",
    detail: `${role}${role === "member" ? ` via ${node.clusterip}` : ""}`,
  });
  node.reach("ready");
}

function describeEnd(name: string, started: StartedNode): string {
  const info = started.exitInfo;
  return info
    ? `${name} exited with code ${info.code}${info.signal ? ` (${info.signal})` : ""}`
    : `${name}'s output ended`;
}

/** A node that did not reach its outcome: those waiting on it learn why, and so does the run. */
function failed(phase: BringUp, node: NodeBringUp, err: Error): void {
  const notStarted = err instanceof NotStarted;
  if (notStarted) node.notStarted = err.message;
  phase.run.emit({
    kind: "node",
    node: node.name,
    state: notStarted ? "skipped" : "failed",
    detail: notStarted ? `not started: ${err.message}` : err.message,
  });
  // A node that exists failed its outcome (the checks say so); one that could not be made is the
  // runtime's failure: the run cannot tell.
  if (!node.created && !notStarted) phase.run.fail(`${node.name}: ${err.message}`);
  node.fail(err.message);
}

function throwIfInterrupted(run: RunContext): void {
  if (run.interrupted) throw new NotStarted("run interrupted");
}
