// One run's network faults in Docker: a helper per node, kept for the run (net-helper.ts), and
// the faults in force, each with the tag that finds its rules again. Applying writes every
// touched node's rules (one exec per node, a few in parallel); healing removes exactly them.
// A node whose container restarted has a new namespace: its old rules died with the old one, and
// it gets a new helper.
import type { Logger } from "winston";
import type { DockerClient } from "../runtime/docker-client.js";
import { Limiter } from "../runtime/limiter.js";
import type { NetworkFaultApplier } from "../runtime/types.js";
import { HelperUnavailable, NetHelper, type HelperTarget } from "./net-helper.js";
import { nodesNamed, nodesTouched, type NetworkFault } from "./network-fault.js";
import {
  applyScript,
  delayCommand,
  healScript,
  needsFilter,
  ruleTag,
  rulesFor,
  undelayCommand,
  type NodeRules,
  type RuleTag,
} from "./rule-set.js";

/**
 * Helper starts and execs in flight at once. Each costs the engine a runc run on the same two cores
 * as the nodes: sixteen at once (healing a loss on 16 nodes, or starting 12 helpers) starved the
 * nodes for up to half a second, longer than a suspicion lasts, and a healthy node was declared
 * failed. Four at a time took no longer overall (the engine serialises them anyway).
 */
const HELPER_OPS_IN_FLIGHT = 4;

export interface NetworkFaultsOptions {
  client: DockerClient;
  /** The helper image (helper-image.ts). */
  image: string;
  runId: string;
  /** The run's labels: teardown and the start-up sweep find helpers by them. */
  labels: Record<string, string>;
  /** The run's network: nodes' addresses are read there. */
  networkName: string;
  /** A node's container, once it exists. */
  targetOf: (node: string) => HelperTarget | undefined;
  logger: Logger;
}

/** What applying or healing did, for the fault's event in the timeline. */
export interface FaultOutcome {
  /** Call → the last touched node's rules in place (or gone), in milliseconds. */
  inPlaceMs: number;
  /** Nodes touched. */
  nodes: string[];
  /** Nodes left alone, and why (restarted since the rules went in: its namespace is new). */
  skipped: { node: string; why: string }[];
}

interface NodeSlot {
  target: HelperTarget;
  helper?: Promise<NetHelper>;
  /** Bumped with each new namespace (restart): rules of an older one are gone with it. */
  generation: number;
  address?: string;
}

interface ActiveFault {
  fault: NetworkFault;
  tag: RuleTag;
  applied: Map<string, { generation: number; rules: NodeRules }>;
}

export class NetworkFaults implements NetworkFaultApplier {
  private readonly slots = new Map<string, NodeSlot>();
  private readonly active = new Map<string, ActiveFault>();
  private sequence = 0;
  private stopped = false;
  private readonly helperOps = new Limiter(HELPER_OPS_IN_FLIGHT);

  constructor(private readonly options: NetworkFaultsOptions) {}

  /**
   * Starts the helper of every node that has a container and reads its address; throws
   * HelperUnavailable when one cannot run (no image, no permission).
   */
  async prepare(nodes: readonly string[]): Promise<void> {
    for (const node of nodes) {
      const target = this.options.targetOf(node);
      if (target && !this.slots.has(node)) this.slots.set(node, { target, generation: 0 });
    }
    await Promise.all(nodes.filter((n) => this.slots.has(n)).map((n) => this.ready(this.slot(n))));
  }

  /** The node's container restarted: a new namespace, so a new helper (started in the background). */
  renew(node: string): void {
    const slot = this.slots.get(node);
    if (!slot || this.stopped) return;
    const old = slot.helper;
    slot.generation++;
    delete slot.address;
    slot.helper = (async () => {
      await old?.then((h) => h.remove()).catch(() => {});
      return this.startHelper(slot);
    })();
    slot.helper.catch(() => {}); // awaited (and reported) by the next fault on this node
  }

  /**
   * Writes the fault's rules into every touched node's namespace at once. Nodes never prepared
   * (they never started) are skipped: there is no namespace to change, and no traffic of theirs.
   */
  async apply(fault: NetworkFault): Promise<FaultOutcome> {
    const started = performance.now();
    if (this.active.has(fault.label)) throw new Error(`a network fault labelled ${fault.label} is in force`);
    const named = nodesNamed(fault);
    const skipped = named
      .filter((n) => !this.slots.has(n))
      .map((node) => ({ node, why: "not running: it never started" }));
    const present = (n: string) => this.slots.has(n);
    await Promise.all(
      nodesTouched(fault)
        .filter(present)
        .map((n) => this.ready(this.slot(n))),
    );
    const addresses = new Map<string, string>();
    for (const n of named.filter(present)) addresses.set(n, await this.addressOf(this.slot(n)));
    const plan = rulesFor(restrictTo(fault, present), (n) => addresses.get(n)!);
    const tag = ruleTag(this.options.runId, ++this.sequence, fault.label);
    const entry: ActiveFault = { fault, tag, applied: new Map() };
    this.active.set(fault.label, entry);
    await Promise.all(
      [...plan].map(async ([node, rules]) => {
        const slot = this.slot(node);
        await this.writeRules(await slot.helper!, tag, rules);
        entry.applied.set(node, { generation: slot.generation, rules });
      }),
    );
    return { inPlaceMs: msSince(started), nodes: [...plan.keys()], skipped };
  }

