// Races on a real PostgreSQL: requests fired together over real HTTP, then the stock checked
// through the API. Stock must be counted exactly once and never go below zero.
import { holdInTransaction, waitUntilBlockedBy, waitUntilWaiting } from '../../test-support/row-locks';
import { sleep } from '../../test-support/polling';
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { confirm, getReservation, newReservationId, release } from './reservation-calls';
import { countStatuses, expectProblem } from './answer-assertions';

describe('Catalog reservations under concurrency', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  async function item(stock: number): Promise<string> {
    const sku = newSku();
    expect((await catalog.putItem(sku, { stock })).status).toBe(201);
    return sku;
  }

  test('when a release arrives while the reservation of its id is still in its transaction, then it waits for it, and releases it once it commits', async () => {
    const sku = await item(10);
    const id = newReservationId('inflight');
    // reserve_stock inserts the reservation, then waits for the item row, which the test holds.
    const lock = await holdInTransaction(catalog.databaseUrl, 'SELECT sku FROM items WHERE sku = $1 FOR UPDATE', [sku]);
    const reserving = catalog.reserve(id, [{ sku, quantity: 4 }]);
    await waitUntilBlockedBy(catalog.databaseUrl, lock.pid);
    // The release's tombstone insert waits on the uncommitted reservation of the same id.
    const releasing = release(catalog, id);
    await waitUntilWaiting(catalog.databaseUrl, 2);
    await lock.free();
    expect((await reserving).status).toBe(201);
    expect((await releasing).status).toBe(204);
    expect((await getReservation(catalog, id)).body.status).toBe('released');
    expect(await catalog.stockOf(sku)).toBe(10);
  });

  test('when 30 reservations of 1 unit race for a stock of 10, then exactly 10 are held, 20 are out_of_stock and the stock ends at 0', async () => {
    const sku = await item(10);
    const ids = Array.from({ length: 30 }, () => newReservationId('race'));
    const answers = await Promise.all(ids.map((id) => catalog.reserve(id, [{ sku, quantity: 1 }])));
    expect(countStatuses(answers)).toEqual({ 201: 10, 409: 20 });
    for (const refused of answers.filter((a) => a.status === 409)) {
      expectProblem(refused, 409, 'out_of_stock');
      expect(refused.body.shortages).toEqual([{ sku, requested: 1, available: 0 }]);
    }
    expect(await catalog.stockOf(sku)).toBe(0);
    // Exactly the 201s hold stock: the refused ids were never stored.
    const reads = await Promise.all(ids.map((id) => getReservation(catalog, id)));
    expect(reads.map((r) => r.status)).toEqual(answers.map((a) => (a.status === 201 ? 200 : 404)));
  });

  test('when reservations of several units race, then the stock never goes below zero and what is held adds up', async () => {
    const sku = await item(10);
    const quantities = [3, 3, 3, 3, 2, 2, 1, 1, 4, 4];
    const answers = await Promise.all(quantities.map((quantity) => catalog.reserve(newReservationId('multi'), [{ sku, quantity }])));
    const held = quantities.filter((_q, i) => answers[i].status === 201).reduce((sum, q) => sum + q, 0);
    expect(answers.every((a) => a.status === 201 || a.body.code === 'out_of_stock')).toBe(true);
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(10);
    expect(await catalog.stockOf(sku)).toBe(10 - held);
  });

  test('when reservations naming the same two skus in opposite orders race, then none deadlocks and all are held', async () => {
    const a = await item(100);
    const b = await item(100);
    const answers = await Promise.all(Array.from({ length: 20 }, (_v, i) =>
      catalog.reserve(newReservationId('order'), i % 2 === 0
        ? [{ sku: a, quantity: 1 }, { sku: b, quantity: 2 }]
        : [{ sku: b, quantity: 2 }, { sku: a, quantity: 1 }])));
    expect(countStatuses(answers)).toEqual({ 201: 20 });
    expect(await catalog.stockOf(a)).toBe(80);
    expect(await catalog.stockOf(b)).toBe(60);
  });

  test.each([2, 5])('when the same reservation is sent %i times at once, then the stock is held once and every answer is that reservation', async (times) => {
    const sku = await item(10);
    const id = newReservationId('dup');
    const answers = await Promise.all(Array.from({ length: times }, () => catalog.reserve(id, [{ sku, quantity: 3 }])));
    expect(countStatuses(answers)).toEqual({ 201: 1, 200: times - 1 });
    for (const a of answers) expect(a.body).toEqual(answers[0].body);
    expect(answers[0].body).toMatchObject({ id, status: 'held', lines: [{ sku, quantity: 3 }] });
    expect(await catalog.stockOf(sku)).toBe(7);
  });

  test('when the same id is sent at once with two different bodies, then one is held and the other is 409 reservation_mismatch', async () => {
    const a = await item(10);
    const b = await item(10);
    const id = newReservationId('mismatch');
    const [first, second] = await Promise.all([
      catalog.reserve(id, [{ sku: a, quantity: 2 }]),
      catalog.reserve(id, [{ sku: b, quantity: 5 }]),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const [winner, loser] = first.status === 201 ? [first, second] : [second, first];
    expectProblem(loser, 409, 'reservation_mismatch');
    expect((await getReservation(catalog, id)).body).toEqual(winner.body);
    const aWon = winner === first;
    expect(await catalog.stockOf(a)).toBe(aWon ? 8 : 10);
    expect(await catalog.stockOf(b)).toBe(aWon ? 10 : 5);
  });

  test('when confirm and release race, then exactly one wins and the stock is counted once', async () => {
    const rounds = await Promise.all(Array.from({ length: 8 }, async (_v, i) => {
      const sku = await item(10);
      const id = newReservationId('cr');
      expect((await catalog.reserve(id, [{ sku, quantity: 4 }])).status).toBe(201);
      // Give the release (a transaction of several statements) a head start of 0 to 7 ms, so that both get to win.
      const [confirmed, released] = await Promise.all([sleep(i).then(() => confirm(catalog, id)), release(catalog, id)]);
      return { sku, id, confirmed, released };
    }));
    for (const { sku, id, confirmed, released } of rounds) {
      const status = (await getReservation(catalog, id)).body.status;
      if (confirmed.status === 200) {
        expectProblem(released, 409, 'reservation_confirmed');
        expect(status).toBe('confirmed');
        expect(await catalog.stockOf(sku)).toBe(6);
      } else {
        expectProblem(confirmed, 409, 'reservation_expired');
        expect(released.status).toBe(204);
        expect(status).toBe('released');
        expect(await catalog.stockOf(sku)).toBe(10);
      }
    }
  });

  test('when confirm, release and two expiry sweeps race an expired reservation, then exactly one of confirm and release wins and the stock is counted once', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, async () => {
      const sku = await item(10);
      const id = newReservationId('exp');
      expect((await catalog.reserve(id, [{ sku, quantity: 4 }], { ttlSeconds: 1 })).status).toBe(201);
      return { sku, id };
    }));
    await sleep(1_200);
    const answers = await Promise.all(held.map(({ id }) => Promise.all([
      confirm(catalog, id),
      release(catalog, id),
      catalog.app.reservations.expireDue(),
      catalog.app.reservations.expireDue(),
    ])));
    for (const [i, [confirmed, released]] of answers.entries()) {
      const status = (await getReservation(catalog, held[i].id)).body.status;
      if (confirmed.status === 200) {
        expectProblem(released, 409, 'reservation_confirmed');
        expect(status).toBe('confirmed');
        expect(await catalog.stockOf(held[i].sku)).toBe(6);
      } else {
        expectProblem(confirmed, 409, 'reservation_expired');
        expect(released.status).toBe(204);
        expect(status).toBe('released');
        expect(await catalog.stockOf(held[i].sku)).toBe(10);
      }
    }
  });


  test('when a release (compensation) races the reservation it compensates, then nothing stays held', async () => {
    const rounds = await Promise.all(Array.from({ length: 10 }, async (_v, i) => {
      const sku = await item(10);
      const id = newReservationId('comp');
      // Stagger the two so that the release lands before, during and after the reservation.
      const [reserved, released] = await Promise.all([
        sleep(i % 5 === 0 ? 3 : 0).then(() => catalog.reserve(id, [{ sku, quantity: 4 }])),
        sleep(i % 5).then(() => release(catalog, id)),
      ]);
      return { sku, id, reserved, released };
    }));
    for (const { sku, id, reserved, released } of rounds) {
      expect(released.status).toBe(204);
      if (reserved.status === 201) {
        // The reservation came first: the release gave its stock back.
        expect((await getReservation(catalog, id)).body.status).toBe('released');
      } else {
        // The release came first: the id is closed and the reservation held nothing.
        expectProblem(reserved, 409, 'reservation_released');
      }
      expect(await catalog.stockOf(sku)).toBe(10);
    }
  });
});
