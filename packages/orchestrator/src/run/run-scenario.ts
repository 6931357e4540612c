// Runs one scenario: creates the run's network and nodes, starts them in dependency order with a
// bounded number of starts in flight (the master first, each joiner once the node it dials is
// ready), follows every node's output, checks the merged timeline, tears down, and writes the
// run directory. Returns a result; it throws only for programming errors.
import { setMaxListeners } from "node:events";
import type { Logger } from "winston";
import { membershipFigures } from "../checks/membership-view.js";
import { runChecks } from "../checks/registry.js";
import type { CheckResult, ObservedNode, Validity } from "../checks/types.js";
import { formatTimeline } from "../logs/format.js";
import { mergeTimeline } from "../logs/merge.js";
import { formatTimestamp, nowMicros, type LogRecord } from "../logs/records.js";
import type { OrchestratorEvent, TimelineEntry } from "../logs/timeline.js";
import type { ProgressReporter } from "../progress/reporter.js";
import { MERGED_FILE, RESULTS_FILE, RunDir, TRACE_FILE } from "../results/run-dir.js";
import { makeRunId } from "../results/run-id.js";
import { REPORT_FILE, writeRunReport } from "../results/run-report.js";
import { traceTo } from "../progress/logger.js";
import { Limiter } from "../runtime/limiter.js";
import type { CreatedNode, ExitInfo, Runtime, StartedEnvironment, StartedNode } from "../runtime/types.js";
import {
  requiredCapabilities,
  startConditions,
  type FaultKind,
  type NodeSpec,
  type ScenarioSpec,
} from "../scenarios/types.js";
import { waitForEvent } from "../wait/wait-for-log.js";
import { Deferred } from "./deferred.js";

export interface RunOptions {
  runtime: Runtime;
  logger: Logger;
  runsDir: string;
  runId?: string;
  /** Keep a failed run's nodes for inspection. */
  keep?: boolean;
  /** Container starts (and creates) in flight; 4–8 is the daemon's sweet spot. */
  inFlight?: number;
  /** Per node, from its start until its expected outcome. */
  readyTimeoutMs?: number;
  /** After every node reached its outcome, how long late lines may take to arrive. */
  settleTimeoutMs?: number;
  dialTimeoutMs?: number;
  signal?: AbortSignal;
  reporter?: ProgressReporter;
  /** Told the environment once it exists: the force path of Ctrl-C twice removes it directly. */
  onEnvironment?: (env: StartedEnvironment) => void;
  /** Called with the running nodes after the checks, before teardown (the bench samples memory). */
  beforeTeardown?: (nodes: StartedNode[]) => Promise<void>;
}

export interface NodeSummary {
  name: string;
  id?: string;
  address: string;
  clusterip: string;
  expect: NodeSpec["expect"];
  nodeId?: number;
  exit?: ExitInfo;
  notStarted?: string;
  /** Milliseconds from the run's first create. */
  createdMs?: number;
  startedMs?: number;
  readyMs?: number;
  exitedMs?: number;
}

export interface RunTimings {
  /** From the first container create until every check ran: "up + verified". */
  upAndVerifiedMs?: number;
  /** When the first container create (or process spawn) was sent, from the run's start. */
  firstCreateMs?: number;
  firstReadyMs?: number;
  allStartedMs?: number;
  allOutcomesMs?: number;
  teardownMs?: number;
  /** Writing report.html after the run (not part of totalMs). */
  reportMs?: number;
  totalMs: number;
  /** Fault scenarios: detection per fault, convergence after each fault or heal (ms, log clocks). */
  membership?: ReturnType<typeof membershipFigures>;
}

export interface RunResult {
  runId: string;
  scenario: string;
  runtime: string;
  verdict: Validity;
  exitCode: 0 | 1 | 2;
  checks: CheckResult[];
  runDir: string;
  mergedLog: string;
  /** report.html, unless writing it failed (the run's verdict does not depend on it). */
  report?: string;
  timings: RunTimings;
  nodes: NodeSummary[];
  /** Why the run could not tell (Docker failed, interrupted, missing capability). */
  error?: string;
  interrupted?: boolean;
  kept?: boolean;
  timeline: TimelineEntry[];
}

interface NodeState {
  spec: NodeSpec;
  address: string;
  clusterip: string;
  created?: CreatedNode;
  node?: StartedNode;
  notStarted?: string;
  createdD: Deferred;
  startedD: Deferred;
  readyD: Deferred;
  exitedD: Deferred<ExitInfo>;
  summary: NodeSummary;
  faults: FaultKind[];
}

