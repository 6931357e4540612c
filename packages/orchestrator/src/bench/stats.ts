// Small statistics for the benchmark: median and nearest-rank percentiles.
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number | undefined, digits = 1): number | undefined =>
  value === undefined ? undefined : Math.round(value * 10 ** digits) / 10 ** digits;

/** At most `limit` items, spread evenly over the list (samples of a cluster, not its first nodes). */
export function spread<T>(items: readonly T[], limit: number): T[] {
  const step = Math.max(1, Math.floor(items.length / limit));
  return items.filter((_, i) => i % step === 0).slice(0, limit);
}
