// A crash mid-saga leaves an order `pending`; the recovery worker must drive it to a final state.
import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { Client } from 'pg';
import { orderRepository } from '../src/data/order-repository';
import { installFakes, problem, type Fakes } from './fake-dependencies';
import { isolateNetwork, restoreNetwork, ORDER, type OrderUnderTest, startOrder } from './order-harness';

describe('Recovery of orders left pending', () => {
  let order: OrderUnderTest;
  let fakes: Fakes;
  beforeAll(async () => {
    isolateNetwork();
    // A high breaker volume: these tests are about recovery, not about the breaker opening.
    order = await startOrder({ RECOVERY_GRACE_SECONDS: '5', BREAKER_VOLUME_THRESHOLD: '100' });
  });
  beforeEach(() => {
    fakes = installFakes();
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await order.close();
    restoreNetwork();
  });

  /** What a killed process leaves: an order claimed and maybe priced, its request gone. */
  async function crashedOrder(opts: { step?: 'started' | 'committing'; ageSeconds?: number } = {}) {
    const repo = orderRepository(order.db);
    const { order: o } = await repo.claim(randomUUID(), 'h'.repeat(64), ORDER.accountId, ORDER.lines, 3600);
    await repo.markPriced(o.id, ORDER.lines.map((l) => ({ ...l, unitPriceCents: 100, lineTotalCents: 100 * l.quantity })), 300, 'EUR');
    if (opts.step === 'committing') await repo.markCommitting(o.id);
    const pg = new Client({ connectionString: order.databaseUrl });
    await pg.connect();
    await pg.query(`UPDATE orders SET updated_at = now() - make_interval(secs => $2) WHERE id = $1`, [o.id, opts.ageSeconds ?? 60]);
    await pg.end();
    return o.id;
  }

  const statusOf = async (id: string) => (await order.call('GET', `/orders/${id}`)).body.status;

  test('when both commitments are in place, then the order goes forward: confirmed and captured', async () => {
    const id = await crashedOrder();
    fakes.catalog.reserve(id, { lines: ORDER.lines }); // Catalog holds the reservation
    fakes.account.hold(id, { accountId: 'acc-alice', amountCents: 300, currency: 'EUR' });
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('confirmed');
    expect(fakes.callsTo('POST', new RegExp(`/reservations/${id}/confirm$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', new RegExp(`/holds/${id}/capture$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', /\/release$/)).toHaveLength(0);
  });

  test('when the credit was never held, then the order is compensated: both released, failed, nothing confirmed', async () => {
    const id = await crashedOrder();
    fakes.catalog.reserve(id, { lines: ORDER.lines });
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('failed');
    expect(fakes.callsTo('POST', new RegExp(`/reservations/${id}/release$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', new RegExp(`/holds/${id}/release$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', /\/confirm$|\/capture$/)).toHaveLength(0);
  });

  test('when the order had passed the point of no return, then it goes forward without asking', async () => {
    const id = await crashedOrder({ step: 'committing' });
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('confirmed');
    expect(fakes.callsTo('GET', new RegExp(id))).toHaveLength(0);
  });

  test('when the order is younger than the grace period, then it is left to its request', async () => {
    const id = await crashedOrder({ ageSeconds: 0 });
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('pending');
    expect(fakes.calls.filter((c) => c.path.includes(id))).toHaveLength(0);
  });

  test('when a release could not be sent, then the worker sends it later', async () => {
    fakes.catalog.reserve = () => [503, { code: 'down' }];
    fakes.catalog.release = () => [503, { code: 'down' }];
    const res = await order.placeOrder();
    expect(res.status).toBe(503);
    const id = res.body.orderId;
    await new Promise((r) => setTimeout(r, 300)); // the background compensation gives up
    Object.assign(fakes.catalog, installFakes().catalog);
    await order.app.recovery.runOnce();
    expect(fakes.callsTo('POST', new RegExp(`/reservations/${id}/release$`)).length).toBeGreaterThanOrEqual(1);
    const pg = new Client({ connectionString: order.databaseUrl });
    await pg.connect();
    const { rows } = await pg.query('SELECT compensation_pending FROM orders WHERE id = $1', [id]);
    await pg.end();
    expect(rows[0].compensation_pending).toBe(false);
  });

  test('when the Catalog is still down, then the order stays pending for the next pass', async () => {
    const id = await crashedOrder();
    fakes.catalog.find = () => problem(503, 'down');
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('pending');
  });
});
