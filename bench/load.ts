// POST /orders load with autocannon: a fresh Idempotency-Key per request (setupRequest), a random
// account and item per order, and per-status latencies from the responses themselves.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface OrderToSend {
  json: string;
  /** The customer's access token (customer authentication is on in the benchmark). */
  token?: string;
}

const headersFor = (key: string, order: OrderToSend): Record<string, string> => ({
  'content-type': 'application/json', 'idempotency-key': key, ...(order.token ? { authorization: `Bearer ${order.token}` } : {}),
});

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Requests per second over all connections; none = as fast as answers come (saturation). */
  rate?: number;
  /** Builds an order: its body and the customer's bearer token; called once per request. */
  body: () => OrderToSend;
  /** Every key sent is recorded here (for the invariant checks: no more orders than keys). */
  keys?: string[];
  /** Look at each answer's headers: counts 503s that lack Retry-After. */
  checkRetryAfter?: boolean;
  /** Counts the answers that took longer than this. */
  budgetMs?: number;
}

export interface LoadResult {
  durationS: number;
  answers: number;
  answersPerS: number;
  ok: number;
  okPerS: number;
  byStatus: Record<string, number>;
  /** autocannon's latency (corrected for coordinated omission when a rate is set), ms. */
  p50: number;
  p90: number;
  p99: number;
  /** The longest request actually observed, ms. */
  maxMs: number;
  errors: number;
  timeouts: number;
  /** Latencies of the 503 answers, ms. */
  p50Of503: number | null;
  p99Of503: number | null;
  missingRetryAfter: number;
  /** Answers slower than `budgetMs` (0 when none was given). */
  overBudget: number;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function orderLoad(opts: LoadOptions): Promise<LoadResult> {
  const times503: number[] = [];
  let maxMs = 0;
  let missingRetryAfter = 0;
  let overBudget = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: opts.url,
      connections: opts.connections,
      duration: opts.durationS,
      overallRate: opts.rate,
      timeout: 10,
      requests: [{
        method: 'POST',
        path: '/orders',
        setupRequest: (req) => {
          const key = randomUUID();
          opts.keys?.push(key);
          const order = opts.body();
          return { ...req, headers: headersFor(key, order), body: order.json };
        },
        onResponse: opts.checkRetryAfter
          ? (status, _body, _ctx, headers) => {
            const retryAfter = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
            if (status === 503 && !/^\d+$/.test(String(retryAfter ?? ''))) missingRetryAfter++;
          }
          : undefined,
      }],
    }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client, status, _bytes, ms) => {
      maxMs = Math.max(maxMs, ms);
      if (opts.budgetMs !== undefined && ms > opts.budgetMs) overBudget++;
      if (status === 503) times503.push(ms);
    });
  });
  const byStatus = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([s, v]) => [s, v.count ?? 0]));
  const answers = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    durationS: result.duration,
    answers,
    answersPerS: answers / result.duration,
    ok: result['2xx'],
    okPerS: result['2xx'] / result.duration,
    byStatus,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    maxMs,
    errors: result.errors,
    timeouts: result.timeouts,
    p50Of503: percentile(times503, 50),
    p99Of503: percentile(times503, 99),
    missingRetryAfter,
    overBudget,
  };
}

/** One request of a paced load: when it was due (wall clock, ms), how long it took from then, how many were in flight as it went. */
export interface RequestSample { dueMs: number; latencyMs: number; inFlightAtSend: number; status: number }

/**
 * Open-loop load at an even pace: one request every 1000/rate ms, each timed from the moment it
 * was due (so a late sender does not hide waiting). autocannon's rate limit instead sends each
 * connection's share for the second back to back at the start of every second, in bursts.
 */
export async function pacedOrderLoad(opts: Omit<LoadOptions, 'connections' | 'checkRetryAfter'> & { rate: number }): Promise<LoadResult & { requests: RequestSample[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const target = new URL('/orders', opts.url);
  const times: number[] = [];
  const requests: RequestSample[] = [];
  const byStatus: Record<string, number> = {};
  let errors = 0;
  let inFlight = 0;
  const send = (due: number) => new Promise<void>((resolve) => {
    const key = randomUUID();
    opts.keys?.push(key);
    const order = opts.body();
    const inFlightAtSend = inFlight++;
    const req = http.request(target, { method: 'POST', agent, headers: headersFor(key, order), timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => {
        inFlight--;
        const latencyMs = performance.now() - due;
        times.push(latencyMs);
        requests.push({ dueMs: performance.timeOrigin + due, latencyMs, inFlightAtSend, status: res.statusCode ?? 0 });
        byStatus[res.statusCode ?? 0] = (byStatus[res.statusCode ?? 0] ?? 0) + 1;
        resolve();
      });
    });
    req.once('error', () => {
      inFlight--;
      errors++;
      resolve();
    });
    req.end(order.json);
  });
  const started = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < opts.rate * opts.durationS; i++) {
    const due = started + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(due));
  }
  await Promise.all(pending);
  agent.destroy();
  const answers = times.length;
  const ok = Object.entries(byStatus).filter(([s]) => s.startsWith('2')).reduce((a, [, c]) => a + c, 0);
  return {
    durationS: opts.durationS, answers, answersPerS: answers / opts.durationS, ok, okPerS: ok / opts.durationS, byStatus,
    p50: percentile(times, 50) ?? NaN, p90: percentile(times, 90) ?? NaN, p99: percentile(times, 99) ?? NaN, maxMs: Math.max(0, ...times), errors, timeouts: 0,
    p50Of503: null, p99Of503: null, missingRetryAfter: 0,
    overBudget: opts.budgetMs === undefined ? 0 : times.filter((t) => t > opts.budgetMs!).length,
    requests,
  };
}
