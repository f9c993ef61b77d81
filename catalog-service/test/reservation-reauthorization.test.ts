// Re-authorization after the point of no return: a reservation that expired BY TIME is confirmed at
// its recorded prices while the stock allows, else refused out_of_stock (nothing changes); a released
// reservation and a tombstone are never confirmed. Expiry is set through the database (what the clock
// does to a reservation), the sweep run by hand: no sleeps.
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { confirm, getReservation, newReservationId, release } from './reservation-calls';
import { expectProblem } from './answer-assertions';

describe('Catalog: confirming a reservation that expired by time', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  async function item(stock: number, priceCents = 1000): Promise<string> {
    const sku = newSku('REAUTH');
    expect((await catalog.putItem(sku, { stock, priceCents })).status).toBe(201);
    return sku;
  }
  async function reserved(lines: Array<{ sku: string; quantity: number }>): Promise<string> {
    const id = newReservationId('reauth');
    expect((await catalog.reserve(id, lines)).status).toBe(201);
    return id;
  }
  const lapse = async (id: string) => {
    expect(await catalog.db.prisma.$executeRaw`UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = ${id}`).toBe(1);
  };
  const sweep = async () => expect(await catalog.app.reservations.expireDue()).toBeGreaterThanOrEqual(1);
  const reprice = (sku: string, priceCents: number) => catalog.call('PUT', `/items/${sku}`, { name: `Item ${sku}`, priceCents, currency: 'EUR' });

  test('when it lapsed and was not swept yet, then it is confirmed at its recorded prices and its stock stays taken once', async () => {
    const sku = await item(10, 1000);
    const id = await reserved([{ sku, quantity: 4 }]);
    await lapse(id);
    expect((await getReservation(catalog, id)).body.status).toBe('expired');
    expect((await reprice(sku, 1500)).status).toBe(200);
    const res = await confirm(catalog, id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'confirmed', totalCents: 4000, lines: [{ sku, quantity: 4, unitPriceCents: 1000 }] });
    await catalog.app.reservations.expireDue();
    expect(await catalog.stockOf(sku)).toBe(6);
  });

  test('when it lapsed and was swept (its stock given back), then it is confirmed at its recorded prices with the stock taken again', async () => {
    const a = await item(10, 1000);
    const b = await item(3, 250);
    const id = await reserved([{ sku: a, quantity: 4 }, { sku: b, quantity: 3 }]);
    await lapse(id);
    await sweep();
    expect([await catalog.stockOf(a), await catalog.stockOf(b)]).toEqual([10, 3]);
    expect((await reprice(a, 9999)).status).toBe(200);
    const res = await confirm(catalog, id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'confirmed', totalCents: 4750 });
    expect([await catalog.stockOf(a), await catalog.stockOf(b)]).toEqual([6, 0]);
    expect((await confirm(catalog, id)).status).toBe(200); // a replay takes nothing more
    expect([await catalog.stockOf(a), await catalog.stockOf(b)]).toEqual([6, 0]);
  });

  test('when it lapsed and the stock of one line was sold meanwhile, then it is 409 out_of_stock naming that line and nothing is taken', async () => {
    const a = await item(10);
    const b = await item(5);
    const id = await reserved([{ sku: a, quantity: 4 }, { sku: b, quantity: 3 }]);
    await lapse(id);
    await sweep();
    const other = await reserved([{ sku: b, quantity: 4 }]);
    const res = await confirm(catalog, id);
    expectProblem(res, 409, 'out_of_stock');
    expect(res.body.shortages).toEqual([{ sku: b, requested: 3, available: 1 }]);
    expect([await catalog.stockOf(a), await catalog.stockOf(b)]).toEqual([10, 1]);
    expect((await getReservation(catalog, id)).body.status).toBe('expired');
    // The stock back (the other released), the same confirmation goes through.
    expect((await release(catalog, other)).status).toBe(204);
    expect((await confirm(catalog, id)).body.status).toBe('confirmed');
    expect([await catalog.stockOf(a), await catalog.stockOf(b)]).toEqual([6, 2]);
  });

  test('when it was released (before or after it lapsed), then it is still 409 reservation_expired and nothing is taken', async () => {
    const sku = await item(10);
    const releasedHeld = await reserved([{ sku, quantity: 2 }]);
    expect((await release(catalog, releasedHeld)).status).toBe(204);
    const releasedLapsed = await reserved([{ sku, quantity: 3 }]);
    await lapse(releasedLapsed);
    await sweep();
    expect((await release(catalog, releasedLapsed)).status).toBe(204); // closes it: never re-authorized
    for (const id of [releasedHeld, releasedLapsed]) {
      const res = await confirm(catalog, id);
      expectProblem(res, 409, 'reservation_expired');
      expect(res.body.reservationStatus).toBe('released');
    }
    expect(await catalog.stockOf(sku)).toBe(10);
  });

  test('when the id is a tombstone (released before it was reserved), then confirming it is 409 reservation_expired and nothing is taken', async () => {
    const sku = await item(10);
    const id = newReservationId('tomb');
    expect((await release(catalog, id)).status).toBe(204);
    expectProblem(await confirm(catalog, id), 409, 'reservation_expired');
    expect(await catalog.stockOf(sku)).toBe(10);
  });
});
