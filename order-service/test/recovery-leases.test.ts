// Several recovery workers (replicas) on one database: each order is leased to one owner at a
// time, only while that owner works on it, renewed while it works; a stalled owner's lease lapses,
// another worker takes the order over, and the stalled owner's writes lose. See docs/recovery.md.
import nock from 'nock';
import type { SagaHooks } from '../src/saga/saga-hooks';
import { barrier, installFakes, problem, type Fakes } from './fake-dependencies';
import { isolateNetwork, restoreNetwork, type OrderUnderTest, startOrder } from './order-harness';
import { leftOrder } from './order-factory';
import { until } from '../../test-support/polling';

type Barrier = ReturnType<typeof barrier>;

/**
 * Workers are numbered by the order in which they first reach a hook (0, 1, ...). `atRecover(n)`
 * holds worker n before it starts on its first order; `atRenew(n)` holds its first lease renewal
 * (and so every later one): the worker is stalled as far as its lease is concerned.
 */
function holdWorkers() {
  const owners: string[] = [];
  const recover: Barrier[] = [];
  const renew: Barrier[] = [];
  const numberOf = (owner: string) => (owners.includes(owner) ? owners.indexOf(owner) : owners.push(owner) - 1);
  const hooks: SagaHooks = {
    at: (point, _id, writer) => {
      if (writer.kind !== 'lease') return undefined;
      if (point === 'recover') return recover[numberOf(writer.owner)]?.wait();
      if (point === 'renew') return renew[numberOf(writer.owner)]?.wait();
      return undefined;
    },
  };
  return { hooks, atRecover: (n: number) => (recover[n] = barrier()), atRenew: (n: number) => (renew[n] = barrier()) };
}

function recoveryWorkers(env: Record<string, string>) {
  const t = { workers: holdWorkers() } as { order: OrderUnderTest; fakes: Fakes; workers: ReturnType<typeof holdWorkers> };
  beforeAll(async () => {
    isolateNetwork();
    t.order = await startOrder(env, { hooks: { at: (...a) => t.workers.hooks.at(...a) } });
  });
  beforeEach(async () => {
    t.fakes = installFakes();
    t.workers = holdWorkers();
    await t.order.sql('DELETE FROM orders');
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await t.order.close();
    restoreNetwork();
  });
  return t;
}

const leases = (order: OrderUnderTest) =>
  order.sql(`SELECT id::text, lease_owner::text AS owner, lease_until, lease_until > now() AS live FROM orders WHERE lease_owner IS NOT NULL`);
const leaseOf = async (order: OrderUnderTest, id: string) =>
  (await order.sql('SELECT lease_owner::text AS owner, lease_until, lease_until < now() AS expired FROM orders WHERE id = $1', [id]))[0];

describe('Recovery workers sharing one database, with the default lease settings', () => {
  const t = recoveryWorkers({});

  test('when two workers run at once, then each leases only the order it works on and the other takes the rest', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => leftOrder(t.order)));
    const first = t.workers.atRecover(0);
    const a = t.order.app.recovery.runOnce();
    await first.reached; // worker A holds a lease on the one order it started on, and nothing else
    const held = await leases(t.order);
    expect(held).toHaveLength(1);
    expect(await t.order.app.recovery.runOnce()).toBe(2); // worker B: the two others, never A's
    expect((await t.order.call('GET', `/orders/${held[0].id}`)).body.status).toBe('pending');
    first.open();
    await a;
    for (const id of ids) expect((await t.order.call('GET', `/orders/${id}`)).body.status).toBe('confirmed');
    expect(t.fakes.callsTo('POST', /\/confirm$/)).toHaveLength(3); // each order confirmed once
  });
});

describe('Recovery workers sharing one database, with a short lease', () => {
  // A lease of 2 s renewed every 0.3 s: lapses in this test come from a held renewal, not from load.
  const t = recoveryWorkers({
    RECOVERY_LEASE_SECONDS: '2', RECOVERY_LEASE_RENEW_SECONDS: '0.3', COMPENSATION_BUDGET_MS: '1200', ORDER_DB_TIMEOUT_MS: '100',
    BREAKER_VOLUME_THRESHOLD: '1000',
  });

  test('when a worker works on an order longer than its lease, then its renewals keep the order from other workers', async () => {
    const id = await leftOrder(t.order);
    const a = t.workers.atRecover(0);
    const runA = t.order.app.recovery.runOnce();
    await a.reached;
    const first = await leaseOf(t.order, id);
    // The lease it was first given is over, and it is still alive: renewed since.
    await until('the first lease to be over and the renewed one alive', async () => (await t.order.sql('SELECT now() > $1 AS over FROM orders WHERE id = $2 AND lease_until > now()', [first.lease_until, id]))[0]?.over === true, { timeoutMs: 20_000 });
    expect(await t.order.app.recovery.runOnce()).toBe(0); // worker B finds nothing it may take
    expect((await leaseOf(t.order, id)).owner).toBe(first.owner);
    a.open();
    await runA;
    expect((await t.order.call('GET', `/orders/${id}`)).body.status).toBe('confirmed');
    expect(await leaseOf(t.order, id)).toMatchObject({ owner: null });
  });

  test('when a worker stalls (no renewal) at a step, then its lease lapses, another worker takes the order over and the stalled one loses its compare-and-set', async () => {
    const id = await leftOrder(t.order);
    const a = t.workers.atRecover(0);
    const aRenews = t.workers.atRenew(0);
    const runA = t.order.app.recovery.runOnce();
    await a.reached;
    await aRenews.reached; // A's renewals are stopped from here: A is stalled as a paused process is
    const ownerA = (await leaseOf(t.order, id)).owner;
    await until('the stalled lease to lapse', async () => (await leaseOf(t.order, id)).expired === true, { timeoutMs: 20_000 });
    const b = t.workers.atRecover(1);
    const runB = t.order.app.recovery.runOnce();
    await b.reached;
    expect((await leaseOf(t.order, id)).owner).not.toBe(ownerA); // B took the order over
    // What A would decide now: the Catalog refuses it, so A would fail the order.
    t.fakes.catalog.reserve = () => problem(503, 'down');
    aRenews.open(); // A's renewals resume late: a renewal extends only a live lease of its own owner, and this one is B's
    a.open();
    await runA;
    expect(await t.order.stateOf(id)).toBe('pending'); // A's write lost: B owns the order
    expect(t.fakes.callsTo('POST', /\/release$/)).toHaveLength(0);
    Object.assign(t.fakes.catalog, installFakes().catalog);
    b.open();
    await runB;
    expect((await t.order.call('GET', `/orders/${id}`)).body.status).toBe('confirmed');
    expect(await leaseOf(t.order, id)).toMatchObject({ owner: null });
  });
});
