// `npm run bench -- --against <ref>` without a run: its arguments, the order of its steps, and the
// report's two columns (both systems' figures, each round's, and their ratio).
import { COMPARED_PHASES, DEFAULT_ROUNDS, parseBenchArgs, sameRateFor, schedule } from '../against/options';
import { type AgainstResults, againstMarkdown, againstRows, type SideRuns } from '../against/report';

describe('the benchmark\'s arguments', () => {
  test.each<[string[], ReturnType<typeof parseBenchArgs>]>([
    [[], { rounds: DEFAULT_ROUNDS, keep: false }],
    [['--against', 'HEAD~5'], { against: 'HEAD~5', rounds: DEFAULT_ROUNDS, keep: false }],
    [['--against=main', '--rounds', '2'], { against: 'main', rounds: 2, keep: false }],
    [['--rounds=4', '--keep', '--against', 'v1.0'], { against: 'v1.0', rounds: 4, keep: true }],
  ])('when given %j, then it reads %j', (argv, expected) => {
    expect(parseBenchArgs(argv)).toEqual(expected);
  });

  test.each<[string[], RegExp]>([
    [['--against'], /--against needs a value/],
    [['--against', '--rounds', '2'], /--against needs a value/],
    [['--against='], /--against needs a value/],
    [['--against', 'x', '--rounds', '0'], /--rounds must be a whole number ≥ 1, not "0"/],
    [['--against', 'x', '--rounds', '1.5'], /--rounds must be a whole number/],
    [['--against', 'x', '--rounds', 'two'], /--rounds must be a whole number/],
    [['--rounds', '2'], /--rounds and --keep go with --against/],
    [['--keep'], /--rounds and --keep go with --against/],
    [['--keep=yes', '--against', 'x'], /unknown argument "--keep=yes"/],
    [['HEAD~5'], /unknown argument "HEAD~5"/],
    [['--agianst', 'x'], /unknown argument "--agianst"/],
  ])('when given %j, then it refuses with a usage line: %s', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
    expect(() => parseBenchArgs(argv)).toThrow(/usage: npm run bench/);
  });
});

describe('the alternation schedule', () => {
  test.each([1, 2, 3, 5])('with %i rounds, then every phase of every round runs on this checkout and then on the other commit, saturation before half load', (rounds) => {
    const steps = schedule(rounds);
    expect(steps).toHaveLength(rounds * COMPARED_PHASES.length * 2);
    const expected = Array.from({ length: rounds }, (_, i) => COMPARED_PHASES.flatMap((phase) => (['this', 'against'] as const).map((side) => ({ round: i + 1, phase, side })))).flat();
    expect(steps).toEqual(expected);
    for (let i = 0; i < steps.length; i += 2) expect([steps[i].side, steps[i + 1].side]).toEqual(['this', 'against']); // A, B, A, B
  });
});

describe('the same pace for both systems', () => {
  test('when a round comes to the same pace, then it follows both systems\' saturation in that round, never one still to come', () => {
    for (const rounds of [1, 3]) {
      const steps = schedule(rounds);
      for (const [i, step] of steps.entries()) {
        if (step.phase !== 'sameRate') continue;
        const before = steps.slice(0, i).filter((s) => s.round === step.round && s.phase === 'saturation').map((s) => s.side);
        expect(before.sort()).toEqual(['against', 'this']);
      }
    }
  });

  test.each<[string, Record<'this' | 'against', Array<{ round: number; okPerS: number }>>, number, number | null]>([
    ['half of the slower one', { this: [{ round: 1, okPerS: 150 }], against: [{ round: 1, okPerS: 101 }] }, 1, 51],
    ['that round\'s figures, not another round\'s', { this: [{ round: 1, okPerS: 40 }, { round: 2, okPerS: 150 }], against: [{ round: 1, okPerS: 30 }, { round: 2, okPerS: 120 }] }, 2, 60],
    ['at least 1/s', { this: [{ round: 1, okPerS: 0.5 }], against: [{ round: 1, okPerS: 0.4 }] }, 1, 1],
    ['none when a side\'s saturation failed in that round', { this: [{ round: 1, okPerS: 150 }], against: [] }, 1, null],
  ])('when both saturations are known, then the rate is %s', (_, saturations, round, expected) => {
    expect(sameRateFor(saturations, round)).toBe(expected);
  });
});

