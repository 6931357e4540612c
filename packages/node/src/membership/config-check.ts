// The timing knobs a user may set (node flags), the range each must stay in, and the rules that tie
// them together. A config outside them is refused at start-up, naming the knob, its value and what
// is allowed: a timeout longer than its period, or a fanout past what helps, only hides a mistake.
import type { MembershipConfig } from "./config.js";

export interface Knob {
  key: keyof MembershipConfig;
  /** The node flag that sets it. */
  flag: string;
  min: number;
  max: number;
  unit: "ms" | "count" | "multiplier";
  describe: string;
}

export const KNOBS: readonly Knob[] = [
  {
    key: "probeIntervalMs",
    flag: "probeInterval",
    min: 20,
    max: 60_000,
    unit: "ms",
    describe: "Milliseconds between probes (one member pinged per period; stretched by local health).",
  },
  {
    key: "probeTimeoutMs",
    flag: "probeTimeout",
    min: 5,
    max: 30_000,
    unit: "ms",
    describe: "Milliseconds a ping may take before others are asked to probe; less than --probeInterval.",
  },
  {
    key: "indirectProbes",
    flag: "indirectProbes",
    min: 1,
    max: 8,
    unit: "count",
    describe: "Members asked to probe for us when a ping goes unanswered.",
  },
  {
    key: "suspicionMs",
    flag: "suspicionTimeout",
    min: 50,
    max: 600_000,
    unit: "ms",
    describe:
      "Shortest time a suspect has to refute, at up to 10 members (times log10(n) beyond); at least --probeTimeout.",
  },
  {
    key: "suspicionMaxMult",
    flag: "suspicionMaxMult",
    min: 1,
    max: 20,
    unit: "multiplier",
    describe: "A suspicion starts at this many times the shortest and shrinks as others confirm it.",
  },
  {
    key: "suspicionConfirmations",
    flag: "suspicionConfirmations",
    min: 0,
    max: 10,
    unit: "count",
    describe: "Independent confirmations that bring a suspicion down to the shortest time.",
  },
  {
    key: "awarenessMax",
    flag: "awarenessMax",
    min: 0,
    max: 16,
    unit: "count",
    describe: "Highest local health score: probe period and timeout are multiplied by score + 1 (0: off).",
  },
  {
    key: "gossipIntervalMs",
    flag: "gossipInterval",
    min: 10,
    max: 60_000,
    unit: "ms",
    describe: "Milliseconds between gossip rounds while there is news (fresh news goes at once).",
  },
  {
    key: "gossipFanout",
    flag: "gossipFanout",
    min: 1,
    max: 8,
    unit: "count",
    describe: "Random members each gossip round (and a leave) is sent to.",
  },
  {
    key: "retransmitMult",
    flag: "retransmitMult",
    min: 1,
    max: 10,
    unit: "multiplier",
    describe: "Each update is sent retransmitMult * ceil(log2(n + 1)) times.",
  },
  {
    key: "syncIntervalMs",
    flag: "syncInterval",
    min: 100,
    max: 3_600_000,
    unit: "ms",
    describe:
      "Milliseconds between push-pulls of the full view with a present member, up to 32 members (one more period per doubling beyond).",
  },
  {
    key: "healIntervalMs",
    flag: "healInterval",
    min: 100,
    max: 3_600_000,
    unit: "ms",
    describe:
      "Milliseconds between pushes of the view to a failed member while there is one (what heals a partition), up to 32 members (one more period per doubling beyond).",
  },
  {
    key: "newcomerWindowMs",
    flag: "newcomerWindow",
    min: 0,
    max: 600_000,
    unit: "ms",
    describe:
      "Milliseconds after a member is first learned of during which a suspicion of it runs its longest time, however many confirm it (a new process on a busy host is slowest; 0: off).",
  },
  {
    key: "newcomerGraceMs",
    flag: "newcomerGrace",
    min: 0,
    max: 600_000,
    unit: "ms",
    describe:
      "Milliseconds a member learned of second-hand (a join just admitted) goes unprobed unless it speaks to us first: a joiner acks pings from the start, but refutes suspicions only once its join response has arrived.",
  },
];

/** Rules between knobs: [the knob judged, the bound it must respect, how to say it]. */
const RELATIONS: readonly {
  key: keyof MembershipConfig;
  below: (c: MembershipConfig) => number;
  says: string;
}[] = [
  { key: "probeTimeoutMs", below: (c) => c.probeIntervalMs - 1, says: "less than --probeInterval" },
  // The accused gets at least as long to refute as its accuser waited for its answer.
  { key: "probeTimeoutMs", below: (c) => c.suspicionMs, says: "at most --suspicionTimeout" },
];

/** What is wrong with a config, as a sentence naming the flag, its value and what is allowed; undefined if fine. */
export function configProblem(config: MembershipConfig): string | undefined {
  for (const knob of KNOBS) {
    const value = config[knob.key];
    if (!Number.isSafeInteger(value) || value < knob.min || value > knob.max)
      return `--${knob.flag} ${value} is out of range: expected a whole number from ${knob.min} to ${knob.max}`;
  }
  for (const rule of RELATIONS) {
    const knob = KNOBS.find((k) => k.key === rule.key) as Knob;
    const value = config[rule.key];
    const bound = rule.below(config);
    if (value > bound)
      return `--${knob.flag} ${value} is not valid: it must be ${rule.says} (here at most ${bound})`;
  }
  return undefined;
}
