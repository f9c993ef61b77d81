import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { installFakes, type Fakes } from './fake-dependencies';
import { isolateNetwork, restoreNetwork, ORDER, type OrderUnderTest, startOrder } from './order-harness';

describe('POST /orders with an Idempotency-Key', () => {
  let order: OrderUnderTest;
  let fakes: Fakes;
  beforeAll(async () => {
    isolateNetwork();
    order = await startOrder();
  });
  beforeEach(() => {
    fakes = installFakes();
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await order.close();
    restoreNetwork();
  });

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

  test('when the key is too long, then it is 400', async () => {
    const res = await order.placeOrder(ORDER, 'k'.repeat(256));
    expect(res.status).toBe(400);
    expect(fakes.calls).toHaveLength(0);
  });
});
