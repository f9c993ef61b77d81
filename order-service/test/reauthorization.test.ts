// Past the point of no return, a commitment that lapsed by time is re-authorized by its owner: the
// three real services over real HTTP, each on its own database. A hook holds the saga before it
// confirms (the stock, then the credit) while the test makes the reservation or the hold lapse (as
// the clock would: past its expiry, then swept) and, in some tests, sells the stock or uses the
// credit meanwhile. Only what cannot be re-authorized ends needs_attention, with its own reason.
import { randomUUID } from 'node:crypto';
import { type AccountUnderTest, startAccount } from '../../account-service/test/account-harness';
import { type CatalogUnderTest, startCatalog } from '../../catalog-service/test/catalog-harness';
import { type OrderUnderTest, startOrder } from './order-harness';

const TOKENS = { ADMIN_TOKEN: 'reauth-admin-token-00001', SERVICE_TOKEN: 'reauth-service-token-001' };
const admin = { authorization: `Bearer ${TOKENS.ADMIN_TOKEN}` };
const service = { authorization: `Bearer ${TOKENS.SERVICE_TOKEN}` };

describe('Re-authorization of a lapsed commitment after the point of no return', () => {
  let catalog: CatalogUnderTest;
  let account: AccountUnderTest;
  let order: OrderUnderTest;
  /** What the test does to the order's commitments while the saga waits before confirming. */
  let beforeConfirm: (orderId: string) => Promise<void> = async () => undefined;
  let reachedConfirm = 0;
  beforeAll(async () => {
    [catalog, account] = await Promise.all([startCatalog(TOKENS), startAccount(TOKENS)]);
    order = await startOrder({ ...TOKENS, CATALOG_URL: catalog.baseUrl, ACCOUNT_URL: account.baseUrl }, {
      hooks: { at: async (point, orderId) => {
        if (point !== 'confirm') return;
        reachedConfirm++;
        await beforeConfirm(orderId);
      } },
    });
  });
  afterAll(async () => {
    await order.close();
    await Promise.all([catalog.close(), account.close()]);
  });
  beforeEach(() => {
    reachedConfirm = 0;
  });

  let n = 0;
  /** A fresh item (10 in stock, 1000 each) and a fresh account (limit 10 000), for one test. */
  async function fresh() {
    const sku = `REAUTH-${process.pid}-${n}`;
    const accountId = `reauth-${process.pid}-${n++}`;
    expect((await catalog.call('PUT', `/items/${sku}`, { name: 'Tea', priceCents: 1000, currency: 'EUR', stock: 10 }, admin)).status).toBe(201);
    expect((await account.call('PUT', `/accounts/${accountId}`, { name: 'Eve', currency: 'EUR', creditLimitCents: 10_000 }, admin)).status).toBe(201);
    const place = (quantity: number) => order.call('POST', '/orders', { accountId, lines: [{ sku, quantity }] }, { 'idempotency-key': randomUUID() });
    const stock = async () => (await catalog.call('GET', `/items/${sku}`)).body.stock;
    const credit = async () => (await account.call('GET', `/accounts/${accountId}`)).body;
    return { sku, accountId, place, stock, credit };
  }
  /** What the clock does: past its expiry, then the sweep gives the stock or credit back. */
  async function lapseHold(id: string) {
    expect(await account.db.prisma.$executeRaw`UPDATE holds SET expires_at = now() - interval '1 second' WHERE id = ${id}`).toBe(1);
    expect(await account.app.holds.expireDue()).toBeGreaterThanOrEqual(1);
  }
  async function lapseReservation(id: string) {
    expect(await catalog.db.prisma.$executeRaw`UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = ${id}`).toBe(1);
    expect(await catalog.app.reservations.expireDue()).toBeGreaterThanOrEqual(1);
  }
  const holdStatus = async (id: string) => (await account.call('GET', `/holds/${id}`, undefined, service)).body.status;
  const reservationStatus = async (id: string) => (await catalog.call('GET', `/reservations/${id}`, undefined, service)).body.status;

  test('when the credit hold lapsed and the credit is still there, then the capture re-authorizes it and the order is confirmed', async () => {
    const t = await fresh();
    beforeConfirm = async (id) => {
      await lapseHold(id);
      expect((await t.credit()).heldCents).toBe(0);
    };
    const res = await t.place(3);
    expect(reachedConfirm).toBe(1);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'confirmed', totalCents: 3000 });
    expect(await t.credit()).toMatchObject({ heldCents: 0, usedCents: 3000 });
    expect(await t.stock()).toBe(7);
    expect(await holdStatus(res.body.id)).toBe('captured');
  });

  test('when the credit hold lapsed and the credit was used meanwhile, then the order needs attention with reason credit_not_reauthorized and nothing is charged', async () => {
    const t = await fresh();
    beforeConfirm = async (id) => {
      await lapseHold(id);
      // Another hold takes all but 1000 of the credit the lapsed hold gave back.
      expect((await account.call('PUT', `/holds/other-${id}`, { accountId: t.accountId, amountCents: 9000, currency: 'EUR' }, service)).status).toBe(201);
    };
    const res = await t.place(3);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'needs_attention', reason: 'credit_not_reauthorized', detail: expect.stringMatching(/credit was used meanwhile/) });
    expect(await t.credit()).toMatchObject({ heldCents: 9000, usedCents: 0 });
    expect(await t.stock()).toBe(7); // the stock is confirmed: a person settles it
    expect(await reservationStatus(res.body.id)).toBe('confirmed');
    expect(await holdStatus(res.body.id)).toBe('expired');
  });

  test('when the reservation lapsed and the stock is still there, then the confirmation re-authorizes it and the order is confirmed', async () => {
    const t = await fresh();
    beforeConfirm = async (id) => {
      await lapseReservation(id);
      expect(await t.stock()).toBe(10);
    };
    const res = await t.place(4);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'confirmed', totalCents: 4000 });
    expect(await t.stock()).toBe(6);
    expect(await t.credit()).toMatchObject({ heldCents: 0, usedCents: 4000 });
  });

  test('when the reservation lapsed and its stock was sold meanwhile, then the order fails, the hold is released and nothing is charged', async () => {
    const t = await fresh();
    beforeConfirm = async (id) => {
      await lapseReservation(id);
      expect((await catalog.call('PUT', `/reservations/other-${id}`, { lines: [{ sku: t.sku, quantity: 8 }] }, service)).status).toBe(201);
    };
    const res = await t.place(4);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'commitment_expired', orderId: expect.any(String) });
    expect(await t.stock()).toBe(2);
    expect(await t.credit()).toMatchObject({ heldCents: 0, usedCents: 0 });
    expect(await holdStatus(res.body.orderId)).toBe('released');
  });
});
