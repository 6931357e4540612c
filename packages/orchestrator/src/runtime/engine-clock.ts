// An engine's clock against ours, as an interval that must hold its offset (engine minus ours),
// narrowed by two kinds of request:
// - GET /info reports the engine's system time S, read between our send (a) and our receipt (b):
//   the offset lies in [S - b, S - a]. The engine reads its clock early in the request and then
//   works on, so these bound the offset well from above and poorly from below.
// - GET /events?until=U ends when the engine's own clock reaches U (a timer never fires early), so
//   when we receive the end at b the offset is at least U - b: a lower bound as tight as the
//   engine's timer and one trip back.
// Every sample's interval holds the true offset, so their intersection does too (NTP's reasoning,
// without its statistics): the estimate is its midpoint, the bound its half-width.
import { nowMicros, parseTimestamp } from "../logs/records.js";
import type { DockerClient } from "./docker-client.js";

/** What one request proved about the offset (µs): it lies in [low, high]. */
export interface OffsetInterval {
  low: number;
  high: number;
}

export interface ClockEstimate {
  /** Engine clock minus ours (µs). */
  offsetUs: number;
  /** The true offset is within ±boundUs of the estimate. */
  boundUs: number;
  samples: number;
}

/** Requests per measurement: /info costs the engine a few ms, each /events wait EVENTS_LEAD_US. */
export const INFO_SAMPLES = 8;
export const EVENTS_SAMPLES = 4;
/** How far ahead of the engine's clock an /events `until` is set (µs): past our request's arrival. */
const EVENTS_LEAD_US = 15_000;

export function estimateOffset(intervals: readonly OffsetInterval[]): ClockEstimate {
  const finite = intervals.filter((i) => Number.isFinite(i.low) && Number.isFinite(i.high));
  if (finite.length === 0) throw new Error("no clock sample with both bounds");
  let low = Math.max(...intervals.map((i) => i.low));
  let high = Math.min(...intervals.map((i) => i.high));
  if (low > high) {
    // Contradictory samples: a clock stepped while we measured. Fall back to the narrowest
    // two-sided sample alone, the most that can honestly be claimed.
    const best = [...finite].sort((x, y) => x.high - x.low - (y.high - y.low))[0]!;
    low = best.low;
    high = best.high;
  }
  return { offsetUs: (low + high) / 2, boundUs: (high - low) / 2, samples: intervals.length };
}

/** One /info: the engine's system time against our round trip. */
async function infoSample(client: DockerClient, skewUs: number): Promise<OffsetInterval> {
  const a = nowMicros();
  const info = (await client.docker.info()) as { SystemTime?: string };
  const b = nowMicros();
  const reported = parseTimestamp(String(info.SystemTime ?? ""));
  if (reported === undefined) throw new Error("the engine reported no usable SystemTime");
  const engineTime = reported + skewUs;
  return { low: engineTime - b, high: engineTime - a };
}

/** One /events that the engine ends at `until` on its own clock (set a little ahead of it). */
async function eventsSample(
  client: DockerClient,
  roughOffsetUs: number,
  leadUs: number,
  skewUs: number,
): Promise<OffsetInterval> {
  const until = nowMicros() + roughOffsetUs + leadUs;
  // The engine reads the fraction as nanoseconds, all nine digits of it: hence text, not a number.
  const onEngine = until - skewUs;
  const window = { since: engineSeconds(onEngine - 1000), until: engineSeconds(onEngine) };
  const stream = await client.docker.getEvents(window as unknown as { since: number; until: number });
  await new Promise<void>((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
    stream.resume();
  });
  const b = nowMicros();
  return { low: until - b, high: Infinity };
}

/** The engine API's "seconds.nanoseconds" form of a time in µs. */
function engineSeconds(us: number): string {
  const whole = Math.floor(us / 1e6);
  return `${whole}.${String(Math.round(us - whole * 1e6)).padStart(6, "0")}000`;
}

/**
 * Measures the engine's clock: /info samples, then /events samples to tighten the lower bound.
 * `skewUs` is the test seam's made-up clock error (engine-skew.ts), 0 in a real run.
 */
export async function measureEngineClock(client: DockerClient, skewUs = 0): Promise<ClockEstimate> {
  const intervals: OffsetInterval[] = [];
  for (let i = 0; i < INFO_SAMPLES; i++) intervals.push(await infoSample(client, skewUs));
  const rough = estimateOffset(intervals);
  // A slow link (ssh to another machine) needs more lead for `until` to be ahead on arrival.
  const lead = Math.max(EVENTS_LEAD_US, 2 * rough.boundUs);
  for (let i = 0; i < EVENTS_SAMPLES; i++)
    intervals.push(await eventsSample(client, rough.offsetUs, lead, skewUs));
  return estimateOffset(intervals);
}

/**
 * The error bound over a run of timestamps corrected by the start offset: the start's own bound,
 * or what the end measurement says the offset became (drift), whichever is larger. Between two
 * measurements the offset is taken to change steadily.
 */
export function runBoundUs(start: ClockEstimate, end: ClockEstimate | undefined): number {
  if (!end) return start.boundUs;
  return Math.max(start.boundUs, Math.abs(end.offsetUs - start.offsetUs) + end.boundUs);
}
