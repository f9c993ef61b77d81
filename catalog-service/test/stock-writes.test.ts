// Safe stock writes: ETag/If-Match on PUT /items/{sku}, and stock moved by idempotent adjustments
// that never take units a reservation holds.
import { holdInTransaction, waitUntilBlockedBy, waitUntilWaiting } from '../../test-support/row-locks';
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { newReservationId } from './reservation-calls';
import { countStatuses, expectProblem } from './answer-assertions';

const ADMIN = 'admin-token-of-the-stock-tests';
const admin = { authorization: `Bearer ${ADMIN}` };

describe('Catalog stock writes', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog({ ADMIN_TOKEN: ADMIN });
  });
  afterAll(() => catalog.close());

  const put = (sku: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    catalog.call('PUT', `/items/${sku}`, { name: `Item ${sku}`, priceCents: 1000, currency: 'EUR', ...body }, { ...admin, ...headers });
  const adjust = (sku: string, body: Record<string, unknown>, headers: Record<string, string> = admin) =>
    catalog.call('POST', `/items/${sku}/stock-adjustments`, body, headers);
  async function item(stock: number): Promise<string> {
    const sku = newSku('STOCK');
    expect((await put(sku, { stock })).status).toBe(201); // creating with its stock needs no If-Match
    return sku;
  }

  describe('PUT /items/{sku} with ETag and If-Match', () => {
    test('when the item is read, then its ETag changes with its stock', async () => {
      const sku = await item(10);
      const before = await catalog.call('GET', `/items/${sku}`);
      expect(before.headers.get('etag')).toMatch(/^"[\w-]+"$/);
      expect((await catalog.reserve(newReservationId(), [{ sku, quantity: 1 }])).status).toBe(201);
      const after = await catalog.call('GET', `/items/${sku}`);
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    });

    test('when the stock is put with the If-Match of the current version, then it is written and a new ETag answered', async () => {
      const sku = await item(10);
      const etag = (await catalog.call('GET', `/items/${sku}`)).headers.get('etag')!;
      const res = await put(sku, { stock: 25 }, { 'if-match': etag });
      expect(res.status).toBe(200);
      expect(res.body.stock).toBe(25);
      expect(res.headers.get('etag')).toBe((await catalog.call('GET', `/items/${sku}`)).headers.get('etag'));
      expect(res.headers.get('etag')).not.toBe(etag);
    });

    test('when a reservation took stock after the read, then a put with that If-Match is 412 precondition_failed and changes nothing', async () => {
      const sku = await item(10);
      const etag = (await catalog.call('GET', `/items/${sku}`)).headers.get('etag')!;
      expect((await catalog.reserve(newReservationId(), [{ sku, quantity: 4 }])).status).toBe(201);
      const res = await put(sku, { stock: 10, priceCents: 5 }, { 'if-match': etag });
      expectProblem(res, 412, 'precondition_failed');
      expect((await catalog.call('GET', `/items/${sku}`)).body).toMatchObject({ stock: 6, priceCents: 1000 });
    });

    test('when the stock of an existing item is put without If-Match, then it is 428 precondition_required and changes nothing', async () => {
      const sku = await item(10);
      const res = await put(sku, { stock: 50, priceCents: 7 });
      expectProblem(res, 428, 'precondition_required');
      expect((await catalog.call('GET', `/items/${sku}`)).body).toMatchObject({ stock: 10, priceCents: 1000 });
    });

    test('when a put leaves stock out, then it needs no If-Match and the stock (moved by a reservation meanwhile) stays', async () => {
      const sku = await item(10);
      expect((await catalog.reserve(newReservationId(), [{ sku, quantity: 3 }])).status).toBe(201);
      const res = await put(sku, { priceCents: 1500 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ priceCents: 1500, stock: 7 });
    });

    test('when a put sends the stock unchanged, or If-Match: *, then it needs no version', async () => {
      const sku = await item(10);
      expect((await put(sku, { stock: 10, priceCents: 1 })).status).toBe(200);
      expect((await put(sku, { stock: 3 }, { 'if-match': '*' })).body.stock).toBe(3);
    });

    test('when If-Match names an item that does not exist, or only a weak tag, then it is 412 and nothing is created', async () => {
      const sku = newSku('STOCK');
      expectProblem(await put(sku, { stock: 1 }, { 'if-match': '"abc"' }), 412, 'precondition_failed');
      expect((await catalog.call('GET', `/items/${sku}`)).status).toBe(404);
      const existing = await item(5);
      const etag = (await catalog.call('GET', `/items/${existing}`)).headers.get('etag')!;
      expectProblem(await put(existing, { stock: 1 }, { 'if-match': `W/${etag}` }), 412, 'precondition_failed');
    });
  });

  describe('POST /items/{sku}/stock-adjustments', () => {
    test('when an adjustment is made and sent again, then the stock moves once and the replay answers 200 with the same adjustment', async () => {
      const sku = await item(10);
      const body = { adjustmentId: newReservationId('adj'), delta: 5, reason: 'Delivery' };
      const first = await adjust(sku, body);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ ...body, sku, stockAfter: 15, createdAt: expect.any(String) });
      const again = await adjust(sku, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await catalog.stockOf(sku)).toBe(15);
    });

    test('when the same adjustment id comes with another body, then it is 409 adjustment_mismatch and nothing moves', async () => {
      const sku = await item(10);
      const adjustmentId = newReservationId('adj');
      expect((await adjust(sku, { adjustmentId, delta: -2, reason: 'Broken' })).status).toBe(201);
      expectProblem(await adjust(sku, { adjustmentId, delta: -3, reason: 'Broken' }), 409, 'adjustment_mismatch');
      expect(await catalog.stockOf(sku)).toBe(8);
    });

    test('when an adjustment would take more than is available, then it is 409 negative_stock and nothing moves', async () => {
      const sku = await item(10);
      expect((await catalog.reserve(newReservationId(), [{ sku, quantity: 7 }])).status).toBe(201);
      const adjustmentId = newReservationId('adj');
      const res = await adjust(sku, { adjustmentId, delta: -4, reason: 'Count' });
      expectProblem(res, 409, 'negative_stock');
      expect(res.body).toMatchObject({ sku, delta: -4, available: 3 });
      expect(await catalog.stockOf(sku)).toBe(3);
      // Not recorded: the same id may be used once the stock is there.
      expect((await adjust(sku, { adjustmentId, delta: -3, reason: 'Count' })).status).toBe(201);
    });

    test('when the item is unknown, the delta is 0 or the token is missing, then it is refused', async () => {
      const sku = await item(1);
      expectProblem(await adjust(newSku('NONE'), { adjustmentId: newReservationId('adj'), delta: 1, reason: 'x' }), 404, 'unknown_item');
      expectProblem(await adjust(sku, { adjustmentId: newReservationId('adj'), delta: 0, reason: 'x' }), 400, 'validation_failed');
      expectProblem(await adjust(sku, { adjustmentId: newReservationId('adj'), delta: 1, reason: 'x' }, {}), 401, 'unauthorized');
      expect(await catalog.stockOf(sku)).toBe(1);
    });

    test('when an adjustment waits on a reservation in progress that takes the stock, then it sees what is left and is refused, never below zero', async () => {
      const sku = await item(10);
      // A reservation in progress, as far as the row is concerned: 8 units taken under the row lock, not yet committed.
      const holder = await holdInTransaction(catalog.databaseUrl, 'UPDATE items SET stock = stock - 8 WHERE sku = $1', [sku]);
      const pending = adjust(sku, { adjustmentId: newReservationId('adj'), delta: -5, reason: 'Count' });
      await waitUntilBlockedBy(catalog.databaseUrl, holder.pid);
      await holder.free('COMMIT');
      const res = await pending;
      expectProblem(res, 409, 'negative_stock');
      expect(res.body.available).toBe(2);
      expect(await catalog.stockOf(sku)).toBe(2);
    });

    test('when two identical adjustments queue on a locked item row, then the first applies and the second replays it (not 409 negative_stock)', async () => {
      const sku = await item(5);
      const holder = await holdInTransaction(catalog.databaseUrl, 'SELECT sku FROM items WHERE sku = $1 FOR UPDATE', [sku]);
      const body = { adjustmentId: newReservationId('adj'), delta: -5, reason: 'Written off' };
      const first = adjust(sku, body);
      await waitUntilBlockedBy(catalog.databaseUrl, holder.pid);
      const second = adjust(sku, body);
      await waitUntilWaiting(catalog.databaseUrl, 2); // both queued: behind the row lock, or behind the other's claim
      await holder.free('ROLLBACK');
      const answers = await Promise.all([first, second]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
      expect(answers[0].body).toEqual(answers[1].body);
      expect(answers[0].body).toMatchObject({ adjustmentId: body.adjustmentId, stockAfter: 0 });
      expect(await catalog.stockOf(sku)).toBe(0);
    });

    test('when adjustments and reservations race for the same stock, then every unit is counted once and the stock never goes below zero', async () => {
      const sku = await item(10);
      const calls = Array.from({ length: 20 }, (_v, i) => (i % 2 === 0
        ? catalog.reserve(newReservationId('race'), [{ sku, quantity: 1 }])
        : adjust(sku, { adjustmentId: newReservationId('adj'), delta: -1, reason: 'Shrinkage' })));
      const answers = await Promise.all(calls);
      const statuses = countStatuses(answers);
      expect(statuses[201]).toBe(10);
      expect(statuses[409]).toBe(10);
      for (const a of answers.filter((x) => x.status === 409)) expect(['out_of_stock', 'negative_stock']).toContain(a.body.code);
      expect(await catalog.stockOf(sku)).toBe(0);
    });

    test('when the same adjustment is sent five times at once, then the stock moves once', async () => {
      const sku = await item(10);
      const body = { adjustmentId: newReservationId('adj'), delta: 3, reason: 'Delivery' };
      const answers = await Promise.all(Array.from({ length: 5 }, () => adjust(sku, body)));
      expect(countStatuses(answers)).toEqual({ 201: 1, 200: 4 });
      expect(await catalog.stockOf(sku)).toBe(13);
    });
  });
});