describe('the comparison report', () => {
  const cpu = (totalPerOrderMs: number) => ({ perOrderMs: {}, kernelPerOrderMs: {}, totalPerOrderMs, machineBusyPercent: 50, othersPercent: 10 });
  const load = (ok: number, durationS: number, p99: number) => ({
    durationS, answers: ok, answersPerS: ok / durationS, ok, okPerS: ok / durationS, byStatus: { 201: ok }, p50: p99 / 2, p90: p99, p99, maxMs: p99,
    errors: 0, timeouts: 0, p50Of503: null, p99Of503: null, missingRetryAfter: 0, overBudget: 0,
  });
  const side = (okPerRound: number[], cpuMs: number[], p99s: number[], downAnswers: number[], p99Of503: number[]): SideRuns => ({
    saturation: okPerRound.map((ok, i) => ({ ...load(ok, 8, p99s[i]), connections: 32, cpu: cpu(cpuMs[i]), rounds: [], ordersBefore: 0, round: i + 1, loadAverage: 1 })),
    halfLoad: okPerRound.map((ok, i) => ({ ...load(ok / 4, 6, p99s[i] / 10), rate: ok / 16, cpu: cpu(cpuMs[i]), latenciesMs: [p99s[i] / 10], round: i + 1, loadAverage: 1 })),
    sameRate: okPerRound.map((ok, i) => ({ ...load(ok / 4, 6, p99s[i] / 20), rate: 600 / 16, cpu: cpu(cpuMs[i]), latenciesMs: [p99s[i] / 20], round: i + 1, loadAverage: 1 })),
    catalogDown: downAnswers.map((answers, i) => ({
      ...load(0, 4, 30), answers, byStatus: { 503: answers }, p99Of503: p99Of503[i], connections: 32, cpu: cpu(1), breakerOpenAfterMs: 1, ordersSucceedAgainAfterMs: 1, round: i + 1, loadAverage: 1,
    })),
    failures: [],
  });
  const results: AgainstResults = {
    labels: { this: 'commit aaaa', against: 'commit bbbb (HEAD~5)' },
    // A: 800 + 1600 orders in 16 s = 150/s; CPU weighted (800 × 10 + 1600 × 4) / 2400 = 6 ms
    this: { ...side([800, 1600], [10, 4], [100, 300], [4000, 8000], [20, 40]), invariants: { violations: [], keys: 10 } },
    // B: 600 + 600 in 16 s = 75/s; CPU 12 ms
    against: { ...side([600, 600], [12, 12], [200, 400], [2000, 2000], [50, 70]), invariants: { violations: ['stock of X'], keys: 9 } },
  };

  test('when both systems ran two rounds, then each row has both columns over all rounds, each round\'s figure, and A ÷ B', () => {
    const rows = againstRows(results);
    const saturation = rows.find((r) => r.measure.startsWith('Orders/s at saturation'))!;
    expect(saturation.this).toEqual({ value: 150, rounds: [100, 200] });
    expect(saturation.against).toEqual({ value: 75, rounds: [75, 75] });
    expect(rows.find((r) => r.measure.startsWith('CPU per order'))!.this.value).toBeCloseTo(6);
    const md = againstMarkdown(results);
    expect(md).toContain('| A: commit aaaa | B: commit bbbb (HEAD~5) | A ÷ B |');
    expect(md).toContain('| Orders/s at saturation (2xx/s, 32 connections, 2 × 4 s per round, bench/saturation.ts) | 150 (100 · 200) | 75 (75 · 75) | 2.00 × |');
    expect(md).toContain('| CPU per order at saturation, all processes | 6.0 ms (10.0 · 4.0) | 12.0 ms (12.0 · 12.0) | 0.50 × |');
    expect(md).toContain('| Latency at saturation, p99 (median of the rounds) | 200 ms (100 · 300) | 300 ms (200 · 400) | 0.67 × |');
    expect(md).toContain('| Catalog killed, breaker open: answers/s (32 connections, 4 s per round) | 1500 (1000 · 2000) | 500 (500 · 500) | 3.00 × |');
    expect(md).toContain('| Catalog killed, breaker open: p99 of the 503s (median of the rounds) | 30.0 ms (20.0 · 40.0) | 60.0 ms (50.0 · 70.0) | 0.50 × |');
    expect(md).toContain('| Invariants after the load | all hold (10 keys) | **1 violated** | |');
    // the same pace: every round's requests pooled, A's rounds of 5 and 15 ms, B's of 10 and 20
    expect(md).toContain('| p99 at the same pace for both, half of the slower one\'s saturation (37.5, 37.5/s; pooled) | 15 ms (5 · 15) | 20 ms (10 · 20) | 0.75 × |');
  });

  test('when the half-load rounds kept their requests, then the pooled p99 is the slowest 1 % of all of them together, beside the median of the rounds\' p99', () => {
    // A: round 1 has 99 requests of 10 ms and one of 500 (its p99: 500), round 2 has 100 of 20 ms:
    // the median of the rounds' p99 is 260 ms; pooled, the 1 % of 200 is the 2nd slowest, 20 ms.
    const halfLoad = (latenciesMs: number[], round: number) => ({ ...results.this.halfLoad[0], latenciesMs, p99: Math.max(...latenciesMs), round });
    const pooled: AgainstResults = {
      ...results,
      this: { ...results.this, halfLoad: [halfLoad([...Array<number>(99).fill(10), 500], 1), halfLoad(Array<number>(100).fill(20), 2)] },
    };
    const rows = againstRows(pooled);
    expect(rows.find((r) => r.measure.startsWith('p99 at half load, evenly paced'))!.this.value).toBe(260);
    expect(rows.find((r) => r.measure.startsWith('p99 at half load, the same requests pooled'))!.this).toEqual({ value: 20, rounds: [500, 20] });
    // a round measured without its requests (an older benchmark's result): no pooled figure, not a partial one
    const { latenciesMs: _dropped, ...withoutRequests } = pooled.this.halfLoad[1];
    const partial: AgainstResults = { ...pooled, this: { ...pooled.this, halfLoad: [pooled.this.halfLoad[0], withoutRequests as typeof pooled.this.halfLoad[1]] } };
    expect(againstRows(partial).find((r) => r.measure.startsWith('p99 at half load, the same requests pooled'))!.this.value).toBeNull();
  });

  test('when a round\'s slowest requests were explained, then the report lists what they overlapped, round by round and side by side', () => {
    const slowRequests = { requests: 400, share: 0.01, slow: 4, thresholdMs: 61, nearMs: 5, causes: [{ cause: 'major GC in order', slow: 4, allShare: 0.03 }], unexplained: 0, inFlightAtSend: { slowMedian: 2, allMedian: 1 }, overP90: [] };
    const explained: AgainstResults = { ...results, against: { ...results.against, halfLoad: [{ ...results.against.halfLoad[0], slowRequests }] } };
    const samePace: AgainstResults = { ...results, this: { ...results.this, sameRate: [{ ...results.this.sameRate[0], slowRequests }] } };
    expect(againstMarkdown(samePace)).toContain('- A, round 1, same pace (37.5/s, p99 5 ms): 4 of 400 requests');
    expect(againstMarkdown(explained)).toContain('- B, round 1 (37.5/s, p99 20 ms): 4 of 400 requests, ≥ 61 ms, within 5 ms: 4 overlapped major GC in order (all requests: 3 %)');
  });

  test('when a step failed on one side, then its row says n/a there and the failure is listed, not hidden', () => {
    const broken: AgainstResults = { ...results, against: { ...results.against, catalogDown: [], failures: ['round 1 catalogDown: timed out'] } };
    const md = againstMarkdown(broken);
    expect(md).toContain('| Catalog killed, breaker open: answers/s (32 connections, 4 s per round) | 1500 (1000 · 2000) | n/a () | n/a |');
    expect(md).toContain('- B round 1 catalogDown: timed out');
  });
});
