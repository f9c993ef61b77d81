// Several recovery workers (replicas) on one database: each order is leased to one owner at a
// time, and only a live owner's writes count.
import nock from 'nock';
import type { SagaHooks } from '../src/domain/order-saga';
import { barrier, installFakes, problem, type Fakes } from './fake-dependencies';
import { isolateNetwork, restoreNetwork, type OrderUnderTest, startOrder } from './order-harness';
import { leftOrder } from './order-factory';

/** Holds the n-th worker to reach 'recover' (counting from 0) until the test opens it. */
function holdWorkers() {
  const held: Array<ReturnType<typeof barrier>> = [];
  const owners: string[] = [];
  const hooks: SagaHooks = {
    at: (point, _id, writer) => {
      if (point !== 'recover' || writer.kind !== 'lease' || owners.includes(writer.owner)) return undefined;
      owners.push(writer.owner);
      return held[owners.length - 1]?.wait();
    },
  };
  return { hooks, worker: (n: number) => (held[n] = barrier()) };
}

describe('Recovery workers sharing one database', () => {
  let order: OrderUnderTest;
  let fakes: Fakes;
  let workers: ReturnType<typeof holdWorkers>;
  beforeAll(async () => {
    isolateNetwork();
    // Batches of one, and a lease just longer than what one order may take.
    order = await startOrder(
      { RECOVERY_BATCH_SIZE: '1', RECOVERY_LEASE_SECONDS: '2', COMPENSATION_BUDGET_MS: '1200', ORDER_DB_TIMEOUT_MS: '100', BREAKER_VOLUME_THRESHOLD: '1000' },
      { hooks: { at: (...a) => workers.hooks.at(...a) } },
    );
  });
  beforeEach(async () => {
    fakes = installFakes();
    workers = holdWorkers();
    await order.sql('DELETE FROM orders');
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await order.close();
    restoreNetwork();
  });

  const leaseOf = async (id: string) => (await order.sql('SELECT lease_owner::text AS owner, lease_until < now() AS expired FROM orders WHERE id = $1', [id]))[0];

  test('when two workers run at once, then an order leased by one is never taken by the other', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => leftOrder(order)));
    const first = workers.worker(0);
    const a = order.app.recovery.runOnce();
    await first.reached; // worker A holds a lease on one order and works on it
    // This test is about sharing, not expiry: A's lease outlasts the test however slow the machine.
    await order.sql(`UPDATE orders SET lease_until = now() + interval '10 minutes' WHERE lease_owner IS NOT NULL`);
    const leasedByA = (await order.sql('SELECT id::text FROM orders WHERE lease_owner IS NOT NULL'))[0].id;
    expect(await order.app.recovery.runOnce()).toBe(2); // worker B: the two others, never A's
    expect((await order.call('GET', `/orders/${leasedByA}`)).body.status).toBe('pending');
    first.open();
    await a;
    for (const id of ids) expect((await order.call('GET', `/orders/${id}`)).body.status).toBe('confirmed');
    expect(fakes.callsTo('POST', /\/confirm$/)).toHaveLength(3); // each order confirmed once
  });

  test('when a lease expires while its owner still works, then another worker takes the order and the late owner changes nothing', async () => {
    const id = await leftOrder(order);
    const a = workers.worker(0);
    const runA = order.app.recovery.runOnce();
    await a.reached;
    const ownerA = (await leaseOf(id)).owner;
    await waitFor(async () => (await leaseOf(id)).expired); // A is stalled past its lease (a GC pause, a slow host)
    const b = workers.worker(1);
    const runB = order.app.recovery.runOnce();
    await b.reached;
    expect((await leaseOf(id)).owner).not.toBe(ownerA);
    // What A would decide now: the Catalog refuses it, so A would fail the order.
    fakes.catalog.reserve = () => problem(503, 'down');
    a.open();
    await runA;
    expect(await order.stateOf(id)).toBe('pending'); // A's write lost: B owns the order
    expect(fakes.callsTo('POST', /\/release$/)).toHaveLength(0);
    Object.assign(fakes.catalog, installFakes().catalog);
    b.open();
    await runB;
    expect((await order.call('GET', `/orders/${id}`)).body.status).toBe('confirmed');
    expect(await leaseOf(id)).toMatchObject({ owner: null });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
