// What the slowest half-load requests overlapped, on made-up requests and events: which events count
// as overlapping (within 5 ms either side), each cause beside its share among all requests, the queue.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RequestSample } from '../load';
import { explainSlowRequests, overlapped, readServiceEvents, type ServiceEvent, slowRequestsText } from '../slow-requests';

const T0 = 1_800_000_000_000;
/** 200 requests, one every 25 ms, 10 ms each; the ones listed in `slow` take 100 ms and were sent behind 3 others. */
const requests = (slow: number[]): RequestSample[] => Array.from({ length: 200 }, (_, i) => ({
  dueMs: T0 + 25 * i, latencyMs: slow.includes(i) ? 100 : 10, inFlightAtSend: slow.includes(i) ? 3 : 0, status: 201,
}));
const event = (service: string, kind: string, startMs: number, durationMs: number): ServiceEvent => ({ service, kind, startMs, durationMs });

describe('which events a request overlapped', () => {
  const r: RequestSample = { dueMs: T0, latencyMs: 10, inFlightAtSend: 0, status: 201 };
  test.each<[string, number, number, boolean]>([
    ['inside it', T0 + 2, 1, true],
    ['covering it', T0 - 50, 100, true],
    ['ending 5 ms before it was due', T0 - 10, 5, true],
    ['ending 6 ms before it was due', T0 - 10, 4, false],
    ['starting 5 ms after its answer', T0 + 15, 1, true],
    ['starting 6 ms after its answer', T0 + 16, 1, false],
  ])('when an event lies %s, then it overlapped: %s', (_, startMs, durationMs, expected) => {
    expect(overlapped(r, [event('order', 'major GC', startMs, durationMs)], 5)).toEqual(expected ? ['major GC in order'] : []);
  });
});

describe('what the slowest 1 % overlapped', () => {
  test('when the two slow requests each overlapped a major GC in Order and a minor GC in Catalog runs under many, then both are counted beside their share of all requests', () => {
    const events = [
      event('order', 'major GC', T0 + 25 * 50 + 40, 30), event('order', 'major GC', T0 + 25 * 150 + 20, 30),
      ...Array.from({ length: 100 }, (_, i) => event('catalog', 'minor GC', T0 + 50 * i + 2, 1)), // every other request
      event('account', 'expiry sweep', T0 + 25 * 100, 2), // a fast request only
    ];
    const s = explainSlowRequests(requests([50, 150]), events);
    expect(s).toMatchObject({ requests: 200, slow: 2, thresholdMs: 100, unexplained: 0, inFlightAtSend: { slowMedian: 3, allMedian: 0 } });
    expect(s.causes).toEqual([
      { cause: 'major GC in order', slow: 2, allShare: 7 / 200 }, // the slow two, and the fast ones sent while each GC ran: 3 + 2
      { cause: 'minor GC in catalog', slow: 2, allShare: 100 / 200 },
    ]);
    expect(slowRequestsText(s)).toBe('2 of 200 requests, ≥ 100 ms, within 5 ms: 2 overlapped major GC in order (all requests: 4 %); '
      + '2 overlapped minor GC in catalog (all requests: 50 %); 0 none of these; in flight when sent: median 3 (all requests: 0)');
  });

  test('when a slow request overlapped nothing, then it is counted as unexplained, and every request over the p90 is kept with what it overlapped', () => {
    const s = explainSlowRequests(requests([10, 20]), [event('order', 'recovery poll', T0 + 25 * 10 + 50, 3)]);
    expect(s.causes).toEqual([{ cause: 'recovery poll in order', slow: 1, allShare: 2 / 200 }]); // and the fast request due as it ran
    expect(s.unexplained).toBe(1);
    expect(s.overP90.length).toBeGreaterThanOrEqual(20);
    expect(s.overP90.find((r) => r.dueMs === T0 + 250)?.overlapped).toEqual(['recovery poll in order']);
  });
});

describe('the services\' event files', () => {
  test('when read for a window, then only the events that touch it come back, named by service, and a missing file is none', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-events-'));
    const lines = [{ kind: 'minor GC', startMs: 100, durationMs: 5 }, { kind: 'major GC', startMs: 195, durationMs: 10 }, { kind: 'expiry sweep', startMs: 301, durationMs: 1 }];
    writeFileSync(path.join(dir, 'order.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    expect(readServiceEvents({ order: path.join(dir, 'order.jsonl'), catalog: path.join(dir, 'missing.jsonl') }, 200, 300))
      .toEqual([{ service: 'order', kind: 'major GC', startMs: 195, durationMs: 10 }]);
  });
});
