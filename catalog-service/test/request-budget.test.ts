// X-Request-Budget-Ms bounds the database work of a request: PostgreSQL itself cancels a statement
// that waits on a row lock past the budget, the transaction rolls back, and no lock stays behind.
import { Client } from 'pg';
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { expectProblem, getReservation, newReservationId } from './reservation-helpers';

/** Holds the item's row lock in a transaction of the test's own, until `free()`. */
async function holdRowLock(databaseUrl: string, sku: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT sku FROM items WHERE sku = $1 FOR UPDATE', [sku]);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return {
    pid: rows[0].pid,
    async free() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** The database's backends other than `exceptPids` that wait for a lock or sit in an open transaction. */
async function busyBackends(databaseUrl: string, exceptPids: number[]): Promise<Array<{ state: string; wait: string | null }>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string; wait: string | null }>(
      `SELECT state, wait_event_type AS wait FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT (pid = ANY($1::int[]))
          AND (state <> 'idle' OR wait_event_type = 'Lock')`, [exceptPids]);
    return rows;
  } finally {
    await client.end();
  }
}

/** Waits until some backend waits for a lock held by `pid`: proves the request reached the lock. */
async function waitUntilBlockedBy(databaseUrl: string, pid: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no request waited on the held lock');
  } finally {
    await client.end();
  }
}

describe('Catalog honours the caller\'s time budget in the database', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  test('when an item row is locked and a reservation has 300 ms of budget, then it is 503 budget_exhausted within 500 ms, holds nothing, and the row is free afterwards', async () => {
    const sku = newSku('BUDGET');
    expect((await catalog.putItem(sku, { stock: 10 })).status).toBe(201);
    const lock = await holdRowLock(catalog.databaseUrl, sku);
    const id = newReservationId('budget');
    const started = Date.now();
    const answer = catalog.call('PUT', `/reservations/${id}`, { lines: [{ sku, quantity: 1 }] }, { 'x-request-budget-ms': '300' });
    await waitUntilBlockedBy(catalog.databaseUrl, lock.pid);
    const res = await answer;
    const took = Date.now() - started;

    expectProblem(res, 503, 'budget_exhausted');
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(took).toBeLessThan(500);
    // The service's transaction is gone: nothing waits on the lock, nothing is left open.
    expect(await busyBackends(catalog.databaseUrl, [lock.pid])).toEqual([]);
    await lock.free();
    expect((await getReservation(catalog, id)).status).toBe(404);
    expect(await catalog.stockOf(sku)).toBe(10);
    // And the row is free: a reservation with the same budget goes through at once.
    expect((await catalog.call('PUT', `/reservations/${id}`, { lines: [{ sku, quantity: 1 }] }, { 'x-request-budget-ms': '300' })).status).toBe(201);
    expect(await catalog.stockOf(sku)).toBe(9);
  });
});
