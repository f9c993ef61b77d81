// The three real services over real HTTP, each on its own real database, with credentials set.
import { randomUUID } from 'node:crypto';
import { type AccountUnderTest, startAccount } from '../../account-service/test/account-harness';
import { type CatalogUnderTest, startCatalog } from '../../catalog-service/test/catalog-harness';
import { type OrderUnderTest, startOrder } from './order-harness';

const TOKENS = { ADMIN_TOKEN: 'e2e-admin-token-0000001', SERVICE_TOKEN: 'e2e-service-token-00001' };
const admin = { authorization: `Bearer ${TOKENS.ADMIN_TOKEN}` };

describe('Placing orders end to end', () => {
  let catalog: CatalogUnderTest;
  let account: AccountUnderTest;
  let order: OrderUnderTest;
  beforeAll(async () => {
    [catalog, account] = await Promise.all([startCatalog(TOKENS), startAccount(TOKENS)]);
    order = await startOrder({ ...TOKENS, CATALOG_URL: catalog.baseUrl, ACCOUNT_URL: account.baseUrl });
    expect((await catalog.call('PUT', '/items/E2E-TEA', { name: 'Tea', priceCents: 1500, currency: 'EUR', stock: 10 }, admin)).status).toBe(201);
    expect((await account.call('PUT', '/accounts/e2e-dora', { name: 'Dora', currency: 'EUR', creditLimitCents: 10_000 }, admin)).status).toBe(201);
  });
  afterAll(async () => {
    await order.close();
    await Promise.all([catalog.close(), account.close()]);
  });

  const place = (quantity: number) =>
    order.call('POST', '/orders', { accountId: 'e2e-dora', lines: [{ sku: 'E2E-TEA', quantity }] }, { 'idempotency-key': randomUUID() });
  const stock = async () => (await catalog.call('GET', '/items/E2E-TEA')).body.stock;
  const credit = async () => (await account.call('GET', '/accounts/e2e-dora')).body;

  test('when orders are placed, refused for credit and for stock, then stock and credit match the confirmed orders', async () => {
    const ok = await place(3);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'confirmed', totalCents: 4500, currency: 'EUR', lines: [{ sku: 'E2E-TEA', quantity: 3, unitPriceCents: 1500, lineTotalCents: 4500 }] });
    expect(await stock()).toBe(7);
    expect(await credit()).toMatchObject({ usedCents: 4500, heldCents: 0, availableCreditCents: 5500 });

    const noCredit = await place(4); // 6000 > 5500
    expect(noCredit.status).toBe(409);
    expect(noCredit.body.code).toBe('insufficient_credit');
    expect(await stock()).toBe(7); // the reservation was released
    expect(await credit()).toMatchObject({ usedCents: 4500, heldCents: 0 });

    const noStock = await place(8);
    expect(noStock.status).toBe(409);
    expect(noStock.body.code).toBe('out_of_stock');
    expect(await credit()).toMatchObject({ usedCents: 4500, heldCents: 0 });

    const confirmed = (await order.call('GET', '/orders?accountId=e2e-dora&status=confirmed')).body.items;
    const units = confirmed.reduce((n: number, o: { lines: Array<{ quantity: number }> }) => n + o.lines[0].quantity, 0);
    const charged = confirmed.reduce((n: number, o: { totalCents: number }) => n + o.totalCents, 0);
    expect(10).toBe((await stock()) + units);
    expect((await credit()).usedCents).toBe(charged);
    expect((await order.call('GET', '/orders?accountId=e2e-dora&status=rejected')).body.items).toHaveLength(2);
  });

  test('when an item is free, then its order is confirmed without touching the credit', async () => {
    expect((await catalog.call('PUT', '/items/E2E-SAMPLE', { name: 'Sample', priceCents: 0, currency: 'EUR', stock: 5 }, admin)).status).toBe(201);
    const before = await credit();
    const res = await order.call('POST', '/orders', { accountId: 'e2e-dora', lines: [{ sku: 'E2E-SAMPLE', quantity: 2 }] }, { 'idempotency-key': randomUUID() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'confirmed', totalCents: 0 });
    expect((await catalog.call('GET', '/items/E2E-SAMPLE')).body.stock).toBe(3);
    expect((await catalog.call('GET', `/reservations/${res.body.id}`, undefined, { authorization: `Bearer ${TOKENS.SERVICE_TOKEN}` })).body.status).toBe('confirmed');
    expect(await credit()).toEqual(before);
  });

  test('when an order names a sku twice, then the lines are merged as order.yaml says: priced once per sku, in sku order; a retry must send the lines as first sent', async () => {
    expect((await catalog.call('PUT', '/items/E2E-MERGE-B', { name: 'B', priceCents: 10, currency: 'EUR', stock: 100 }, admin)).status).toBe(201);
    expect((await catalog.call('PUT', '/items/E2E-MERGE-A', { name: 'A', priceCents: 20, currency: 'EUR', stock: 100 }, admin)).status).toBe(201);
    const key = randomUUID();
    const lines = [{ sku: 'E2E-MERGE-B', quantity: 1 }, { sku: 'E2E-MERGE-A', quantity: 1 }, { sku: 'E2E-MERGE-B', quantity: 2 }];
    const res = await order.call('POST', '/orders', { accountId: 'e2e-dora', lines }, { 'idempotency-key': key });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ totalCents: 50, lines: [
      { sku: 'E2E-MERGE-A', quantity: 1, unitPriceCents: 20, lineTotalCents: 20 },
      { sku: 'E2E-MERGE-B', quantity: 3, unitPriceCents: 10, lineTotalCents: 30 },
    ] });
    expect(res.body.lines).toHaveLength(2);
    expect((await catalog.call('GET', '/items/E2E-MERGE-B')).body.stock).toBe(97);
    const merged = [{ sku: 'E2E-MERGE-A', quantity: 1 }, { sku: 'E2E-MERGE-B', quantity: 3 }];
    expect((await order.call('POST', '/orders', { accountId: 'e2e-dora', lines: merged }, { 'idempotency-key': key })).body.code).toBe('idempotency_key_reused');
    expect((await order.call('POST', '/orders', { accountId: 'e2e-dora', lines }, { 'idempotency-key': key })).body.id).toBe(res.body.id);
  });

  test('when an order that names a sku twice is refused, then it keeps its lines as sent and the shortage is of the sum', async () => {
    const lines = [{ sku: 'E2E-MERGE-B', quantity: 60 }, { sku: 'E2E-MERGE-B', quantity: 60 }];
    const res = await order.call('POST', '/orders', { accountId: 'e2e-dora', lines }, { 'idempotency-key': randomUUID() });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'out_of_stock', shortages: [{ sku: 'E2E-MERGE-B', requested: 120 }] });
    expect((await order.call('GET', `/orders/${res.body.orderId}`)).body).toMatchObject({ status: 'rejected', lines });
  });

  test('when Order calls with a wrong service token, then the order fails with 503 and nothing is held', async () => {
    const wrong = await startOrder({ SERVICE_TOKEN: 'not-the-right-token-000', CATALOG_URL: catalog.baseUrl, ACCOUNT_URL: account.baseUrl });
    try {
      const before = await stock();
      const res = await wrong.call('POST', '/orders', { accountId: 'e2e-dora', lines: [{ sku: 'E2E-TEA', quantity: 1 }] }, { 'idempotency-key': randomUUID() });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'dependency_unavailable', dependency: 'catalog' });
      expect(await stock()).toBe(before);
    } finally {
      await wrong.close();
    }
  });
});
