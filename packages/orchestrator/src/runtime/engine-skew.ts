// A test seam: a made-up error on an engine's clock. The engines of scripts/test-multihost.sh all
// run on one machine and share its clock, so nothing there would show whether the offsets are
// measured and corrected right. JOINLAB_TEST_ENGINE_SKEW="jlmh2=250,jlmh3=-400" (milliseconds, by
// swarm hostname) makes that engine's clock look that far ahead (or behind, negative) of ours in
// everything joinlab reads from it: the /info system time, the /events deadline, and its log
// timestamps. Only the engine clock code reads it; a real run leaves it unset.
export const ENGINE_SKEW_ENV = "JOINLAB_TEST_ENGINE_SKEW";

/** Largest skew accepted (ms): an hour, past any real clock error. */
const MAX_SKEW_MS = 3_600_000;

/** Parses the variable: swarm hostname → skew in µs (empty when unset). */
export function parseEngineSkews(text: string | undefined): Map<string, number> {
  const skews = new Map<string, number>();
  if (!text?.trim()) return skews;
  for (const entry of text.split(",")) {
    const match = /^\s*([^=\s]+)\s*=\s*(-?\d+(?:\.\d+)?)\s*$/.exec(entry);
    const ms = match ? Number(match[2]) : NaN;
    if (!match || Math.abs(ms) > MAX_SKEW_MS) {
      throw new Error(
        `${ENGINE_SKEW_ENV}: ${JSON.stringify(entry)} is not <swarm-hostname>=<milliseconds> ` +
          `(within ±${MAX_SKEW_MS}); e.g. ${ENGINE_SKEW_ENV}="host2=250,host3=-400", or unset it`,
      );
    }
    skews.set(match[1]!, Math.round(ms * 1000));
  }
  return skews;
}
