// What a request leaves unfinished (it died, or outlived its grace period), the recovery worker
// finishes through the saga's own steps from the stored state.
import { installFakes, problem } from './fake-dependencies';
import { ORDER, orderPerDescribe } from './order-harness';
import { leftOrder, PRICED } from './order-factory';

describe('Recovery of unfinished orders', () => {
  // A high breaker volume: these tests are about recovery, not about the breaker opening.
  const { order, fakes } = orderPerDescribe({ BREAKER_VOLUME_THRESHOLD: '1000', RECOVERY_BACKOFF_BASE_SECONDS: '60' });
  beforeEach(async () => {
    await order.sql('DELETE FROM orders'); // each test sees only its own orders
  });

  const statusOf = async (id: string) => (await order.call('GET', `/orders/${id}`)).body.status;
  const callsFor = (id: string, method: string, what: string) => fakes.callsTo(method, new RegExp(`${id}${what}$`));
  const row = async (id: string) => (await order.sql('SELECT state, releases_owed, attempts, lease_owner, next_attempt_at > now() AS later FROM orders WHERE id = $1', [id]))[0];

  test('when both commitments were made before the request died, then the same steps replay them and the order is confirmed', async () => {
    const id = await leftOrder(order);
    fakes.catalog.reserve(id, { lines: ORDER.lines, ttlSeconds: 120 });
    fakes.account.hold(id, { accountId: ORDER.accountId, amountCents: PRICED.totalCents, currency: 'EUR', ttlSeconds: 300 });
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('confirmed');
    expect(callsFor(id, 'PUT', '')).toHaveLength(2); // the reservation and the hold, replayed: 200, nothing new made
    expect(fakes.catalog.stateOf(id)).toBe('confirmed');
    expect(fakes.account.stateOf(id)).toBe('confirmed');
    expect(fakes.callsTo('POST', /\/release$/)).toHaveLength(0);
  });

  test('when the request died before anything was reserved, then recovery places the order', async () => {
    const id = await leftOrder(order);
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('confirmed');
    expect((await order.call('GET', `/orders/${id}`)).body.totalCents).toBe(PRICED.totalCents);
  });

  test('when the credit is refused on recovery, then the order is rejected and the reservation released', async () => {
    const id = await leftOrder(order);
    fakes.account.hold = () => problem(409, 'insufficient_credit', { availableCreditCents: 5 });
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('rejected');
    expect(fakes.catalog.stateOf(id)).toBe('released');
    expect(await row(id)).toMatchObject({ releases_owed: false });
  });

  test('when the order had passed the point of no return, then it goes forward without reserving again', async () => {
    const id = await leftOrder(order, { state: 'committing' });
    fakes.catalog.reserve(id, { lines: ORDER.lines, ttlSeconds: 120 });
    fakes.account.hold(id, { accountId: ORDER.accountId, amountCents: PRICED.totalCents, currency: 'EUR', ttlSeconds: 300 });
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('confirmed');
    expect(callsFor(id, 'PUT', '')).toHaveLength(0); // nothing reserved or held again
    expect(fakes.catalog.stateOf(id)).toBe('confirmed');
  });

  test('when the order is within its grace period, then it is left to its request', async () => {
    const id = await leftOrder(order, { dueInSeconds: 30 });
    expect(await order.app.recovery.runOnce()).toBe(0);
    expect(await statusOf(id)).toBe('pending');
    expect(fakes.calls.filter((c) => c.path.includes(id))).toHaveLength(0);
  });

  test('when the Catalog is down, then the pending order fails, its releases are owed, and it is due again only after a backoff', async () => {
    const id = await leftOrder(order);
    fakes.catalog.reserve = () => problem(503, 'down');
    fakes.catalog.release = () => problem(503, 'down');
    await order.app.recovery.runOnce();
    expect(await statusOf(id)).toBe('failed');
    expect(await row(id)).toMatchObject({ state: 'failed', releases_owed: true, attempts: 1, lease_owner: null, later: true });
    const callsBefore = fakes.calls.length;
    expect(await order.app.recovery.runOnce()).toBe(0); // not due again yet
    expect(fakes.calls).toHaveLength(callsBefore);

    Object.assign(fakes.catalog, installFakes().catalog); // the Catalog is back
    await order.sql('UPDATE orders SET next_attempt_at = now() WHERE id = $1', [id]); // the backoff has passed
    await order.app.recovery.runOnce();
    expect(await row(id)).toMatchObject({ state: 'failed', releases_owed: false });
    expect(callsFor(id, 'POST', '/release').length).toBeGreaterThanOrEqual(2);
  });

  test('when the Account stays down past the point of no return, then the order is tried again at least every quarter of the hold\'s guaranteed life, not after the full backoff', async () => {
    const id = await leftOrder(order, { state: 'committing' });
    fakes.catalog.reserve(id, { lines: ORDER.lines, ttlSeconds: 120 });
    fakes.account.capture = () => problem(503, 'down');
    const failedId = await leftOrder(order, { state: 'failed', releasesOwed: true, dueInSeconds: -1 });
    fakes.catalog.release = () => problem(503, 'down');
    const backoffOf = async (orderId: string) =>
      Number((await order.sql('SELECT extract(epoch FROM next_attempt_at - now()) AS s FROM orders WHERE id = $1', [orderId]))[0].s);
    for (let i = 0; i < 3; i++) {
      await order.sql('UPDATE orders SET next_attempt_at = now() WHERE id = ANY($1::uuid[])', [[id, failedId]]);
      await order.app.recovery.runOnce();
    }
    expect(await row(id)).toMatchObject({ state: 'committing', attempts: 3 });
    // The defaults: HOLD_TTL_SECONDS 300, RESERVATION_TTL_SECONDS 120 → at most 45 s; the base here is 60 s (doubling).
    expect(await backoffOf(id)).toBeLessThanOrEqual(45);
    expect(await backoffOf(id)).toBeGreaterThan(40);
    expect(await backoffOf(failedId)).toBeGreaterThan(200); // 60 × 2², the backoff of an order with nothing sold
  });

  test('when the capture is refused after the stock was confirmed, then the order needs attention and says why', async () => {
    const id = await leftOrder(order, { state: 'committing' });
    fakes.catalog.reserve(id, { lines: ORDER.lines, ttlSeconds: 120 });
    fakes.account.capture = () => problem(409, 'hold_expired');
    await order.app.recovery.runOnce();
    const read = await order.call('GET', `/orders/${id}`);
    expect(read.body).toMatchObject({ status: 'needs_attention', reason: 'credit_hold_lapsed', detail: expect.stringMatching(/stock .* confirmed/) });
    expect((await order.call('GET', '/orders?status=needs_attention&limit=100')).body.items.map((o: { id: string }) => o.id)).toContain(id);
    expect(await (await fetch(`${order.baseUrl}/metrics`)).text()).toMatch(/^order_needs_attention_total(\{[^}]*\})? [1-9]/m);
  });

  test('when 60 orders have releases refused for ever and one order was interrupted, then one pass recovers the interrupted one and sets the 60 aside', async () => {
    const refused = await Promise.all(Array.from({ length: 60 }, () => leftOrder(order, { state: 'failed', releasesOwed: true, dueInSeconds: -60 })));
    for (const id of refused) {
      fakes.catalog.reserve(id, { lines: [] });
      fakes.catalog.confirm(id, {}); // their stock was sold: releasing it is refused for good
    }
    const interrupted = await leftOrder(order, { dueInSeconds: -1 }); // due last: after all 60
    await order.app.recovery.runOnce();
    expect(await statusOf(interrupted)).toBe('confirmed');
    const rows = await order.sql(`SELECT state, count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) GROUP BY state`, [refused]);
    expect(rows).toEqual([{ state: 'needs_attention', n: 60 }]);
    const calls = fakes.calls.length;
    expect(await order.app.recovery.runOnce()).toBe(0); // never leased again
    expect(fakes.calls).toHaveLength(calls);
  });
});
