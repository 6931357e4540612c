// The runtime seam: everything that starts, observes and stops nodes. Docker and local processes
// implement it; lifecycle states are types (an environment makes CreatedNodes, start() gives a
// StartedNode, only that can be stopped), and every stop is idempotent.
import type { Capability } from "../scenarios/types.js";
import type { NodeLog } from "../logs/node-log.js";
import type { FaultOutcome } from "../netfaults/network-faults.js";
import type { NetworkFault } from "../netfaults/network-fault.js";

export type RuntimeKind = "docker" | "process" | "swarm";

export interface ExitInfo {
  code: number | null;
  signal?: string | null;
}

/** Identifies one run's resources: Docker labels them `joinlab.run=<runId>`. */
export interface RunIdentity {
  runId: string;
  scenario: string;
  /** Keep this run's resources from the start-up sweep (`--keep`). */
  keep?: boolean;
  /**
   * Nodes keep their addresses across a network cut (Docker: a pinned subnet, reconnect at the
   * old IP). Without it a reconnected node may get a new IP that its peers' cached DNS lacks.
   */
  stableAddresses?: boolean;
  /** More nodes than two cores hold comfortably (run/large-run.ts): Docker weighs their containers apart. */
  largeRun?: boolean;
}

export interface NodeLaunch {
  name: string;
  /** The scenario's port; the process runtime maps it (see `portOf`). */
  port: number;
  /** Node flags (the image's entrypoint or the node bin adds the program). */
  args: string[];
  /** Swarm placement constraints from the scenario (NodeSpec.placement); others ignore them. */
  placement?: readonly string[];
  /** joinlab-rogue instead of the node (runtimes with the "rogue" capability). */
  program?: "rogue";
}

export interface SweepOptions {
  /** Also runs whose orchestrator is alive. */
  all?: boolean;
  /** Only this run (alive or not). */
  runId?: string;
  /** Also runs kept with --keep (the start-up sweep leaves them; `clean` does not). */
  kept?: boolean;
  /** Only what this process made, though it lives (an interrupted bench removing its own). */
  mine?: boolean;
}

export interface Runtime {
  readonly kind: RuntimeKind;
  /** What runs one node, in progress and event text: "container", "process". */
  readonly unit: string;
  /** The faults and features it can provide; a scenario that needs more is refused before it starts. */
  readonly capabilities: ReadonlySet<Capability>;
  /** Makes a run's environment: a labelled internal network, or nothing for processes. */
  createEnvironment(run: RunIdentity): Promise<StartedEnvironment>;
  /** Removes resources of runs whose orchestrator is gone (all with `all`); one line per resource ("removed ..." or "could not remove ..."). */
  sweep(options?: SweepOptions): Promise<string[]>;
  /**
   * Finds out whether capabilities that depend on the machine really work here (the network-fault
   * helper's image and permissions, the kernel's netem, an engine on every swarm host a node may
   * land on), before anything starts. Returns why each of `needed` that cannot work is missing;
   * the rest of `needed` is then in `capabilities`.
   */
  checkCapabilities?(needed: readonly Capability[]): Promise<Map<Capability, string>>;
  /** Short text for progress output: "docker 20.10.24, image joinlab/node:latest". */
  describe(): string;
  close(): Promise<void>;
}

export interface StartedEnvironment extends AsyncDisposable {
  readonly run: RunIdentity;
  /** What it is, once reserved, for the run's event log: "labelled internal network created". */
  readonly summary: string;
  /** Reserves what the nodes need before any starts (the process runtime's free ports). */
  reserve(
    nodes: readonly { name: string; port: number }[],
    literals: readonly { host: string; port: number }[],
  ): Promise<void>;
  /** The host name peers use for a node (`--advertise`). */
  advertiseHost(node: string): string;
  /** The port a node listens on (`--myport`). */
  portOf(node: string, scenarioPort: number): number;
  /** A literal cluster address from the scenario, as this runtime can offer it safely. */
  literalAddress(host: string, port: number): string;
  createNode(launch: NodeLaunch): Promise<CreatedNode>;
  /** Force-removes every node and the environment itself; idempotent. */
  stop(): Promise<void>;
  /** Lets go of nodes kept for inspection (--keep): closes our streams, leaves them running. */
  detach(): void;
  /** Rule-based network faults (partition, one-way, loss, latency): present when the runtime has them. */
  readonly networkFaults?: NetworkFaultApplier;
  /**
   * Runtimes whose logs come from engines with clocks of their own (swarm): measures them again
   * and reports every engine's offset and the error bound of the corrected timestamps.
   */
  measureClocks?(): Promise<ClockReport>;
}

