// X-Request-Budget-Ms bounds the database work of a request: PostgreSQL itself cancels a statement
// that waits on a row lock past the budget, the transaction rolls back, and no lock stays behind.
import { busyBackends, holdInTransaction, waitUntilBlockedBy } from '../../test-support/row-locks';
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { getReservation, newReservationId } from './reservation-calls';
import { expectProblem } from './answer-assertions';

describe('Catalog honours the caller\'s time budget in the database', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  test('when an item row is locked and a reservation has 300 ms of budget, then it is 503 budget_exhausted within the budget plus a tolerance, holds nothing, and the row is free afterwards', async () => {
    const sku = newSku('BUDGET');
    expect((await catalog.putItem(sku, { stock: 10 })).status).toBe(201);
    expect((await catalog.reserve(newReservationId('warm'), [{ sku, quantity: 1 }])).status).toBe(201); // first-call costs are not what is measured
    const lock = await holdInTransaction(catalog.databaseUrl, 'SELECT sku FROM items WHERE sku = $1 FOR UPDATE', [sku]);
    const id = newReservationId('budget');
    const started = Date.now();
    const answer = catalog.call('PUT', `/reservations/${id}`, { lines: [{ sku, quantity: 1 }] }, { 'x-request-budget-ms': '300' });
    await waitUntilBlockedBy(catalog.databaseUrl, lock.pid);
    const res = await answer;
    const took = Date.now() - started;

    expectProblem(res, 503, 'budget_exhausted');
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    // The budget plus a tolerance that holds on a loaded two-core machine shared with other suites
    // (issue 11: "say 500 ms"); without the database-side timeout the request is still waiting at 30 s.
    expect(took).toBeLessThan(300 + 2_500); // far below a wait for the lock, which the test holds until it frees it
    // The service's transaction is gone: nothing waits on the lock, nothing is left open.
    expect(await busyBackends(catalog.databaseUrl, [lock.pid])).toEqual([]);
    await lock.free();
    expect((await getReservation(catalog, id)).status).toBe(404);
    expect(await catalog.stockOf(sku)).toBe(9);
    // And the row is free: a reservation with the same budget goes through at once.
    expect((await catalog.call('PUT', `/reservations/${id}`, { lines: [{ sku, quantity: 1 }] }, { 'x-request-budget-ms': '300' })).status).toBe(201);
    expect(await catalog.stockOf(sku)).toBe(8);
  });
});
