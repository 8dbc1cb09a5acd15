/**
 * The figures of `npm run bench:o2c` (bench/o2c.ts), as pure functions of the times it recorded: orders per second to
 * the final state, the p95 of intake → invoice, and the ratio of the two runs.
 */

/** The p-th percentile (0 < p ≤ 100) by nearest rank: the smallest value with at least p % of the values at or below it; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be above 0 and at most 100 (is ${p})`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export const p95 = (values: readonly number[]) => percentile(values, 95);

/** Orders per second: `count` orders from the first intake (`fromMs`) to the last one reaching its final state (`toMs`). */
export function ordersPerSecond(count: number, fromMs: number, toMs: number): number {
  if (count === 0) return 0;
  if (!(toMs > fromMs)) throw new RangeError(`ordersPerSecond: the last order (${toMs}) must come after the first (${fromMs})`);
  return (count * 1000) / (toMs - fromMs);
}

/** The o2c run's rate over the baseline's: 1 is as fast, 0.5 half as fast; NaN when the baseline moved nothing. */
export function ratio(o2c: number, baseline: number): number {
  return baseline > 0 ? o2c / baseline : NaN;
}

/** Milliseconds from each order's start to its end, for the orders that have both (by order key). */
export function durations(starts: ReadonlyMap<string, number>, ends: ReadonlyMap<string, number>): number[] {
  const out: number[] = [];
  for (const [key, end] of ends) {
    const start = starts.get(key);
    if (start !== undefined) out.push(end - start);
  }
  return out;
}
