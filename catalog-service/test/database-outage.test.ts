// A database outage is an outage, not a bug: on a PostgreSQL of this test's own (the suite's shared
// one serves the other files), stopped under load and started again, the Catalog answers 503
// database_unavailable with Retry-After instead of 500, within the caller's budget, and serves
// again without a restart.
import { applyMigrations, createLogger, ensureDatabase } from 'service-platform';
import { type StoppablePostgres, startStoppablePostgres } from '../../test-support/stoppable-postgres';
import { until } from '../../test-support/polling';
import { MIGRATIONS, startCatalog } from './catalog-harness';

const BUDGET_MS = 1_000;
const TOLERANCE_MS = 1_000; // a loaded two-core machine

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  tookMs: number;
}

describe('Catalog when its database goes away and comes back', () => {
  let pg: StoppablePostgres | undefined;
  afterAll(async () => {
    await pg?.close();
  });

  test('when PostgreSQL stops under load and starts again, then answers are 503 database_unavailable (never 500), all within the budget, and it serves again', async () => {
    pg = await startStoppablePostgres();
    const url = pg.urlFor('catalog');
    await ensureDatabase(url);
    await applyMigrations(url, MIGRATIONS, createLogger('test', 'silent'));
    const catalog = await startCatalog({}, { databaseUrl: url });
    try {
      const headers = { 'x-request-budget-ms': String(BUDGET_MS) };
      expect((await catalog.call('PUT', '/items/OUTAGE-1', { name: 'x', priceCents: 100, currency: 'EUR', stock: 1_000_000 })).status).toBe(201);
      const answers: Answer[] = [];
      let n = 0;
      const call = async (): Promise<Answer> => {
        const started = Date.now();
        const res = n++ % 2 === 0
          ? await catalog.call('GET', '/items/OUTAGE-1', undefined, headers)
          : await catalog.call('PUT', `/reservations/outage-${n}`, { lines: [{ sku: 'OUTAGE-1', quantity: 1 }] }, headers);
        const answer = { status: res.status, code: res.body?.code, retryAfter: res.headers.get('retry-after'), tookMs: Date.now() - started };
        answers.push(answer);
        return answer;
      };
      let phase: 'up' | 'down' | 'back' = 'up';
      const load = Array.from({ length: 8 }, async () => {
        while (phase !== 'back' || answers.slice(-20).some((a) => a.status >= 500) || answers.slice(-20).length < 20) {
          await call();
          if (answers.length > 20_000) throw new Error('no recovery');
        }
      });
      // Up: the load is served.
      await until('40 answers served', () => answers.filter((a) => a.status < 300).length >= 40, { timeoutMs: 30_000, everyMs: 10 });
      await pg.stop();
      phase = 'down';
      const downFrom = answers.length;
      const downAt = Date.now();
      const unavailable = () => answers.slice(downFrom).filter((a) => a.code === 'database_unavailable').length;
      while (unavailable() < 5 && Date.now() - downAt < 20_000) await new Promise((r) => setTimeout(r, 10));
      await pg.start();
      phase = 'back';
      await Promise.all(load);

      const outage = answers.filter((a) => a.code === 'database_unavailable');
      expect(outage.length).toBeGreaterThanOrEqual(5);
      for (const a of outage) expect({ status: a.status, retryAfter: a.retryAfter }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
      expect(answers.filter((a) => a.status === 500)).toEqual([]);
      expect(answers.filter((a) => a.status >= 500 && a.code !== 'database_unavailable' && a.code !== 'budget_exhausted')).toEqual([]);
      expect(Math.max(...answers.map((a) => a.tookMs))).toBeLessThan(BUDGET_MS + TOLERANCE_MS);
      // Serving again, on the same process and pool: the last 20 answers were all good.
      expect(answers.slice(-20).every((a) => a.status < 300)).toBe(true);
      expect((await catalog.call('GET', '/readyz')).status).toBe(200);
    } finally {
      await catalog.close();
    }
  }, 60_000);
});