const exitCodeOf = (verdict: Validity): 0 | 1 | 2 => (verdict === true ? 0 : verdict === false ? 1 : 2);

export async function runScenario(scenario: ScenarioSpec, options: RunOptions): Promise<RunResult> {
  const { runtime, logger, reporter } = options;
  const runId = options.runId ?? makeRunId();
  const dir = RunDir.create(options.runsDir, scenario.name, runId, scenario);
  const untrace = traceTo(logger, dir.trace);
  const t0 = performance.now();
  const ms = () => Math.round((performance.now() - t0) * 10) / 10;
  const events: OrchestratorEvent[] = [];
  const note = (event: string, message: string, node?: string): void => {
    const t = nowMicros();
    const entry: OrchestratorEvent = {
      t,
      time: formatTimestamp(t),
      event,
      message,
      ...(node ? { node } : {}),
    };
    events.push(entry);
    dir.writeEvent(entry);
  };
  const timings: RunTimings = { totalMs: 0 };
  const states = new Map<string, NodeState>();
  let env: StartedEnvironment | undefined;
  let error: string | undefined;
  let checks: CheckResult[] = [];
  let verdict: Validity = "unknown";
  let kept = false;

  const interrupted = () => options.signal?.aborted === true;
  const unit = runtime.kind === "docker" ? "container" : "process";
  // Every node's readiness wait listens on the signal: 64 nodes are not a leak.
  if (options.signal) setMaxListeners(0, options.signal);

  reporter?.resetClock();
  reporter?.report({
    kind: "phase",
    message: `${scenario.name}: ${scenario.nodes.length} node(s) on ${runtime.describe()} (run ${runId})`,
  });
  note("run.started", `scenario ${scenario.name}, ${scenario.nodes.length} node(s), runtime ${runtime.kind}`);

  const observed = (): ObservedNode[] =>
    [...states.values()].map((s) => ({
      name: s.spec.name,
      spec: s.spec,
      address: s.address,
      clusterip: s.clusterip,
      started: s.node !== undefined,
      ...(s.notStarted ? { notStarted: s.notStarted } : {}),
      ...(s.node?.exitInfo ? { exit: s.node.exitInfo } : {}),
      ...(s.node?.logError ? { logError: s.node.logError } : {}),
      ...(s.faults.length ? { faults: [...s.faults] } : {}),
    }));
  const buildTimeline = (): TimelineEntry[] => {
    const perNode = new Map<string, readonly LogRecord[]>();
    for (const s of states.values()) if (s.node) perNode.set(s.spec.name, s.node.log.records);
    return mergeTimeline(perNode, events);
  };
  const evaluate = () => runChecks({ scenario, nodes: observed(), timeline: buildTimeline() });

  try {
    const missing = requiredCapabilities(scenario).filter((c) => !runtime.capabilities.has(c));
    if (missing.length) {
      throw new Error(
        `scenario ${scenario.name} needs ${missing.join(", ")}, which the ${runtime.kind} runtime cannot do; run it with --runtime docker`,
      );
    }
    const environment = await runtime.createEnvironment({
      runId,
      scenario: scenario.name,
      keep: !!options.keep,
      // Network cuts: a reconnected node keeps its address, as after a real partition.
      ...(requiredCapabilities(scenario).includes("network-cut") ? { stableAddresses: true } : {}),
    });
    env = environment;
    options.onEnvironment?.(environment);
    const literals = scenario.nodes.flatMap((n) => (typeof n.clusterip === "string" ? [] : [n.clusterip]));
    await environment.reserve(scenario.nodes, literals);
    note(
      "environment.ready",
      runtime.kind === "docker" ? "labelled internal network created" : "loopback ports reserved",
    );

    const portOf = (spec: NodeSpec) => environment.portOf(spec.name, spec.port);
    const addressOf = (spec: NodeSpec) => `${environment.advertiseHost(spec.name)}:${portOf(spec)}`;
    const byName = new Map(scenario.nodes.map((n) => [n.name, n] as const));
    for (const spec of scenario.nodes) {
      const clusterip =
        typeof spec.clusterip === "string"
          ? addressOf(byName.get(spec.clusterip)!)
          : environment.literalAddress(spec.clusterip.host, spec.clusterip.port);
      states.set(spec.name, {
        spec,
        address: addressOf(spec),
        clusterip,
        createdD: new Deferred(),
        startedD: new Deferred(),
        readyD: new Deferred(),
        exitedD: new Deferred<ExitInfo>(),
        summary: { name: spec.name, address: addressOf(spec), clusterip, expect: spec.expect },
        faults: [],
      });
    }

    const limiter = new Limiter(options.inFlight ?? 6);
    const fanOut = new Map<string, number>();
    for (const spec of scenario.nodes) {
      for (const c of startConditions(spec, scenario)) fanOut.set(c.node, (fanOut.get(c.node) ?? 0) + 1);
    }
    const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    const argsOf = (state: NodeState): string[] => [
      "--name",
      state.spec.name,
      "--myport",
      String(portOf(state.spec)),
      "--clusterip",
      state.clusterip,
      "--advertise",
      environment.advertiseHost(state.spec.name),
      ...(runtime.kind === "process" ? ["--listenHost", "127.0.0.1"] : []),
      "--logFormat",
      "json",
      "--dialTimeout",
      String(options.dialTimeoutMs ?? 5000),
      ...(state.spec.makeMasterOnError ? ["--makeMasterOnError"] : []),
      ...(state.spec.flags ?? []),
    ];

    const bringUp = async (state: NodeState): Promise<void> => {
      const name = state.spec.name;
      const fail = (why: string): void => {
        state.createdD.reject(new Error(why));
        state.startedD.reject(new Error(why));
        state.readyD.reject(new Error(why));
        state.exitedD.reject(new Error(why));
      };
      try {
        // Nodes with dependencies are created once the first nodes' containers exist: the daemon
        // then works on the master's start instead of on creates nobody needs yet.
        if (startConditions(state.spec, scenario).length > 0) await rootsCreated;
        // Pre-create while dependencies come up: a create costs the daemon little, a start much.
        state.created = await limiter.run(() => {
          if (interrupted()) throw new NotStarted("run interrupted");
          timings.firstCreateMs ??= ms();
          return environment.createNode({ name, port: portOf(state.spec), args: argsOf(state) });
        });
        state.summary.createdMs = ms();
        state.createdD.resolve();
        state.summary.id = state.created.id;
        reporter?.report({ kind: "node", node: name, state: "created" });
        // Container starts go ahead of their turn (the gate holds the node program), with priority
        // over creates so the master's comes first.
        // A node many others wait on (a star's master) gets the daemon and the CPU to itself
        // first: released all at once, its dependents' boots would starve each other and the
        // daemon; held until it is ready, each boots as its container starts. A chain is better
        // off starting everything at once (measured), so this applies to wide fan-outs only.
        const wide = startConditions(state.spec, scenario).filter(
          (c) => c.state === "ready" && (fanOut.get(c.node) ?? 0) >= limiter.limit,
        );
        const prepared = state.created.prepare
          ? (async () => {
              for (const c of wide) await states.get(c.node)!.readyD.promise.catch(() => {});
              await limiter.run(async () => {
                if (interrupted()) throw new NotStarted("run interrupted");
                await state.created!.prepare!();
              }, 1);
            })()
          : Promise.resolve();
        prepared.catch(() => {});
        for (const cond of startConditions(state.spec, scenario)) {
          const dep = states.get(cond.node)!;
          const milestone =
            cond.state === "ready" ? dep.readyD : cond.state === "started" ? dep.startedD : dep.exitedD;
          try {
            await milestone.promise;
          } catch {
            throw new NotStarted(`${cond.node} did not become ${cond.state}`);
          }
        }
        if (interrupted()) throw new NotStarted("run interrupted");
        await prepared;
        const node = state.created.prepare
          ? await state.created.start()
          : await limiter.run(() => state.created!.start(), 1);
        state.node = node;
        state.summary.startedMs = ms();
        node.log.onRecord((r) => dir.writeRecord(r));
        for (const r of node.log.records) dir.writeRecord(r);
        // Orchestrator events are named apart from the node's own (node.started is the node's).
        note("launched", `node program started (${unit} ${node.id.slice(0, 12)})`, name);
        reporter?.report({ kind: "node", node: name, state: "started" });
        state.startedD.resolve();
        void node.exited.then((info) => {
          state.summary.exitedMs = ms();
          state.summary.exit = info;
          note("exited", info.signal ? `ended (${info.signal})` : `exited with code ${info.code}`, name);
          state.exitedD.resolve(info);
        });
        const describeEnd = () => {
          const info = node.exitInfo;
          return info
            ? `${name} exited with code ${info.code}${info.signal ? ` (${info.signal})` : ""}`
            : `${name}'s output ended`;
        };
        if ("quits" in state.spec.expect) {
          // Expected to quit: its exit is the outcome; a node that became ready instead fails here.
          const ready = waitForEvent(node.log, "node.ready", {
            timeoutMs: readyTimeoutMs,
            signal: options.signal,
          });
          // Its output may end a moment before the exit is known: then the exit decides.
          const outcome = await Promise.race([
            node.exited.then(() => "exited" as const),
            ready.then(
              () => "ready" as const,
              () => node.exited.then(() => "exited" as const),
            ),
          ]);
          if (outcome === "ready")
            throw new Error(`${name} became ready, but the scenario expects it to quit`);
          reporter?.report({
            kind: "node",
            node: name,
            state: "exited",
            detail: `exit code ${node.exitInfo?.code}`,
          });
        } else {
          const ready = await waitForEvent(node.log, "node.ready", {
            timeoutMs: readyTimeoutMs,
            signal: options.signal,
            describeEnd,
          });
          state.summary.readyMs = ms();
          state.summary.nodeId = ready.line?.nodeId;
          timings.firstReadyMs ??= ms();
          const role = node.log.records.some((r) => r.line?.event === "master.started") ? "master" : "member";
          reporter?.report({
            kind: "node",
            node: name,
            state: "ready",
            detail: `${role}${role === "member" ? ` via ${state.clusterip}` : ""}`,
          });
          state.readyD.resolve();
        }
      } catch (err) {
        const message = (err as Error).message;
        if (err instanceof NotStarted) {
          state.notStarted = message;
          reporter?.report({ kind: "node", node: name, state: "skipped", detail: `not started: ${message}` });
        } else {
          reporter?.report({ kind: "node", node: name, state: "failed", detail: message });
        }
        if (!state.created && !(err instanceof NotStarted)) error ??= `${name}: ${message}`;
        fail(message);
      }
    };

    const roots = [...states.values()].filter((s) => startConditions(s.spec, scenario).length === 0);
    const rootsCreatedD = new Deferred();
    const rootsCreated = rootsCreatedD.promise.catch(() => {});
    const all = [...states.values()].map(bringUp);
    void Promise.all(roots.map((r) => r.createdD.promise)).then(
      () => rootsCreatedD.resolve(),
      () => rootsCreatedD.resolve(),
    );
    await Promise.all(all);
    timings.allOutcomesMs = ms();
    timings.allStartedMs = Math.max(0, ...[...states.values()].map((s) => s.summary.startedMs ?? 0));

    // The fault schedule (issue 5 scenarios): each fault is an event in the merged timeline.
    for (const step of scenario.steps ?? []) {
      if (interrupted()) break;
      await delay(step.afterMs, options.signal);
      await Promise.all(
        step.nodes.map(async (name) => {
          const state = states.get(name)!;
          const node = state.node;
          // A node that never started or already exited (it failed its join, or a kill came
          // first) has nothing to fault: the engine would refuse, or pretend.
          if (!node || node.exitInfo)
            return note(`fault.${step.fault}.skipped`, `${name} is not running`, name);
          state.faults.push(step.fault);
          note(`fault.${step.fault}`, `${step.fault} ${name}`, name);
          await applyFault(node, step.fault);
        }),
      );
    }

    // Late lines (a responder's response.sent after the joiner's ready) settle within moments;
    // wait for them only while a check still fails, bounded.
    let evaluation = evaluate();
    if (evaluation.verdict !== true && !interrupted()) {
      evaluation = await settle(
        evaluate,
        [...states.values()].flatMap((s) => (s.node ? [s.node] : [])),
        Math.max(options.settleTimeoutMs ?? 1000, scenario.settleMs ?? 0),
        options.signal,
      );
    }
    checks = evaluation.results;
    if (scenario.checks?.includes("converged"))
      timings.membership = membershipFigures({ scenario, nodes: observed(), timeline: buildTimeline() });
    verdict = error || interrupted() ? "unknown" : evaluation.verdict;
    timings.upAndVerifiedMs = Math.round((ms() - (timings.firstCreateMs ?? 0)) * 10) / 10;
    if (options.beforeTeardown) {
      await options.beforeTeardown([...states.values()].flatMap((s) => (s.node ? [s.node] : [])));
    }
    note("run.verified", `verdict ${verdict}`);
  } catch (err) {
    error = (err as Error).message;
    logger.warn(`run ${runId}: ${error}`);
  } finally {
    const teardownStarted = ms();
    if (interrupted()) error ??= "run interrupted";
    if (options.keep && verdict !== true && env) {
      kept = true;
      note("run.kept", "nodes kept for inspection (--keep)");
      env.detach();
    } else if (env) {
      // Graceful first, so node.stopping/node.stopped land in the log; then remove everything.
      reporter?.report({ kind: "phase", message: `stopping ${states.size} node(s)` });
      const started = [...states.values()].flatMap((s) => (s.node ? [s.node] : []));
      const stopLimiter = new Limiter(8);
      await Promise.allSettled(started.map((n) => stopLimiter.run(() => n.stop({ timeoutMs: 1000 }))));
      await Promise.race([Promise.all(started.map((n) => n.log.whenEnded())), delay(2000)]);
      await env.stop().catch((e: Error) => {
        logger.error(`cleanup of run ${runId} failed: ${e.message}`);
        error ??= `cleanup failed: ${e.message}`;
      });
      note("run.cleaned", "nodes and network removed");
    }
    timings.teardownMs = Math.round((ms() - teardownStarted) * 10) / 10;
    timings.totalMs = ms();
  }

  const timeline = buildTimeline();
  const mergedLog = dir.writeFile(MERGED_FILE, formatTimeline(timeline));
  const exitCode = exitCodeOf(verdict);
  const result: RunResult = {
    runId,
    scenario: scenario.name,
    runtime: runtime.kind,
    verdict,
    exitCode,
    checks,
    runDir: dir.path,
    mergedLog,
    timings,
    nodes: [...states.values()].map((s) => ({
      ...s.summary,
      ...(s.notStarted ? { notStarted: s.notStarted } : {}),
    })),
    ...(error ? { error } : {}),
    ...(interrupted() ? { interrupted: true } : {}),
    ...(kept ? { kept: true } : {}),
    timeline,
  };
  const reportStarted = performance.now();
  try {
    const { timeline: _t, ...facts } = result;
    result.report = writeRunReport(dir.path, { scenario, results: facts, timeline });
  } catch (err) {
    logger.warn(`run ${runId}: could not write ${REPORT_FILE}: ${(err as Error).message}`);
  }
  timings.reportMs = Math.round((performance.now() - reportStarted) * 10) / 10;
  const { timeline: _omit, ...saved } = result;
  dir.writeFile(
    RESULTS_FILE,
    JSON.stringify(
      {
        ...saved,
        files: {
          mergedLog: MERGED_FILE,
          trace: TRACE_FILE,
          ...(result.report ? { report: REPORT_FILE } : {}),
        },
      },
      null,
      2,
    ) + "\n",
  );
  untrace();
  await dir.close();
  return result;
}

