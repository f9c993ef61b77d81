import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { createHash } from 'node:crypto';
import { orderRepository } from '../src/data/order-repository';
import type { SagaHooks } from '../src/saga/saga-hooks';
import { type Fakes, installFakes, problem } from './fake-dependencies';
import { isolateNetwork, ORDER, orderPerDescribe, type OrderUnderTest, restoreNetwork, startOrder } from './order-harness';

describe('POST /orders with an Idempotency-Key', () => {
  const { order, fakes } = orderPerDescribe({ BREAKER_VOLUME_THRESHOLD: '1000' }); // about keys, not breakers

  test('when a completed request is retried with the same key and body, then the same answer comes back and nothing is charged again', async () => {
    const key = randomUUID();
    const first = await order.placeOrder(ORDER, key);
    const callsAfterFirst = fakes.calls.length;
    const replay = await order.placeOrder(ORDER, key);
    expect(replay.status).toBe(first.status);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(fakes.calls).toHaveLength(callsAfterFirst);
  });

  test('when a rejected request is retried with the same key, then the same problem comes back with the same order id', async () => {
    fakes.account.hold = () => [409, { type: 'x', title: 't', status: 409, code: 'insufficient_credit', availableCreditCents: 5 }];
    const key = randomUUID();
    const first = await order.placeOrder(ORDER, key);
    const replay = await order.placeOrder(ORDER, key);
    expect(first.status).toBe(409);
    expect(replay.status).toBe(409);
    expect(replay.body.orderId).toBe(first.body.orderId);
    expect(fakes.callsTo('PUT', /\/holds\//)).toHaveLength(1);
  });

  test('when the same key comes with another body, then it is 422 and no order is made', async () => {
    const key = randomUUID();
    await order.placeOrder(ORDER, key);
    const before = fakes.calls.length;
    const res = await order.placeOrder({ ...ORDER, lines: [{ sku: 'COFFEE-1KG', quantity: 5 }] }, key);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('idempotency_key_reused');
    expect(fakes.calls).toHaveLength(before);
  });

  test('when the same body is sent with its JSON keys in another order, then it counts as the same request', async () => {
    const key = randomUUID();
    const first = await order.placeOrder(ORDER, key);
    const reordered = { lines: ORDER.lines.map((l) => ({ quantity: l.quantity, sku: l.sku })), accountId: ORDER.accountId };
    expect((await order.placeOrder(reordered, key)).body.id).toBe(first.body.id);
  });

  test('when the same key is sent concurrently, then exactly one order is made and the others hear 409 in progress or its answer', async () => {
    const happy = fakes.catalog.reserve;
    fakes.catalog.reserve = (id, body) => ({ delayMs: 200, reply: happy(id, body) as [number, unknown] });
    const key = randomUUID();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => order.placeOrder(ORDER, key)));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    for (const other of answers.filter((a) => a.status !== 201)) {
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({ code: 'request_in_progress', orderId: created[0].body.id });
      expect(other.headers.get('retry-after')).toBe('1');
    }
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(1);
    const listed = await order.call('GET', `/orders?accountId=${ORDER.accountId}&limit=100`);
    expect(listed.body.items.filter((o: { id: string }) => o.id === created[0].body.id)).toHaveLength(1);
  });

  test('when the Catalog was down and the client retries the same key after Retry-After, then the order is placed: one reservation, one charge', async () => {
    const happyReserve = fakes.catalog.reserve;
    fakes.catalog.reserve = () => problem(503, 'down');
    const key = randomUUID();
    const failed = await order.placeOrder(ORDER, key);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await order.call('GET', `/orders/${failed.body.orderId}`)).toMatchObject({ body: { status: 'failed' } });
    fakes.catalog.reserve = happyReserve; // the Catalog is back
    const retried = await order.placeOrder(ORDER, key);
    expect(retried.status).toBe(201);
    expect(retried.body.id).not.toBe(failed.body.orderId); // a new attempt is a new order
    expect(fakes.callsTo('PUT', new RegExp(`/reservations/${retried.body.id}$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', /\/capture$/)).toHaveLength(1);
    const replay = await order.placeOrder(ORDER, key);
    expect(replay).toMatchObject({ status: 201, body: { id: retried.body.id } });
    expect(fakes.callsTo('POST', /\/capture$/)).toHaveLength(1);
  });

  test('when a failed order still owes its releases, then a replay answers the stored 503 and places nothing', async () => {
    fakes.account.hold = () => problem(503, 'down');
    fakes.catalog.release = () => problem(503, 'down');
    const key = randomUUID();
    const failed = await order.placeOrder(ORDER, key);
    expect(failed.status).toBe(503);
    const replay = await order.placeOrder(ORDER, key);
    expect(replay.status).toBe(503);
    expect(replay.body).toMatchObject({ code: 'dependency_unavailable', orderId: failed.body.orderId });
    expect(replay.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(fakes.callsTo('PUT', /\/reservations\//)).toHaveLength(1);
  });

  test('when a failed order owes its releases and the dependency is back, then a replay with the same key sends them itself and places the order anew', async () => {
    const happy = { hold: fakes.account.hold, release: fakes.catalog.release };
    fakes.account.hold = () => problem(503, 'down');
    fakes.catalog.release = () => problem(503, 'down');
    const key = randomUUID();
    const failed = await order.placeOrder(ORDER, key);
    expect(failed.status).toBe(503);
    const firstId = failed.body.orderId as string;
    expect(await order.sql('SELECT releases_owed FROM orders WHERE id = $1', [firstId])).toEqual([{ releases_owed: true }]);
    expect(fakes.catalog.stateOf(firstId)).toBe('held');
    fakes.account.hold = happy.hold;
    fakes.catalog.release = happy.release; // both back; recovery never runs in this test
    const retried = await order.placeOrder(ORDER, key);
    expect(retried).toMatchObject({ status: 201, body: { status: 'confirmed' } });
    expect(retried.body.id).not.toBe(firstId);
    // The replay gave back what the failed order held before it placed the new one.
    expect(fakes.catalog.stateOf(firstId)).toBe('released');
    expect(await order.sql('SELECT releases_owed, idempotency_key FROM orders WHERE id = $1', [firstId])).toEqual([{ releases_owed: false, idempotency_key: null }]);
    expect(fakes.callsTo('POST', /\/capture$/)).toHaveLength(1);
  });

  test('when a replay comes after a 202, then it answers the order as it is now', async () => {
    const happyCapture = fakes.account.capture;
    fakes.account.capture = () => problem(503, 'down');
    const key = randomUUID();
    const accepted = await order.placeOrder(ORDER, key);
    expect(accepted).toMatchObject({ status: 202, body: { status: 'pending' } });
    expect((await order.placeOrder(ORDER, key)).status).toBe(202); // still pending: 202, not 409
    fakes.account.capture = happyCapture;
    await order.sql('UPDATE orders SET next_attempt_at = now() WHERE id = $1', [accepted.body.id]);
    await order.app.recovery.runOnce();
    expect(await order.placeOrder(ORDER, key)).toMatchObject({ status: 201, body: { id: accepted.body.id, status: 'confirmed' } });
  });

  test('when the first request died and its order is still pending, then a replay answers 202 with the order once the request\'s budget is over', async () => {
    const key = randomUUID();
    const [{ id }] = await order.sql(
      `INSERT INTO orders (id, idempotency_key, idempotency_expires_at, request_hash, account_id, state, lines, created_at)
       VALUES (gen_random_uuid(), $1, now() + interval '1 day', $2, $3, 'pending', '[]'::jsonb, now() - interval '60 seconds') RETURNING id::text`,
      [key, requestHashOf(ORDER), ORDER.accountId],
    );
    const replay = await order.placeOrder(ORDER, key);
    expect(replay).toMatchObject({ status: 202, body: { id, status: 'pending' } });
    expect(fakes.calls).toHaveLength(0);
  });

  test('when two customers use the same key, then each gets an order of their own and neither learns of the other', async () => {
    const key = randomUUID();
    const alice = await order.placeOrder(ORDER, key);
    const bob = await order.placeOrder({ ...ORDER, accountId: 'acc-bob', lines: [{ sku: 'COFFEE-1KG', quantity: 1 }] }, key);
    expect(alice.status).toBe(201);
    expect(bob.status).toBe(201); // not 422 idempotency_key_reused: the key is Alice's, not Bob's
    expect(bob.body.id).not.toBe(alice.body.id);
    expect(bob.body.accountId).toBe('acc-bob');
    // Each replay answers its own customer's order.
    expect((await order.placeOrder(ORDER, key)).body.id).toBe(alice.body.id);
    expect((await order.placeOrder({ ...ORDER, accountId: 'acc-bob', lines: [{ sku: 'COFFEE-1KG', quantity: 1 }] }, key)).body.id).toBe(bob.body.id);
  });

  test('when a key is past its retention but its order is still undecided, then the key is not freed: a retry answers that order, no second one', async () => {
    const key = randomUUID();
    const [{ id }] = await order.sql(
      `INSERT INTO orders (id, idempotency_key, idempotency_expires_at, request_hash, account_id, state, lines, created_at)
       VALUES (gen_random_uuid(), $1, now() - interval '1 second', $2, $3, 'committing', '[]'::jsonb, now() - interval '60 seconds') RETURNING id::text`,
      [key, requestHashOf(ORDER), ORDER.accountId],
    );
    await orderRepository(order.db).purgeExpiredKeys();
    const retry = await order.placeOrder(ORDER, key);
    expect(retry).toMatchObject({ status: 202, body: { id, status: 'pending' } });
    expect(fakes.calls).toHaveLength(0); // nothing reserved, nothing charged for a second order
    // Once it is final and owes nothing, the key's retention applies again.
    await order.sql(`UPDATE orders SET state = 'confirmed' WHERE id = $1`, [id]);
    expect(await orderRepository(order.db).purgeExpiredKeys()).toBeGreaterThanOrEqual(1);
    expect((await order.sql('SELECT idempotency_key FROM orders WHERE id = $1', [id]))[0].idempotency_key).toBeNull();
  });

  test('when the key is too long, then it is 400', async () => {
    const res = await order.placeOrder(ORDER, 'k'.repeat(256));
    expect(res.status).toBe(400);
    expect(fakes.calls).toHaveLength(0);
  });
});

describe('POST /orders duplicates while the first request is past the point of no return', () => {
  let release: () => void = () => undefined;
  let reached: Promise<string>;
  let arrived: (id: string) => void = () => undefined;
  // A barrier: the first request stops at 'confirm' (its order is `committing`) until the test lets it go.
  const hooks: SagaHooks = {
    at: (point, orderId, writer) => {
      if (point !== 'confirm' || writer.kind !== 'request') return undefined;
      arrived(orderId);
      return new Promise<void>((r) => (release = r));
    },
  };
  afterAll(() => release()); // before the Order stops (after-all hooks run in the order they were declared)
  const { order } = orderPerDescribe({ BREAKER_VOLUME_THRESHOLD: '1000' }, { hooks });
  beforeEach(() => {
    reached = new Promise((r) => (arrived = r));
  });

  test('when duplicates come while the first request holds a committing order, then each is 409 request_in_progress, and the stored answer after it ends', async () => {
    const key = randomUUID();
    const first = order.placeOrder(ORDER, key);
    const id = await reached;
    expect(await order.stateOf(id)).toBe('committing');
    const duplicates = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => order.placeOrder(ORDER, key)));
    for (const d of duplicates) {
      expect(d.status).toBe(409);
      expect(d.body).toMatchObject({ code: 'request_in_progress', orderId: id });
      expect(d.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    }
    release();
    expect(await first).toMatchObject({ status: 201, body: { id, status: 'confirmed' } });
    expect(await order.placeOrder(ORDER, key)).toMatchObject({ status: 201, body: { id, status: 'confirmed' } });
  });
});

/** The hash Order stores for a request body (see place-order.ts). */
const requestHashOf = (req: typeof ORDER) =>
  createHash('sha256').update(JSON.stringify({ accountId: req.accountId, lines: req.lines.map((l) => [l.sku, l.quantity]) })).digest('hex');

describe('Retry-After of a replayed failure', () => {
  let order: OrderUnderTest;
  let fakes: Fakes;
  beforeAll(async () => {
    isolateNetwork();
    // One attempt per call, so the test counts what opens Catalog's breaker: 4 calls, half failed.
    order = await startOrder({ RETRY_MAX_ATTEMPTS: '1', BREAKER_VOLUME_THRESHOLD: '4', BREAKER_ERROR_THRESHOLD_PERCENT: '50', BREAKER_RESET_MS: '60000' });
    fakes = installFakes();
  });
  afterAll(async () => {
    nock.cleanAll();
    await order.close();
    restoreNetwork();
  });

  test('when the breaker opened after a failure was stored, then its replay says when the breaker lets calls through, not what was true then', async () => {
    fakes.account.hold = () => problem(503, 'down');
    fakes.catalog.release = () => problem(503, 'down');
    const key = randomUUID();
    const failed = await order.placeOrder(ORDER, key);
    expect(failed).toMatchObject({ status: 503, body: { code: 'dependency_unavailable' } });
    expect(failed.headers.get('retry-after')).toBe('1'); // every breaker closed: a retry may succeed at once
    fakes.catalog.reserve = () => problem(503, 'down');
    await order.placeOrder(ORDER); // Catalog: reserve ok, release failed, reserve failed
    await order.placeOrder(ORDER); // and one more failure: its breaker opens
    expect((await order.call('GET', '/dependencies')).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'catalog', state: 'open' })]));
    const replay = await order.placeOrder(ORDER, key);
    expect(replay).toMatchObject({ status: 503, body: { code: 'dependency_unavailable', orderId: failed.body.orderId } });
    expect(Number(replay.headers.get('retry-after'))).toBeGreaterThan(30); // the breaker's reset, 60 s after it opened
    expect(Number(replay.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });
});
