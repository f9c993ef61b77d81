// Every phase that measures the distributed system at saturation measures it the same way: the same
// warm-up, rounds of the same length with the same connections. The load itself is replaced by a
// recording one (no system runs): what is checked is what each phase asks for.
import type { LoadOptions, LoadResult } from '../load';

const calls: Array<{ url: string; connections: number; durationS: number }> = [];
const OK_PER_CALL = 500;
jest.mock('../load', () => ({
  ...jest.requireActual('../load'),
  orderLoad: jest.fn(async (o: LoadOptions): Promise<LoadResult> => {
    calls.push({ url: o.url, connections: o.connections, durationS: o.durationS });
    return {
      durationS: o.durationS, answers: OK_PER_CALL, answersPerS: OK_PER_CALL / o.durationS, ok: OK_PER_CALL, okPerS: OK_PER_CALL / o.durationS, byStatus: { 201: OK_PER_CALL },
      p50: 10, p90: 20, p99: 30, maxMs: 40, errors: 0, timeouts: 0, p50Of503: null, p99Of503: null, missingRetryAfter: 0, overBudget: 0,
    };
  }),
}));

// after the mock (which uses `calls`), so that these load the recording one
import { alternatedSaturation } from '../in-process/distribution-cost';
import * as phases from '../phases';
import { SATURATION } from '../saturation';

const DISTRIBUTED = 'http://127.0.0.1:1';
const IN_PROCESS = 'http://127.0.0.1:2';
const ctx = {
  system: { order: { url: DISTRIBUTED }, all: [] }, shop: { items: [{ sku: 'S' }], accounts: [{ id: 'A' }] }, tokens: new Map(), keys: [], workload: { attempts: [] },
} as unknown as phases.Context;
const body = () => ({ json: '{}' });
const warmUpRounds = Math.ceil(SATURATION.warmUpOrders / OK_PER_CALL);

beforeEach(() => {
  calls.length = 0;
});

describe('the one saturation measure', () => {
  test('when the throughput phase warms up and measures saturation, then it loads the system in rounds of the one length and connections', async () => {
    await phases.warmUp(ctx);
    const sat = await phases.saturation(ctx);
    expect(calls).toEqual(Array.from({ length: warmUpRounds + 2 }, () => ({ url: DISTRIBUTED, connections: SATURATION.connections, durationS: SATURATION.roundS })));
    expect(sat.okPerS).toBe(OK_PER_CALL / SATURATION.roundS);
  });

  test('when the cost-of-distribution phase measures both systems, then each gets the same warm-up and the same rounds as the throughput phase', async () => {
    await phases.warmUp(ctx);
    await phases.saturation(ctx);
    const throughput = [...calls];
    calls.length = 0;
    const targets = { distributed: { url: DISTRIBUTED, pids: {}, body }, inProcess: { url: IN_PROCESS, pids: {}, body } };
    const result = await alternatedSaturation(targets, () => undefined);
    const of = (url: string) => calls.filter((c) => c.url === url);
    expect(of(DISTRIBUTED)).toEqual(throughput);
    expect(of(IN_PROCESS)).toEqual(throughput.map((c) => ({ ...c, url: IN_PROCESS })));
    // warmed up both before either is measured, then alternated D, I, I, D
    expect(calls.slice(2 * warmUpRounds).map((c) => c.url)).toEqual([DISTRIBUTED, IN_PROCESS, IN_PROCESS, DISTRIBUTED]);
    expect(result.distributed.okPerS).toBe(OK_PER_CALL / SATURATION.roundS);
  });
});
