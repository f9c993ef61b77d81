// The Catalog's reservation rules, over real HTTP on a real PostgreSQL (one request at a time;
// races are in reservation-concurrency.test.ts, expiry in reservation-expiry.test.ts).
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { confirm, getReservation, newReservationId, release } from './reservation-calls';
import { expectProblem } from './answer-assertions';

describe('Catalog reservations', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  /** Puts fresh items and answers their skus. */
  async function items(...specs: Array<{ priceCents?: number; currency?: string; stock?: number }>): Promise<string[]> {
    const skus: string[] = [];
    for (const spec of specs) {
      const sku = newSku();
      expect((await catalog.putItem(sku, spec)).status).toBe(201);
      skus.push(sku);
    }
    return skus;
  }

  describe('PUT /reservations/{id}', () => {
    test('when every line has stock, then it is 201 held with unit prices and total, and the stock is taken', async () => {
      const [a, b] = await items({ priceCents: 250, stock: 10 }, { priceCents: 1999, stock: 4 });
      const id = newReservationId();
      const res = await catalog.reserve(id, [{ sku: a, quantity: 3 }, { sku: b, quantity: 2 }]);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id,
        status: 'held',
        lines: expect.arrayContaining([
          { sku: a, quantity: 3, unitPriceCents: 250 },
          { sku: b, quantity: 2, unitPriceCents: 1999 },
        ]),
        totalCents: 3 * 250 + 2 * 1999,
        currency: 'EUR',
        expiresAt: expect.any(String),
      });
      expect(res.body.lines).toHaveLength(2);
      expect(await catalog.stockOf(a)).toBe(7);
      expect(await catalog.stockOf(b)).toBe(2);
      const read = await getReservation(catalog, id);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });

    test('when a line asks for exactly the stock there is, then it is held and the stock is 0', async () => {
      const [a] = await items({ stock: 5 });
      const res = await catalog.reserve(newReservationId(), [{ sku: a, quantity: 5 }]);
      expect(res.status).toBe(201);
      expect(await catalog.stockOf(a)).toBe(0);
    });

    test('when one line lacks stock, then it is 409 out_of_stock naming that sku and what is available, and no line is held', async () => {
      const [a, b] = await items({ stock: 10 }, { stock: 2 });
      const id = newReservationId();
      const res = await catalog.reserve(id, [{ sku: a, quantity: 1 }, { sku: b, quantity: 3 }]);
      expectProblem(res, 409, 'out_of_stock');
      expect(res.body.shortages).toEqual([{ sku: b, requested: 3, available: 2 }]);
      expect(await catalog.stockOf(a)).toBe(10);
      expect(await catalog.stockOf(b)).toBe(2);
      expect((await getReservation(catalog, id)).status).toBe(404);
    });

    test('when several lines lack stock, then every short sku is named', async () => {
      const [a, b, c] = await items({ stock: 1 }, { stock: 5 }, { stock: 0 });
      const res = await catalog.reserve(newReservationId(), [{ sku: a, quantity: 2 }, { sku: b, quantity: 5 }, { sku: c, quantity: 1 }]);
      expectProblem(res, 409, 'out_of_stock');
      expect(res.body.shortages).toHaveLength(2);
      expect(res.body.shortages).toEqual(expect.arrayContaining([
        { sku: a, requested: 2, available: 1 },
        { sku: c, requested: 1, available: 0 },
      ]));
      expect([await catalog.stockOf(a), await catalog.stockOf(b), await catalog.stockOf(c)]).toEqual([1, 5, 0]);
    });

    test('when a reservation was refused for stock, then its id is still free for a reservation that fits', async () => {
      const [a] = await items({ stock: 3 });
      const id = newReservationId();
      expect((await catalog.reserve(id, [{ sku: a, quantity: 4 }])).status).toBe(409);
      const retry = await catalog.reserve(id, [{ sku: a, quantity: 3 }]);
      expect(retry.status).toBe(201);
      expect(await catalog.stockOf(a)).toBe(0);
    });

    test('when a line names an unknown sku, then it is 422 unknown_item naming it, and no line is held', async () => {
      const [a] = await items({ stock: 6 });
      const unknown = newSku('NOPE');
      const id = newReservationId();
      const res = await catalog.reserve(id, [{ sku: a, quantity: 1 }, { sku: unknown, quantity: 1 }]);
      expectProblem(res, 422, 'unknown_item');
      expect(res.body.skus).toEqual([unknown]);
      expect(await catalog.stockOf(a)).toBe(6);
      expect((await getReservation(catalog, id)).status).toBe(404);
    });

    test('when the lines are priced in different currencies, then it is 422 mixed_currencies, and no line is held', async () => {
      const [eur, usd] = await items({ currency: 'EUR', stock: 5 }, { currency: 'USD', stock: 5 });
      const id = newReservationId();
      const res = await catalog.reserve(id, [{ sku: eur, quantity: 1 }, { sku: usd, quantity: 1 }]);
      expectProblem(res, 422, 'mixed_currencies');
      expect(await catalog.stockOf(eur)).toBe(5);
      expect(await catalog.stockOf(usd)).toBe(5);
      expect((await getReservation(catalog, id)).status).toBe(404);
    });

    test('when every line is in another currency than EUR, then the reservation carries that currency', async () => {
      const [a, b] = await items({ currency: 'USD', priceCents: 300 }, { currency: 'USD', priceCents: 5 });
      const res = await catalog.reserve(newReservationId(), [{ sku: a, quantity: 2 }, { sku: b, quantity: 7 }]);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ currency: 'USD', totalCents: 2 * 300 + 7 * 5 });
    });

    test('when the same sku is named on several lines, then they are merged into one line and held once', async () => {
      const [a, b] = await items({ priceCents: 100, stock: 10 }, { priceCents: 7, stock: 10 });
      const res = await catalog.reserve(newReservationId(), [
        { sku: a, quantity: 2 }, { sku: b, quantity: 1 }, { sku: a, quantity: 3 },
      ]);
      expect(res.status).toBe(201);
      expect(res.body.lines).toHaveLength(2);
      expect(res.body.lines).toEqual(expect.arrayContaining([
        { sku: a, quantity: 5, unitPriceCents: 100 },
        { sku: b, quantity: 1, unitPriceCents: 7 },
      ]));
      expect(res.body.totalCents).toBe(5 * 100 + 7);
      expect(await catalog.stockOf(a)).toBe(5);
      expect(await catalog.stockOf(b)).toBe(9);
    });

    test('when merged duplicate lines together exceed the stock, then it is 409 out_of_stock with the merged quantity', async () => {
      const [a] = await items({ stock: 10 });
      const res = await catalog.reserve(newReservationId(), [{ sku: a, quantity: 6 }, { sku: a, quantity: 6 }]);
      expect(res.status).toBe(409);
      expect(res.body.shortages).toEqual([{ sku: a, requested: 12, available: 10 }]);
      expect(await catalog.stockOf(a)).toBe(10);
    });

    test('when the same id is sent again with the same body, then it is 200 with the same reservation and the stock is held once', async () => {
      const [a, b] = await items({ stock: 10 }, { stock: 10 });
      const id = newReservationId();
      const body = { lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }], ttlSeconds: 120 };
      const first = await catalog.call('PUT', `/reservations/${id}`, body);
      expect(first.status).toBe(201);
      const again = await catalog.call('PUT', `/reservations/${id}`, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const third = await catalog.call('PUT', `/reservations/${id}`, body);
      expect(third.status).toBe(200);
      expect(await catalog.stockOf(a)).toBe(8);
      expect(await catalog.stockOf(b)).toBe(9);
    });

    test.each([
      ['another quantity', (a: string, b: string) => ({ lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 1 }], ttlSeconds: 120 })],
      ['a line fewer', (a: string) => ({ lines: [{ sku: a, quantity: 2 }], ttlSeconds: 120 })],
      ['another sku', (a: string, _b: string, c: string) => ({ lines: [{ sku: a, quantity: 2 }, { sku: c, quantity: 1 }], ttlSeconds: 120 })],
      ['another ttl', (a: string, b: string) => ({ lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }], ttlSeconds: 60 })],
    ])('when the same id is sent again with %s, then it is 409 reservation_mismatch and nothing changes', async (_label, other) => {
      const [a, b, c] = await items({ stock: 10 }, { stock: 10 }, { stock: 10 });
      const id = newReservationId();
      const first = await catalog.call('PUT', `/reservations/${id}`, { lines: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }], ttlSeconds: 120 });
      expect(first.status).toBe(201);
      const res = await catalog.call('PUT', `/reservations/${id}`, other(a, b, c));
      expectProblem(res, 409, 'reservation_mismatch');
      expect([await catalog.stockOf(a), await catalog.stockOf(b), await catalog.stockOf(c)]).toEqual([8, 9, 10]);
      expect((await getReservation(catalog, id)).body).toEqual(first.body);
    });

    test('when an item\'s price changes after the reservation, then the reservation keeps the price it was made at', async () => {
      const [a] = await items({ priceCents: 400, stock: 10 });
      const id = newReservationId();
      expect((await catalog.reserve(id, [{ sku: a, quantity: 2 }])).status).toBe(201);
      expect((await catalog.putItem(a, { priceCents: 999, stock: 8 })).status).toBe(200);
      const read = await getReservation(catalog, id);
      expect(read.body).toMatchObject({ lines: [{ sku: a, quantity: 2, unitPriceCents: 400 }], totalCents: 800 });
    });

    test('when the total would exceed the largest amount, then it is 422 total_too_large and nothing is held', async () => {
      const [a] = await items({ priceCents: 2_000_000_000, stock: 5 });
      const res = await catalog.reserve(newReservationId(), [{ sku: a, quantity: 2 }]);
      expectProblem(res, 422, 'total_too_large');
      expect(await catalog.stockOf(a)).toBe(5);
    });
  });

  describe('GET /reservations/{id}', () => {
    test('when an unknown id is read, then it is 404 unknown_reservation as problem+json', async () => {
      const res = await getReservation(catalog, newReservationId());
      expectProblem(res, 404, 'unknown_reservation');
    });
  });

  describe('POST /reservations/{id}/confirm', () => {
    test('when a held reservation is confirmed, then it is 200 confirmed and the stock stays taken', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      const made = await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      const res = await confirm(catalog, id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...made.body, status: 'confirmed' });
      expect((await getReservation(catalog, id)).body.status).toBe('confirmed');
      expect(await catalog.stockOf(a)).toBe(6);
    });

    test('when a confirmed reservation is confirmed again, then it is 200 again and nothing changes', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      const first = await confirm(catalog, id);
      const again = await confirm(catalog, id);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await catalog.stockOf(a)).toBe(6);
    });

    test('when a released reservation is confirmed, then it is 409 reservation_expired and it stays released', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      expect((await release(catalog, id)).status).toBe(204);
      const res = await confirm(catalog, id);
      expectProblem(res, 409, 'reservation_expired');
      expect((await getReservation(catalog, id)).body.status).toBe('released');
      expect(await catalog.stockOf(a)).toBe(10);
    });

    test('when an unknown id is confirmed, then it is 404 unknown_reservation', async () => {
      const res = await confirm(catalog, newReservationId());
      expectProblem(res, 404, 'unknown_reservation');
    });

    test('when a reservation is replayed after its confirmation, then it is 200 and still confirmed with the stock taken once', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      await confirm(catalog, id);
      const replay = await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      expect(replay.status).toBe(200);
      expect(replay.body.status).toBe('confirmed');
      expect(await catalog.stockOf(a)).toBe(6);
    });
  });

  describe('POST /reservations/{id}/release', () => {
    test('when a held reservation is released, then it is 204, the stock comes back and it reads released', async () => {
      const [a, b] = await items({ stock: 10 }, { stock: 3 });
      const id = newReservationId();
      await catalog.reserve(id, [{ sku: a, quantity: 4 }, { sku: b, quantity: 3 }]);
      expect([await catalog.stockOf(a), await catalog.stockOf(b)]).toEqual([6, 0]);
      const res = await release(catalog, id);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
      expect([await catalog.stockOf(a), await catalog.stockOf(b)]).toEqual([10, 3]);
      expect((await getReservation(catalog, id)).body.status).toBe('released');
    });

    test('when a released reservation is released again, then it is 204 and the stock comes back only once', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      expect((await release(catalog, id)).status).toBe(204);
      expect((await release(catalog, id)).status).toBe(204);
      expect((await release(catalog, id)).status).toBe(204);
      expect(await catalog.stockOf(a)).toBe(10);
    });

    test('when a released reservation is sent again with its body, then it holds nothing again', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      await release(catalog, id);
      const replay = await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      expect(replay.status).toBe(200);
      expect(replay.body.status).toBe('released');
      expect(await catalog.stockOf(a)).toBe(10);
    });

    test('when an unknown id is released, then it is 204, and a later reservation with that id is 409 reservation_released and holds nothing', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      const res = await release(catalog, id);
      expect(res.status).toBe(204);
      const late = await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      expectProblem(late, 409, 'reservation_released');
      expect(await catalog.stockOf(a)).toBe(10);
      expect((await release(catalog, id)).status).toBe(204);
      expect((await catalog.reserve(id, [{ sku: a, quantity: 4 }])).body.code).toBe('reservation_released');
      expect(await catalog.stockOf(a)).toBe(10);
    });

    test('when an id released before it was reserved is confirmed, then it is 409 reservation_expired', async () => {
      const id = newReservationId();
      await release(catalog, id);
      const res = await confirm(catalog, id);
      expectProblem(res, 409, 'reservation_expired');
    });

    test('when a confirmed reservation is released, then it is 409 reservation_confirmed and the stock stays taken', async () => {
      const [a] = await items({ stock: 10 });
      const id = newReservationId();
      await catalog.reserve(id, [{ sku: a, quantity: 4 }]);
      await confirm(catalog, id);
      const res = await release(catalog, id);
      expectProblem(res, 409, 'reservation_confirmed');
      expect(await catalog.stockOf(a)).toBe(6);
      expect((await getReservation(catalog, id)).body.status).toBe('confirmed');
    });
  });
});

