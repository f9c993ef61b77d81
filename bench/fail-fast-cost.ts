/**
 * What Order spent per fail-fast 503 (Catalog killed, breaker open) on work the refusal does not
 * need, at the benchmark's LOG_LEVEL=error, each way against the one that replaced it:
 * - the problem middleware's line: error with the error and its stack (before) against warn with
 *   code and detail (now: dropped at that level);
 * - hashing the request (place-order.ts hashRequest, the same sha256 over the benchmark's body), done
 *   before the refusal (before) and now only once a key's order or a claim needs it.
 * `npx tsx bench/fail-fast-cost.ts > /dev/null` (figures on stderr). Alternated blocks, medians.
 */
import { createHash } from 'node:crypto';
import { DomainError, createLogger } from 'service-platform';

const logger = createLogger('order-service', 'error');
const refusal = () => new DomainError('dependency_unavailable', 'catalog is unavailable (breaker_open); retry after 3 s', { retryAfterSeconds: 3 });
const body = { accountId: '0b6f8c7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f', lines: [{ sku: 'SKU-000042', quantity: 1 }] };
const WAYS: Record<string, () => void> = {
  'log: error with err (before)': () => { const err = refusal(); logger.error({ err, code: err.code }, 'request failed'); },
  'log: warn, code and detail (now)': () => { const err = refusal(); logger.warn({ code: err.code, detail: err.detail }, 'request refused'); },
  'request hash (before; now not on a refusal)': () => {
    createHash('sha256').update(JSON.stringify({ accountId: body.accountId, lines: body.lines.map((l) => [l.sku, l.quantity]) })).digest('hex');
  },
};
const N = 5_000;
const spent: Record<string, number[]> = Object.fromEntries(Object.keys(WAYS).map((w) => [w, []]));
for (let block = 0; block < 10; block++) {
  for (const [way, run] of Object.entries(WAYS)) {
    const before = process.cpuUsage();
    for (let i = 0; i < N; i++) run();
    const used = process.cpuUsage(before);
    if (block > 1) spent[way].push((used.user + used.system) / N); // the first two blocks warm up
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [way, us] of Object.entries(spent)) {
  process.stderr.write(`${way}: ${median(us).toFixed(1)} µs CPU per 503 (median of ${us.length} blocks of ${N}; range ${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)})\n`);
}
