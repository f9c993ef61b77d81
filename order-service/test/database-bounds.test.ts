// Order's own statements go to its pg pool (docs/architecture.md, "Database access"), which sets
// ORDER_DB_TIMEOUT_MS as every connection's lock_timeout and statement_timeout: PostgreSQL itself
// cuts a statement that waits on a lock, so a request never waits on a stuck table past that bound.
import { randomUUID } from 'node:crypto';
import { busyBackends, holdInTransaction, waitUntilBlockedBy } from '../../test-support/row-locks';
import { ORDER, orderPerDescribe } from './order-harness';

describe('Order\'s database waits are bounded by PostgreSQL', () => {
  const { order, fakes } = orderPerDescribe({ ORDER_REQUEST_BUDGET_MS: '10000', ORDER_DB_TIMEOUT_MS: '1000' });

  test('when the orders table is locked, then POST /orders is cut by the lock timeout as 503 budget_exhausted, records nothing and leaves no backend waiting', async () => {
    const lock = await holdInTransaction(order.databaseUrl, 'LOCK TABLE orders IN ACCESS EXCLUSIVE MODE', []);
    const key = randomUUID();
    try {
      const answer = order.placeOrder(ORDER, key);
      await waitUntilBlockedBy(order.databaseUrl, lock.pid);
      const res = await answer; // with the lock still held: without the bound it would wait for the lock
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('budget_exhausted');
      expect(await busyBackends(order.databaseUrl, [lock.pid])).toEqual([]);
    } finally {
      await lock.free();
    }
    expect(fakes.calls).toEqual([]); // no step was taken
    // Nothing was recorded: the key is free, and the same request now makes the order.
    expect((await order.placeOrder(ORDER, key)).status).toBe(201);
  });
});
