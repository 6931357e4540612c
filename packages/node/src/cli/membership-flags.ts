// The membership engine's timing flags (docs/membership.md, "Configuration"): one per knob in
// membership/config-check.ts, each a whole number in its range, checked together at start-up.
import {
  DEFAULT_MEMBERSHIP_CONFIG,
  KNOBS,
  configProblem,
  type MembershipConfig,
} from "../membership/index.js";

/** The yargs options, described with their defaults (left unset, the engine's defaults apply). */
export const MEMBERSHIP_OPTIONS: Readonly<
  Record<string, { type: "string"; describe: string; group: string }>
> = Object.fromEntries(
  KNOBS.map((knob) => [
    knob.flag,
    {
      type: "string" as const,
      describe: `${knob.describe} ${knob.min}..${knob.max}, default ${DEFAULT_MEMBERSHIP_CONFIG[knob.key]}.`,
      group: "Membership timings:",
    },
  ]),
);

/**
 * The membership config the flags ask for: undefined when none is given, else the flags over the
 * defaults. Returns a sentence naming the flag, its value and the allowed range if one is wrong.
 */
export function membershipFromFlags(
  raw: Readonly<Record<string, unknown>>,
): Partial<MembershipConfig> | undefined | { problem: string } {
  const given: Partial<Record<keyof MembershipConfig, number>> = {};
  for (const knob of KNOBS) {
    const text = raw[knob.flag];
    if (text === undefined) continue;
    const value = typeof text === "string" && /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : NaN;
    if (!Number.isSafeInteger(value)) {
      const shown = String(text).slice(0, 40);
      return {
        problem: `--${knob.flag} "${shown}" is not valid: expected a whole number from ${knob.min} to ${knob.max}`,
      };
    }
    given[knob.key] = value;
  }
  if (Object.keys(given).length === 0) return undefined;
  const problem = configProblem({ ...DEFAULT_MEMBERSHIP_CONFIG, ...given });
  return problem === undefined ? given : { problem };
}