  /**
   * A node that starts while faults are in force: its helper is started and the rules of every
   * fault in force that touches it are written (loss and latency; faults whose rules name
   * addresses cannot take a node that had none when they were applied, which the spec rejects).
   */
  async admit(node: string): Promise<string[]> {
    const touching = [...this.active.values()].filter((a) => nodesTouched(a.fault).includes(node));
    if (touching.length === 0) return [];
    await this.prepare([node]);
    const slot = this.slot(node);
    const helper = await slot.helper!;
    for (const entry of touching) {
      const rules = rulesFor(
        restrictTo(entry.fault, (n) => n === node),
        () => slot.address!,
      ).get(node);
      if (!rules) continue;
      await this.writeRules(helper, entry.tag, rules);
      entry.applied.set(node, { generation: slot.generation, rules });
    }
    return touching.map((a) => a.fault.label);
  }

  /** Removes exactly the rules the fault labelled `label` added. */
  async heal(label: string): Promise<FaultOutcome & { fault: NetworkFault }> {
    const started = performance.now();
    const entry = this.active.get(label);
    if (!entry) throw new Error(`no network fault labelled ${label} is in force`);
    this.active.delete(label);
    const skipped: FaultOutcome["skipped"] = [];
    const healed: string[] = [];
    await Promise.all(
      [...entry.applied].map(async ([node, { generation, rules }]) => {
        const slot = this.slot(node);
        if (slot.generation !== generation) {
          skipped.push({ node, why: "restarted since: its rules went with its old namespace" });
          return;
        }
        const helper = await slot.helper!;
        await this.helperOps.run(async () => {
          if (needsFilter(rules)) await helper.restore(healScript(entry.tag));
          if (rules.delayMs !== undefined) await helper.run(undelayCommand());
        });
        healed.push(node);
      }),
    );
    return { fault: entry.fault, inPlaceMs: msSince(started), nodes: healed, skipped };
  }

  /** Labels of the faults in force, oldest first. */
  inForce(): string[] {
    return [...this.active.keys()];
  }

  /** Removes every helper (the run's teardown also removes them by label). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.slots.values()].map(async (s) => (await s.helper)?.remove()));
  }

  private slot(node: string): NodeSlot {
    const slot = this.slots.get(node);
    if (!slot) throw new Error(`${node} has no network helper: it was not prepared for network faults`);
    return slot;
  }

  private async ready(slot: NodeSlot): Promise<NetHelper> {
    slot.helper ??= this.startHelper(slot);
    return slot.helper;
  }

  /** Writes one fault's rules into a node's namespace (a helper exec, under the limit). */
  private writeRules(helper: NetHelper, tag: RuleTag, rules: NodeRules): Promise<void> {
    return this.helperOps.run(async () => {
      if (needsFilter(rules)) await helper.restore(applyScript(tag, rules));
      if (rules.delayMs !== undefined) await helper.run(delayCommand(rules.delayMs));
    });
  }

  private async startHelper(slot: NodeSlot): Promise<NetHelper> {
    const { client, image, labels } = this.options;
    const helper = await this.helperOps.run(() => NetHelper.start(client, image, labels, slot.target));
    await this.addressOf(slot);
    return helper;
  }

  private async addressOf(slot: NodeSlot): Promise<string> {
    if (slot.address) return slot.address;
    const { client, networkName } = this.options;
    const { containerId, containerName, node } = slot.target;
    const address = await client.addressOn(containerId, containerName, networkName);
    if (!address)
      throw new HelperUnavailable(`${node} has no address on ${networkName}: is it cut off the network?`);
    slot.address = address;
    return address;
  }
}

/** The fault among the nodes that exist: a node that never started has no namespace to change. */
function restrictTo(fault: NetworkFault, present: (node: string) => boolean): NetworkFault {
  switch (fault.kind) {
    case "partition":
      return { ...fault, groups: fault.groups.map((g) => g.filter(present)) };
    case "one-way":
      return { ...fault, from: fault.from.filter(present), to: fault.to.filter(present) };
    default:
      return { ...fault, nodes: fault.nodes.filter(present) };
  }
}

function msSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
