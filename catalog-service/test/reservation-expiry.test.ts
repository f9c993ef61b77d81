// Expiry: a held reservation past expiresAt reads as expired, gets its stock back from the sweep
// (app.reservations.expireDue(), run by hand here) exactly once; confirming it re-authorizes it while
// the stock allows (reservation-reauthorization.test.ts), a released one never.
import { sleep } from '../../test-support/polling';
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { confirm, getReservation, newReservationId, release } from './reservation-calls';
import { expectProblem } from './answer-assertions';

const PAST_ONE_SECOND_MS = 1_200;

describe('Catalog reservation expiry', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  /** A fresh item with `stock` and a reservation of `quantity` of it. */
  async function held(stock: number, quantity: number, ttlSeconds: number) {
    const sku = newSku();
    await catalog.putItem(sku, { stock });
    const id = newReservationId();
    const res = await catalog.reserve(id, [{ sku, quantity }], { ttlSeconds });
    expect(res.status).toBe(201);
    return { sku, id, reservation: res.body };
  }

  test('when a held reservation passes expiresAt, then it reads expired, and the sweep returns its stock exactly once', async () => {
    const r = await held(10, 4, 1);
    expect(Date.parse(r.reservation.expiresAt) - Date.now()).toBeLessThanOrEqual(1_000);
    expect((await getReservation(catalog, r.id)).body.status).toBe('held');
    await sleep(PAST_ONE_SECOND_MS);
    // Before any sweep it already reads expired.
    expect(await getReservation(catalog, r.id)).toMatchObject({ status: 200, body: { ...r.reservation, status: 'expired' } });
    expect(await catalog.app.reservations.expireDue()).toBeGreaterThanOrEqual(1);
    expect(await catalog.stockOf(r.sku)).toBe(10);
    await catalog.app.reservations.expireDue();
    await catalog.app.reservations.expireDue();
    expect(await catalog.stockOf(r.sku)).toBe(10);
    expect((await getReservation(catalog, r.id)).body.status).toBe('expired');
  });

  test('when a reservation has expired, then confirming it re-authorizes it, before the sweep and after it, with the stock taken once', async () => {
    const unswept = await held(10, 3, 1);
    const swept = await held(10, 2, 1);
    await sleep(PAST_ONE_SECOND_MS);
    expect((await confirm(catalog, unswept.id)).body.status).toBe('confirmed');
    await catalog.app.reservations.expireDue();
    expect(await catalog.stockOf(swept.sku)).toBe(10);
    expect((await confirm(catalog, swept.id)).body.status).toBe('confirmed');
    expect(await catalog.stockOf(unswept.sku)).toBe(7);
    expect(await catalog.stockOf(swept.sku)).toBe(8);
  });

  test('when the sweep runs, then it touches only held reservations past their time', async () => {
    const due = await held(10, 1, 1);
    const notYet = await held(10, 2, 300);
    const confirmed = await held(10, 3, 1);
    expect((await confirm(catalog, confirmed.id)).status).toBe(200);
    const released = await held(10, 4, 1);
    expect((await release(catalog, released.id)).status).toBe(204);
    await sleep(PAST_ONE_SECOND_MS);
    await catalog.app.reservations.expireDue();
    expect(await catalog.stockOf(due.sku)).toBe(10);
    expect(await catalog.stockOf(notYet.sku)).toBe(8);
    expect(await catalog.stockOf(confirmed.sku)).toBe(7);
    expect(await catalog.stockOf(released.sku)).toBe(10);
    expect((await getReservation(catalog, due.id)).body.status).toBe('expired');
    expect((await getReservation(catalog, notYet.id)).body.status).toBe('held');
    expect((await getReservation(catalog, confirmed.id)).body.status).toBe('confirmed');
    expect((await getReservation(catalog, released.id)).body.status).toBe('released');
    // The one not yet due can still be confirmed.
    expect((await confirm(catalog, notYet.id)).body.status).toBe('confirmed');
  });

  test('when an expired reservation is released, before or after the sweep, then it is 204 and the stock comes back once', async () => {
    const unswept = await held(10, 5, 1);
    const swept = await held(10, 6, 1);
    await sleep(PAST_ONE_SECOND_MS);
    expect((await release(catalog, unswept.id)).status).toBe(204);
    await catalog.app.reservations.expireDue();
    expect((await release(catalog, swept.id)).status).toBe(204);
    expect((await release(catalog, unswept.id)).status).toBe(204);
    await catalog.app.reservations.expireDue();
    expect(await catalog.stockOf(unswept.sku)).toBe(10);
    expect(await catalog.stockOf(swept.sku)).toBe(10);
    expectProblem(await confirm(catalog, unswept.id), 409, 'reservation_expired');
    expectProblem(await confirm(catalog, swept.id), 409, 'reservation_expired');
  });

  test('when an expired reservation is sent again with its body, then it is 200 expired and holds nothing again', async () => {
    const r = await held(10, 4, 1);
    await sleep(PAST_ONE_SECOND_MS);
    await catalog.app.reservations.expireDue();
    const replay = await catalog.reserve(r.id, [{ sku: r.sku, quantity: 4 }], { ttlSeconds: 1 });
    expect(replay.status).toBe(200);
    expect(replay.body.status).toBe('expired');
    expect(await catalog.stockOf(r.sku)).toBe(10);
  });
});

describe('Catalog reservation expiry with RESERVATION_TTL_SECONDS=1', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog({ RESERVATION_TTL_SECONDS: '1' });
  });
  afterAll(() => catalog.close());

  test('when no ttlSeconds is given, then the reservation expires after the configured default', async () => {
    const sku = newSku();
    await catalog.putItem(sku, { stock: 5 });
    const id = newReservationId();
    expect((await catalog.reserve(id, [{ sku, quantity: 5 }])).status).toBe(201);
    expect(await catalog.stockOf(sku)).toBe(0);
    await sleep(PAST_ONE_SECOND_MS);
    expect((await getReservation(catalog, id)).body.status).toBe('expired');
    await catalog.app.reservations.expireDue();
    expect(await catalog.stockOf(sku)).toBe(5);
    expect((await release(catalog, id)).status).toBe(204);
    expectProblem(await confirm(catalog, id), 409, 'reservation_expired');
  });
});
