// The dashboard's percentiles from histogram buckets, as Prometheus' histogram_quantile estimates them.
import { bucketsSince, quantile } from '../src/dashboard/histogram-quantile';

const LE = [0.01, 0.1, 1, Infinity];

describe('quantile of histogram buckets', () => {
  test('when nothing was observed, then there is no quantile (null, drawn as a gap)', () => {
    expect(quantile(0.5, { le: LE, counts: [0, 0, 0, 0] })).toBeNull();
  });

  test.each([
    // [q, cumulative counts, expected]: linear within the bucket that holds the rank q * total
    [0.5, [10, 10, 10, 10], 0.005], // all in the first bucket: from 0 to 0.01
    [0.99, [10, 10, 10, 10], 0.0099],
    [0.5, [0, 10, 10, 10], 0.055], // all in (0.01, 0.1]
    [0.5, [5, 10, 10, 10], 0.01], // the rank falls exactly at the first bucket's top
    [0.99, [50, 98, 100, 100], 0.55], // rank 99: halfway through (0.1, 1]
    [0.5, [0, 0, 0, 4], 1], // only above the last finite bound: that bound is all the buckets tell
  ])('when q = %p over %p, then %p', (q, counts, expected) => {
    expect(quantile(q, { le: LE, counts })).toBeCloseTo(expected, 10);
  });

  test('when read twice, then the quantile is of what was observed in between, not since start-up', () => {
    const before = { le: LE, counts: [100, 100, 100, 100] }; // an hour of fast calls
    const now = { le: LE, counts: [100, 100, 110, 110] }; // then ten slow ones
    expect(bucketsSince(now, before).counts).toEqual([0, 0, 10, 10]);
    expect(quantile(0.5, bucketsSince(now, before))).toBeCloseTo(0.55, 10);
    expect(bucketsSince(now, undefined)).toEqual(now);
  });
});