class NotStarted extends Error {}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

async function applyFault(node: StartedNode, fault: FaultKind): Promise<void> {
  const method = {
    kill: node.kill,
    stop: node.stop,
    pause: node.pause,
    unpause: node.unpause,
    disconnect: node.disconnect,
    connect: node.connect,
    restart: node.restart,
  }[fault];
  // The capability check before the run makes this unreachable; keep the error honest anyway.
  if (!method) throw new Error(`${node.name}: the runtime cannot ${fault}`);
  await method.call(node);
}

/** Re-evaluates the checks as new lines arrive, until they pass or the deadline passes. */
async function settle<T extends { verdict: Validity }>(
  evaluate: () => T,
  nodes: StartedNode[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let result = evaluate();
  while (result.verdict !== true && performance.now() < deadline && !signal?.aborted) {
    if (nodes.every((n) => n.log.ended)) break; // nothing more can arrive
    await nextRecord(nodes, deadline - performance.now());
    await delay(5); // let a burst of lines land before looking again
    result = evaluate();
  }
  return result;
}

/** Resolves on the next record or stream end from any of `nodes`, or after `timeoutMs`. */
function nextRecord(nodes: StartedNode[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    const done = (): void => {
      clearTimeout(timer);
      for (const off of offs) off();
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, timeoutMs));
    for (const n of nodes) offs.push(n.log.onRecord(done), n.log.onEnd(done));
  });
}
