// A run's engine clocks: each reachable host's engine measured before the first node starts (its
// offset corrects that host's log timestamps as they arrive) and again after the last check (the
// difference is drift, which widens the bound). Hosts without a reachable engine are reported as
// unmeasured: their timestamps stand as the engine wrote them, and the merge's causal repair is
// all that orders them against the others. A test may make an engine's clock look off
// (engine-skew.ts): the skew is then added to all that engine's clock says, here and only here.
import { measureEngineClock, runBoundUs, type ClockEstimate } from "./engine-clock.js";
import { ENGINE_SKEW_ENV, parseEngineSkews } from "./engine-skew.js";
import type { HostEngine, SwarmHosts } from "./swarm-hosts.js";
import type { ClockReport, EngineClockReport } from "./types.js";

const ms = (us: number) => Math.round(us) / 1000;

export class SwarmClocks {
  private readonly start = new Map<string, ClockEstimate>();

  private constructor(
    private readonly hosts: SwarmHosts,
    /** The test seam's made-up clock errors (µs) by swarm hostname; empty in a real run. */
    private readonly skews: ReadonlyMap<string, number>,
  ) {}

  static async measure(hosts: SwarmHosts): Promise<SwarmClocks> {
    const clocks = new SwarmClocks(hosts, parseEngineSkews(process.env[ENGINE_SKEW_ENV]));
    await Promise.all(
      hosts.eligible().map(async (h) => {
        if (h.client) clocks.start.set(h.host.id, await measureEngineClock(h.client, clocks.skewOf(h)));
      }),
    );
    return clocks;
  }

  /** Maps a host's engine timestamps to ours (µs); the identity for unmeasured hosts. */
  toLocal(nodeId: string): (engineT: number) => number {
    const host = this.hosts.byId(nodeId);
    const skew = host ? this.skewOf(host) : 0;
    const offset = this.start.get(nodeId)?.offsetUs ?? 0;
    return (t) => Math.round(t + skew - offset);
  }

  private skewOf(h: HostEngine): number {
    return this.skews.get(h.host.hostname) ?? 0;
  }

  /** Short text for the run's environment event. */
  summary(): string {
    const bounds = [...this.start.values()].map((e) => e.boundUs);
    if (bounds.length === 0) return "no engine clock measured";
    return `${bounds.length} engine clock(s) measured (±${ms(Math.max(...bounds))} ms)`;
  }

  /** Measures again and reports every host. */
  async finish(): Promise<ClockReport> {
    const engines = await Promise.all(this.hosts.eligible().map((h) => this.reportOf(h)));
    const bounds = engines.flatMap((e) => (e.boundMs !== undefined ? [e.boundMs] : []));
    return { engines, ...(bounds.length ? { boundMs: Math.max(...bounds) } : {}) };
  }

  private async reportOf(h: HostEngine): Promise<EngineClockReport> {
    const host = h.host.hostname;
    const start = this.start.get(h.host.id);
    if (!h.client || !start) return { host, unmeasured: "no engine reachable for this host" };
    const end = await measureEngineClock(h.client, this.skewOf(h)).catch(() => undefined);
    const skew = this.skewOf(h);
    return {
      host,
      ...(skew ? { testSkewMs: ms(skew) } : {}),
      startOffsetMs: ms(start.offsetUs),
      startBoundMs: ms(start.boundUs),
      ...(end ? { endOffsetMs: ms(end.offsetUs), endBoundMs: ms(end.boundUs) } : {}),
      boundMs: ms(runBoundUs(start, end)),
    };
  }
}
