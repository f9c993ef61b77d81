import type { Buckets } from '../clients/resilience/call-record';

export type { Buckets };

/** What was observed between two readings of the same cumulative histogram. */
export function bucketsSince(now: Buckets, before: Buckets | undefined): Buckets {
  return { le: now.le, counts: now.counts.map((c, i) => Math.max(0, c - (before?.counts[i] ?? 0))) };
}

/**
 * The q-quantile (0 < q < 1) of the observations in `buckets`, as Prometheus' histogram_quantile
 * estimates it: linear within the bucket that holds the rank. Null without observations. A rank
 * in the +Inf bucket answers the highest finite bound (all that the buckets can tell).
 */
export function quantile(q: number, buckets: Buckets): number | null {
  const total = buckets.counts.at(-1) ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  const i = buckets.counts.findIndex((c) => c >= rank);
  const upper = buckets.le[i]!;
  if (!Number.isFinite(upper)) return buckets.le[i - 1] ?? 0;
  const lower = i === 0 ? 0 : buckets.le[i - 1]!;
  const below = i === 0 ? 0 : buckets.counts[i - 1]!;
  const inBucket = buckets.counts[i]! - below;
  return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
}
