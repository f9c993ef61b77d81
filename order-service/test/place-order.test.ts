import { randomUUID } from 'node:crypto';
import { problem } from './fake-dependencies';
import { ORDER, orderPerDescribe } from './order-harness';

describe('POST /orders: pricing and refusals', () => {
  const { order, fakes } = orderPerDescribe();

  test('when the order is placed, then it is 201 priced from the Catalog reservation, and both commitments are confirmed', async () => {
    const res = await order.placeOrder();
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/orders/${res.body.id}`);
    expect(res.body).toMatchObject({
      status: 'confirmed', accountId: 'acc-alice', totalCents: 2 * 2450 + 1200, currency: 'EUR',
      lines: [
        { sku: 'COFFEE-1KG', quantity: 2, unitPriceCents: 2450, lineTotalCents: 4900 },
        { sku: 'MUG-CERAMIC', quantity: 1, unitPriceCents: 1200, lineTotalCents: 1200 },
      ],
    });
    const id = res.body.id;
    expect(fakes.callsTo('PUT', new RegExp(`/reservations/${id}$`))[0].body).toMatchObject({ lines: ORDER.lines });
    expect(fakes.callsTo('PUT', new RegExp(`/holds/${id}$`))[0].body).toMatchObject({ accountId: 'acc-alice', amountCents: 6100, currency: 'EUR' });
    expect(fakes.callsTo('POST', new RegExp(`/reservations/${id}/confirm$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', new RegExp(`/holds/${id}/capture$`))).toHaveLength(1);
    expect(await order.call('GET', `/orders/${id}`)).toMatchObject({ status: 200, body: { status: 'confirmed', totalCents: 6100 } });
  });

  test('when the Catalog price changed, then the order is priced at the reserved price', async () => {
    fakes.catalog.reserve = (id, body) => [201, {
      id, status: 'held', lines: body.lines.map((l: { sku: string; quantity: number }) => ({ ...l, unitPriceCents: 999 })),
      totalCents: 999 * 3, currency: 'EUR', expiresAt: new Date(Date.now() + 60_000).toISOString(),
    }];
    const res = await order.placeOrder();
    expect(res.body.totalCents).toBe(999 * 3);
    expect(fakes.callsTo('PUT', /\/holds\//)[0].body.amountCents).toBe(999 * 3);
  });

  test.each([
    ['a price on a line', { accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 1, unitPriceCents: 1 }] }],
    ['a total', { ...ORDER, totalCents: 1 }],
    ['no lines', { accountId: 'acc-alice', lines: [] }],
    ['a fractional quantity', { accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 1.5 }] }],
    ['a string quantity', { accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: '1' }] }],
  ])('when the body carries %s, then it is 400 and no dependency is called', async (_label, body) => {
    const res = await order.placeOrder(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(fakes.calls).toHaveLength(0);
  });

  test('when the Idempotency-Key header is missing, then it is 400 naming it', async () => {
    const res = await order.call('POST', '/orders', ORDER);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toMatch(/idempotency-key/i);
    expect(fakes.calls).toHaveLength(0);
  });

  test('when the Catalog is out of stock, then it is 409 with the orderId, the order is rejected and no credit is held', async () => {
    fakes.catalog.reserve = () => problem(409, 'out_of_stock', { shortages: [{ sku: 'COFFEE-1KG', requested: 2, available: 1 }] });
    const res = await order.placeOrder();
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ code: 'out_of_stock', orderId: expect.any(String), shortages: [{ sku: 'COFFEE-1KG', available: 1 }] });
    expect(fakes.callsTo('PUT', /\/holds\//)).toHaveLength(0);
    expect(await order.call('GET', `/orders/${res.body.orderId}`)).toMatchObject({ body: { status: 'rejected', reason: 'out_of_stock' } });
  });

  test('when an item is unknown, then it is 422 unknown_item and the order is rejected', async () => {
    fakes.catalog.reserve = () => problem(422, 'unknown_item', { skus: ['NOPE'] });
    const res = await order.placeOrder();
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'unknown_item', skus: ['NOPE'] });
    expect(fakes.callsTo('PUT', /\/holds\//)).toHaveLength(0);
  });

  test('when the credit is insufficient, then it is 409, the stock reservation is released and nothing is confirmed', async () => {
    fakes.account.hold = () => problem(409, 'insufficient_credit', { availableCreditCents: 100 });
    const res = await order.placeOrder();
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'insufficient_credit', availableCreditCents: 100 });
    const id = res.body.orderId;
    expect(fakes.callsTo('POST', new RegExp(`/reservations/${id}/release$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', /\/confirm$|\/capture$/)).toHaveLength(0);
    expect(await order.call('GET', `/orders/${id}`)).toMatchObject({ body: { status: 'rejected', reason: 'insufficient_credit' } });
  });

  test('when the account is unknown, then it is 422 unknown_account and the reservation is released', async () => {
    fakes.account.hold = () => problem(422, 'unknown_account');
    const res = await order.placeOrder({ ...ORDER, accountId: 'acc-nobody' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unknown_account');
    expect(fakes.callsTo('POST', new RegExp(`/reservations/${res.body.orderId}/release$`))).toHaveLength(1);
  });

  test('when the reservation expired before it was confirmed, then the credit hold is released and nothing is charged', async () => {
    fakes.catalog.confirm = () => problem(409, 'reservation_expired');
    const res = await order.placeOrder();
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('commitment_expired');
    const id = res.body.orderId;
    expect(fakes.callsTo('POST', new RegExp(`/holds/${id}/release$`))).toHaveLength(1);
    expect(fakes.callsTo('POST', /\/capture$/)).toHaveLength(0);
    expect(await order.call('GET', `/orders/${id}`)).toMatchObject({ body: { status: 'failed' } });
  });

  // The traceparent is OpenTelemetry's to send, with tracing on (system-tests/test/tracing.test.ts);
  // off, as here, none is made up, and the request id is what ties the three services' logs together.
  test('when the order is placed, then the calls carry its request id and the remaining budget, and no made-up traceparent', async () => {
    const placed = await order.placeOrder();
    const reserve = fakes.callsTo('PUT', /\/reservations\//)[0];
    expect(reserve.headers['x-request-id']).toBe(placed.headers.get('x-request-id'));
    expect(reserve.headers.traceparent).toBeUndefined();
    const budget = Number(reserve.headers['x-request-budget-ms']);
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThanOrEqual(10_000); // ORDER_REQUEST_BUDGET_MS of the harness
  });

  test('when orders are listed by account and status, then only those come, newest first, page by page', async () => {
    const a = await order.placeOrder({ ...ORDER, accountId: 'acc-list' });
    const b = await order.placeOrder({ ...ORDER, accountId: 'acc-list' });
    fakes.catalog.reserve = () => problem(409, 'out_of_stock', { shortages: [] });
    await order.placeOrder({ ...ORDER, accountId: 'acc-list' });
    const first = await order.call('GET', '/orders?accountId=acc-list&status=confirmed&limit=1');
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([b.body.id]);
    const second = await order.call('GET', `/orders?accountId=acc-list&status=confirmed&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((o: { id: string }) => o.id)).toEqual([a.body.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  test('when every item is free, then the order is confirmed without a credit hold', async () => {
    const happy = fakes.catalog.reserve;
    fakes.catalog.reserve = async (id, body) => {
      const [status, reservation] = (await happy(id, body)) as [number, Record<string, unknown>];
      return [status, { ...reservation, lines: body.lines.map((l: object) => ({ ...l, unitPriceCents: 0 })), totalCents: 0 }];
    };
    const res = await order.placeOrder();
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'confirmed', totalCents: 0 });
    expect(fakes.callsTo('PUT', /\/holds\//)).toHaveLength(0);
    expect(fakes.callsTo('POST', /\/capture$/)).toHaveLength(0);
    expect(fakes.catalog.stateOf(res.body.id)).toBe('confirmed');
  });

  test('when the caller passes a smaller X-Request-Budget-Ms, then Order works within it', async () => {
    const res = await order.call('POST', '/orders', ORDER, { 'idempotency-key': randomUUID(), 'x-request-budget-ms': '800' });
    expect(res.status).toBe(201);
    const budget = Number(fakes.callsTo('PUT', /\/reservations\//)[0].headers['x-request-budget-ms']);
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThanOrEqual(800);
  });

  test('when orders need attention, then they are listed by that status', async () => {
    fakes.account.capture = () => problem(409, 'hold_expired');
    const res = await order.placeOrder();
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'needs_attention', reason: 'credit_hold_lapsed', detail: expect.any(String) });
    const listed = await order.call('GET', '/orders?status=needs_attention&limit=100');
    expect(listed.body.items.map((o: { id: string }) => o.id)).toContain(res.body.id);
  });

  test('when the credit hold lapsed before the capture, then the order is confirmed while the credit allows, else it needs attention as credit_not_reauthorized', async () => {
    const happyCapture = fakes.account.capture;
    fakes.account.capture = (id, body) => {
      fakes.account.lapse(id); // the hold lapsed by time just before the capture
      return happyCapture(id, body);
    };
    const reauthorized = await order.placeOrder();
    expect(reauthorized.status).toBe(201);
    expect(fakes.account.stateOf(reauthorized.body.id)).toBe('confirmed'); // the fake's word for captured
    fakes.account.credit.reauthorizable = false; // the credit was used meanwhile
    const res = await order.placeOrder();
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'needs_attention', reason: 'credit_not_reauthorized' });
    expect([fakes.catalog.stateOf(res.body.id), fakes.account.stateOf(res.body.id)]).toEqual(['confirmed', 'expired']);
  });

  test('when an unknown order is read, then it is 404 unknown_order', async () => {
    const res = await order.call('GET', '/orders/3f1d7c1e-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('unknown_order');
  });
});