/** How far each engine's clock was from the orchestrator's, and how well the logs were corrected. */
export interface ClockReport {
  /** Per engine (swarm host): offsets at the start and the end of the run, in milliseconds. */
  engines: EngineClockReport[];
  /** The largest error bound of any engine's corrected timestamps (ms); absent if none was measured. */
  boundMs?: number;
}

export interface EngineClockReport {
  host: string;
  /** A made-up clock error the test seam added to this engine (JOINLAB_TEST_ENGINE_SKEW), in ms. */
  testSkewMs?: number;
  /** Engine clock minus ours, as measured before the first node started and after the last check. */
  startOffsetMs?: number;
  startBoundMs?: number;
  endOffsetMs?: number;
  endBoundMs?: number;
  /** Error bound of this engine's corrected timestamps over the run (ms): measurement plus drift. */
  boundMs?: number;
  /** Why the clock could not be measured (no engine reachable for the host). */
  unmeasured?: string;
}

/** Applies and heals network faults inside the nodes' network namespaces. */
export interface NetworkFaultApplier {
  /** Makes what faults on these (started) nodes need ready ahead of time; throws when it cannot. */
  prepare(nodes: readonly string[]): Promise<void>;
  apply(fault: NetworkFault): Promise<FaultOutcome>;
  /** Removes exactly what the fault labelled `label` added. */
  heal(label: string): Promise<FaultOutcome & { fault: NetworkFault }>;
  /** Labels of the faults in force, oldest first. */
  inForce(): string[];
  /** The node restarted in place: its namespace is new (its old rules are gone). */
  renew(node: string): void;
  /**
   * A node that starts while faults are in force (its container exists, its program not yet):
   * writes the rules of those that name it into its namespace; returns their labels.
   */
  admit(node: string): Promise<string[]>;
}

export interface CreatedNode {
  readonly name: string;
  readonly id: string;
  /**
   * Does the expensive part of a start ahead of time, before the node's turn: Docker starts the
   * container with the node program held at a gate. Optional; start() works without it.
   */
  prepare?(): Promise<void>;
  /** Launches the node program (releases the gate, or starts the container or process). */
  start(): Promise<StartedNode>;
  remove(): Promise<void>;
}

export interface StartedNode {
  readonly name: string;
  readonly id: string;
  /** The node's output, records arriving as it writes them (read since it started). */
  readonly log: NodeLog;
  /** Resolves when the node has exited; never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** Set once exited. */
  readonly exitInfo: ExitInfo | undefined;
  /** Set when the node's output could not be read to the end (the checks then cannot tell). */
  readonly logError?: string;
  /** The machine it runs on, when the runtime spreads nodes over several (the swarm host). */
  readonly host?: string;
  /** Graceful stop (SIGTERM, then SIGKILL after `timeoutMs`); idempotent. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Immediate kill; idempotent. */
  kill(): Promise<void>;
  remove(): Promise<void>;
  /** Resident memory, when the runtime can tell. */
  rssBytes(): Promise<number | undefined>;
  /** CPU time (user + system) the node has used so far, in seconds, when the runtime can tell. */
  cpuSeconds(): Promise<number | undefined>;
  /** Fault injection: present when the runtime lists the matching capability. */
  pause?(): Promise<void>;
  unpause?(): Promise<void>;
  /** Cuts the node off the run's network / reconnects it under the same alias. */
  disconnect?(): Promise<void>;
  connect?(): Promise<void>;
  /**
   * Crash and restart in place: SIGKILL, then the same program, address and flags again (a new
   * process, so a new node id). The log continues; `exited` then stands for the new process.
   */
  restart?(): Promise<void>;
}
