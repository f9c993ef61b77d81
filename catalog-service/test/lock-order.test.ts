// Overlapping multi-line reservations, racing releases and expiry sweeps, on a real PostgreSQL:
// every statement that locks item rows must lock them in sku order, so none of this deadlocks.
// pg_stat_database.deadlocks is read at the end, so the bounded retry cannot hide a lock-order bug.
import { Client } from 'pg';
import { until } from '../../test-support/polling';
import { type CatalogUnderTest, newSku, startCatalog } from './catalog-harness';
import { newReservationId, release } from './reservation-calls';

const ITEMS = 6;
const STOCK = 100_000;
const WORKERS = 16;

const pick = <T>(all: T[], n: number): T[] => [...all].sort(() => Math.random() - 0.5).slice(0, n);

async function deadlocksOf(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ deadlocks: string }>(
      'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].deadlocks);
  } finally {
    await client.end();
  }
}

/** Stats of a backend are flushed when it exits: wait until none but ours is left on this database. */
async function waitForOtherBackendsToExit(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await until('the other backends of the test database to exit', async () => {
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      return Number(rows[0].n) === 0;
    }, { timeoutMs: 5_000, everyMs: 25 });
  } finally {
    await client.end();
  }
}

describe('Catalog lock order under overlapping reservations, releases and expiry', () => {
  let catalog: CatalogUnderTest;
  beforeAll(async () => {
    catalog = await startCatalog();
  });
  afterAll(() => catalog.close());

  test('when multi-line reservations in random line order race releases and sub-second expiry sweeps, then no answer is 5xx, no deadlock happened and all stock comes back', async () => {
    const skus = Array.from({ length: ITEMS }, () => newSku('LOCK'));
    for (const sku of skus) expect((await catalog.putItem(sku, { stock: STOCK })).status).toBe(201);
    const deadlocksBefore = await deadlocksOf(catalog.databaseUrl);
    const statuses: number[] = [];
    let expiredBySweeps = 0;
    let releasedHeld = 0;
    let done = false;

    const worker = async () => {
      while (!done) {
        const id = newReservationId('lock');
        const lines = pick(skus, 2 + Math.floor(Math.random() * 4)).map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 3) }));
        const reserved = await catalog.reserve(id, lines, { ttlSeconds: 1 });
        statuses.push(reserved.status);
        if (Math.random() < 0.5) {
          const released = await release(catalog, id);
          statuses.push(released.status);
          if (released.status === 204 && reserved.status === 201) releasedHeld++;
        }
      }
    };
    // Sweeps every few milliseconds: reservations expire (ttl 1 s) while others are made and released.
    const sweepErrors: string[] = [];
    const sweeper = async () => {
      while (!done) {
        const expired = await catalog.app.reservations.expireDue(50).catch((err: Error) => {
          sweepErrors.push(err.message);
          return 0;
        });
        expiredBySweeps += expired; // not `+= await`: that reads the sum before the other sweeper adds to it

        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const started = Date.now();
    const load = [...Array.from({ length: WORKERS }, worker), sweeper(), sweeper()];
    // Run until the sweeps have expired a good number of reservations while the workers kept going.
    const created = () => statuses.filter((st) => st === 201).length;
    const enough = () => Date.now() - started > 1_500 && expiredBySweeps >= 20 && releasedHeld >= 20 && created() >= 60;
    while (!enough() && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 50));
    done = true;
    await Promise.all(load);

    // The races happened: reservations were made, released while held, and expired by the sweeps.
    expect(created()).toBeGreaterThanOrEqual(60);
    expect(releasedHeld).toBeGreaterThanOrEqual(20);
    expect(expiredBySweeps).toBeGreaterThanOrEqual(20);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(sweepErrors).toEqual([]);

    // Everything left held expires; then every unit is back.
    const allBack = async () => (await Promise.all(skus.map((sku) => catalog.stockOf(sku)))).every((n) => n === STOCK);
    // Sweeps until the last held reservation has expired.
    await until('every unit back', async () => (await allBack()) || (await catalog.app.reservations.expireDue(), false), { timeoutMs: 30_000 });
    for (const sku of skus) expect(await catalog.stockOf(sku)).toBe(STOCK);

    await catalog.db.$disconnect();
    await waitForOtherBackendsToExit(catalog.databaseUrl);
    expect(await deadlocksOf(catalog.databaseUrl)).toBe(deadlocksBefore);
  }, 90_000); // it runs until the races happened, which takes longer on a loaded machine
});
