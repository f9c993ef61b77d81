/**
 * What logging one fail-fast 503 costs Order's process, at the benchmark's LOG_LEVEL=error: the
 * line the problem middleware wrote before (error, with the error and its stack) against the one it
 * writes now (warn with code and detail: dropped at that level). Run with stdout to /dev/null:
 * `npx tsx bench/problem-log-cost.ts > /dev/null` (the figures go to stderr). Alternated blocks.
 */
import { DomainError, createLogger } from 'service-platform';

const logger = createLogger('order-service', 'error');
const refusal = () => new DomainError('dependency_unavailable', 'catalog is unavailable (breaker_open); retry after 3 s', { retryAfterSeconds: 3 });
const WAYS: Record<string, () => void> = {
  'error with err (before)': () => { const err = refusal(); logger.error({ err, code: err.code }, 'request failed'); },
  'warn, code and detail (now)': () => { const err = refusal(); logger.warn({ code: err.code, detail: err.detail }, 'request refused'); },
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
