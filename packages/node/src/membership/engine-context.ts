// What the engine's mechanisms share: the configuration, the view, the batch being built by the
// current call, and the few flags that say where the engine is in its life.
import type { Batch } from "./batch.js";
import type { MembershipConfig } from "./config.js";
import type { LocalHealth } from "./local-health.js";
import type { MemberTable } from "./member-table.js";

export interface EngineState {
  /** Joined a cluster (or started as master): probing and elections run only then. */
  active: boolean;
  /** We joined a seed node, which tells us nothing about the cluster: no failover (docs/membership.md). */
  degraded: boolean;
  /** Left the cluster: the engine is inert. */
  stopped: boolean;
  /** The view changed since the master rule last ran (it is O(n), so it is skipped otherwise). */
  dirty: boolean;
  /** The highest master epoch this node has seen: a new master takes the next one. */
  maxEpoch: number;
  /** When a datagram from another member last arrived (a node nobody talks to is cut off). */
  lastHeardAt: number;
}

export interface EngineContext {
  readonly config: MembershipConfig;
  readonly selfId: number;
  /** Injected randomness (tests pass a seeded generator). */
  readonly random: () => number;
  readonly table: MemberTable;
  readonly batch: Batch;
  readonly state: EngineState;
  /** This node's own health score (Lifeguard): stretches its probe period and timeout. */
  readonly health: LocalHealth;
}

/** Up to `count` distinct items picked at random (a Fisher-Yates stopped after `count` steps). */
export function pickRandom<T>(items: readonly T[], count: number, random: () => number): T[] {
  const a = [...items];
  const n = Math.min(count, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a.slice(0, n);
}

/** Folds deadlines into the earliest one. */
export function earliest(due: number | undefined, t: number | undefined): number | undefined {
  if (t === undefined) return due;
  return due === undefined || t < due ? t : due;
}
