// What the slow requests of the half-load phase overlapped: each request's time, from when it was due
// to its answer, against what happened in the services in the same window (service-events.mjs: each
// GC, each expiry sweep and recovery poll) and against the queue it joined (requests in flight when it
// was sent). Every share is given beside the same share among all requests: an event that most
// requests overlap explains nothing.
import { readFileSync } from 'node:fs';
import type { RequestSample } from './load';

export interface ServiceEvent { service: string; kind: string; startMs: number; durationMs: number; /** GCs: the old generation's bytes after it. */ oldBytes?: number }

export interface Cause {
  /** e.g. "major GC in order", "expiry sweep in catalog". */
  cause: string;
  /** Slow requests that overlapped one (within `nearMs`). */
  slow: number;
  /** Share of all requests that overlapped one. */
  allShare: number;
}

export interface SlowRequests {
  requests: number;
  /** The slowest `share` of them (at least one). */
  share: number;
  slow: number;
  /** The fastest of the slow ones (ms). */
  thresholdMs: number;
  nearMs: number;
  /** Most frequent among the slow ones first. */
  causes: Cause[];
  /** Slow requests that overlapped none of the events. */
  unexplained: number;
  inFlightAtSend: { slowMedian: number; allMedian: number };
  /** Every request over the p90: when it was due, its latency, and the events it overlapped. */
  overP90: Array<RequestSample & { overlapped: string[] }>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const causeOf = (e: ServiceEvent) => `${e.kind} in ${e.service}`;

/** The causes a request overlapped: events that began before its answer and ended after it was due, `nearMs` either side. */
export function overlapped(r: RequestSample, events: ServiceEvent[], nearMs: number): string[] {
  const from = r.dueMs - nearMs;
  const to = r.dueMs + r.latencyMs + nearMs;
  return [...new Set(events.filter((e) => e.startMs <= to && e.startMs + e.durationMs >= from).map(causeOf))];
}

export function explainSlowRequests(requests: RequestSample[], events: ServiceEvent[], share = 0.01, nearMs = 5): SlowRequests {
  const byLatency = [...requests].sort((a, b) => b.latencyMs - a.latencyMs);
  const n = Math.min(requests.length, Math.max(1, Math.ceil(share * requests.length)));
  const slow = byLatency.slice(0, n);
  const of = new Map(requests.map((r) => [r, overlapped(r, events, nearMs)]));
  const count = (rs: RequestSample[], cause: string) => rs.filter((r) => of.get(r)!.includes(cause)).length;
  const causes = [...new Set(slow.flatMap((r) => of.get(r)!))]
    .map((cause) => ({ cause, slow: count(slow, cause), allShare: count(requests, cause) / requests.length }))
    .sort((a, b) => b.slow - a.slow || a.allShare - b.allShare || a.cause.localeCompare(b.cause));
  const p90 = byLatency[Math.max(0, Math.ceil(0.1 * requests.length) - 1)]?.latencyMs ?? Infinity;
  return {
    requests: requests.length, share, slow: n, thresholdMs: slow.at(-1)?.latencyMs ?? NaN, nearMs, causes,
    unexplained: slow.filter((r) => of.get(r)!.length === 0).length,
    inFlightAtSend: { slowMedian: median(slow.map((r) => r.inFlightAtSend)), allMedian: median(requests.map((r) => r.inFlightAtSend)) },
    overP90: requests.filter((r) => r.latencyMs >= p90).map((r) => ({ ...r, overlapped: of.get(r)! })),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

/** The table's text: what the slowest requests overlapped, each beside its share among all requests. */
export function slowRequestsText(s: SlowRequests, top = 4): string {
  const causes = s.causes.slice(0, top).map((c) => `${c.slow} overlapped ${c.cause} (all requests: ${pct(c.allShare)})`);
  return `${s.slow} of ${s.requests} requests, ≥ ${s.thresholdMs.toFixed(0)} ms, within ${s.nearMs} ms: ` +
    `${[...causes, `${s.unexplained} none of these`].join('; ')}; in flight when sent: median ${s.inFlightAtSend.slowMedian} (all requests: ${s.inFlightAtSend.allMedian})`;
}

/** The events each service's preload wrote (JSON lines), within [fromMs, toMs]. */
export function readServiceEvents(files: Record<string, string>, fromMs: number, toMs: number): ServiceEvent[] {
  const events: ServiceEvent[] = [];
  for (const [service, file] of Object.entries(files)) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // nothing written yet
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line) as Omit<ServiceEvent, 'service'>;
      if (e.startMs <= toMs && e.startMs + e.durationMs >= fromMs) events.push({ service, ...e });
    }
  }
  return events;
}