describe('Catalog reservation time to live', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog({ RESERVATION_TTL_SECONDS: '120', RESERVATION_MAX_TTL_SECONDS: '600' });
  });
  afterAll(() => catalog.close());

  const secondsFromNow = (iso: string) => (Date.parse(iso) - Date.now()) / 1000;

  test('when no ttlSeconds is given, then it expires after RESERVATION_TTL_SECONDS', async () => {
    const sku = newSku();
    await catalog.putItem(sku);
    const res = await catalog.reserve(newReservationId(), [{ sku, quantity: 1 }]);
    expect(res.status).toBe(201);
    expect(secondsFromNow(res.body.expiresAt)).toBeGreaterThan(115);
    expect(secondsFromNow(res.body.expiresAt)).toBeLessThanOrEqual(121);
  });

  test('when ttlSeconds is given, then it expires after that many seconds', async () => {
    const sku = newSku();
    await catalog.putItem(sku);
    const res = await catalog.reserve(newReservationId(), [{ sku, quantity: 1 }], { ttlSeconds: 30 });
    expect(res.status).toBe(201);
    expect(secondsFromNow(res.body.expiresAt)).toBeGreaterThan(25);
    expect(secondsFromNow(res.body.expiresAt)).toBeLessThanOrEqual(31);
  });

  test('when ttlSeconds is exactly RESERVATION_MAX_TTL_SECONDS, then it is held that long', async () => {
    const sku = newSku();
    await catalog.putItem(sku);
    const res = await catalog.reserve(newReservationId(), [{ sku, quantity: 1 }], { ttlSeconds: 600 });
    expect(res.status).toBe(201);
    expect(secondsFromNow(res.body.expiresAt)).toBeGreaterThan(595);
  });

  test('when ttlSeconds is above RESERVATION_MAX_TTL_SECONDS, then it is 400 naming body.ttlSeconds and nothing is held', async () => {
    const sku = newSku();
    await catalog.putItem(sku, { stock: 10 });
    const id = newReservationId();
    const res = await catalog.reserve(id, [{ sku, quantity: 1 }], { ttlSeconds: 601 });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('body.ttlSeconds');
    expect(await catalog.stockOf(sku)).toBe(10);
    expect((await getReservation(catalog, id)).status).toBe(404);
  });
});
