/**
 * Time to first token is kept as a histogram per rollup row (a percentile cannot be summed; bucket
 * counts can). Bucket 0 holds calls faster than 50 ms, bucket k those from bound k-1 up to (not
 * including) bound k, the last everything from 60 s on. The same bounds live in the database
 * (app_first_token_bounds(); a test compares them).
 */
export const FIRST_TOKEN_BOUNDS_MS = [
  50, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10000, 15000, 20000, 30000,
  60000,
] as const;

/**
 * The p-th percentile (0..1) of a histogram, interpolated linearly inside its bucket; null when empty.
 * Exact to the bucket's width (e.g. between 500 and 750 ms); the last bucket reports its lower bound.
 */
export function percentileOf(buckets: readonly number[], p: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index] ?? 0;
    if (count > 0 && seen + count >= rank) {
      const lower = index === 0 ? 0 : FIRST_TOKEN_BOUNDS_MS[index - 1]!;
      const upper = FIRST_TOKEN_BOUNDS_MS[index];
      if (upper === undefined) return lower;
      return Math.round(lower + ((rank - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return FIRST_TOKEN_BOUNDS_MS.at(-1)!;
}
