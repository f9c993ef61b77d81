// Two Order replicas on one Order database, as real processes under load: one is killed with
// orders in flight, the other (later) paused as a long GC pause would, while its recovery holds
// leases. Whatever one leaves, the other's recovery worker finishes, with the default lease settings
// (a lease per order, short, renewed while its owner works: docs/recovery.md); a paused replica's
// late writes lose; every answer agrees with its order's final state, and a key yields at most one
// order that is not failed.
import { Pool } from 'pg';
import { freePort } from 'service-platform';
import { settle, setUpShop, type Shop, Workload } from '../../test-support/order-workload';
import { until } from '../../test-support/polling';
import { ServiceProcess, startSystem, type System } from '../../test-support/system-harness';
import { testPostgresUrl } from '../../test-support/test-database';

jest.setTimeout(180_000);

// No lease setting here: the takeover must happen with the defaults (RECOVERY_LEASE_SECONDS and
// RECOVERY_LEASE_RENEW_SECONDS). Recovery's budget per order (COMPENSATION_BUDGET_MS) is long enough
// that a recovery stuck on a paused Catalog is caught holding its lease.
const ORDER_ENV = {
  ORDER_REQUEST_BUDGET_MS: '1000', ORDER_DB_TIMEOUT_MS: '100', RECOVERY_GRACE_SECONDS: '2', RECOVERY_INTERVAL_SECONDS: '0.5',
  RECOVERY_BACKOFF_BASE_SECONDS: '0.5', RECOVERY_BACKOFF_MAX_SECONDS: '2', COMPENSATION_BUDGET_MS: '3000',
  // Widen the window between the point of no return and the confirmations, so orders are in flight.
  SAGA_PAUSE_BEFORE_CONFIRM_MS: '400', BREAKER_VOLUME_THRESHOLD: '1000',
};
const SHOP: Shop = {
  items: [{ sku: 'REP-A', stock: 500, priceCents: 300 }, { sku: 'REP-B', stock: 500, priceCents: 700 }],
  accounts: [{ id: 'rep-one', creditLimitCents: 50_000_000 }, { id: 'rep-two', creditLimitCents: 50_000_000 }],
};


/**
 * Stops the replica at a moment its recovery holds a live lease: waits for one in the database, stops
 * the process, and reads the live leases again (the lease may have been given back in between: then
 * the replica is let go and the next one is waited for). Returns the leases held while it is stopped.
 */
async function pauseHoldingLeases(replica: ServiceProcess, db: Pool): Promise<Array<{ id: string; owner: string }>> {
  const live = async () => (await db.query(`SELECT id::text, lease_owner::text AS owner FROM orders WHERE lease_owner IS NOT NULL AND lease_until > now()`)).rows;
  for (let attempt = 0; attempt < 20; attempt++) {
    await until('the replica\'s recovery to hold a lease', async () => (await live()).length > 0, { timeoutMs: 30_000 });
    await replica.signal('SIGSTOP');
    const held = await live();
    if (held.length > 0) return held;
    await replica.signal('SIGCONT');
  }
  return [];
}

describe('Two Order replicas on one database (real processes)', () => {
  let system: System | undefined;
  let second: ServiceProcess | undefined;
  let db: Pool | undefined;
  afterAll(async () => {
    await second?.stop();
    await system?.stop();
    await db?.end();
  });

  function load(workload: Workload) {
    let stop = false;
    const done = workload.run(3, () => stop, 10);
    return async () => {
      stop = true;
      await done;
    };
  }
  const unfinished = async (keys: string[]) =>
    (await db!.query(`SELECT id::text, state FROM orders WHERE idempotency_key = ANY($1) AND state IN ('pending', 'committing')`, [keys])).rows;

  test('when one replica is killed and then the other paused, then each finishes what the other left and nothing is decided twice', async () => {
    system = await startSystem(testPostgresUrl(), { perService: { order: ORDER_ENV, catalog: { EXPIRY_SWEEP_INTERVAL_MS: '200' }, account: { EXPIRY_SWEEP_INTERVAL_MS: '200' } } });
    await setUpShop(system.catalog.url, system.account.url, SHOP, system.auth);
    second = new ServiceProcess('order', await freePort(), { ...system.order.env });
    await second.start();
    db = new Pool({ connectionString: system.order.env.DATABASE_URL, max: 2 });
    const [first, other] = [system.order, second];
    const onFirst = new Workload(first.url, SHOP, system.auth);
    const onSecond = new Workload(other.url, SHOP, system.auth);

    // Phase 1: both under load; the first is killed mid-saga.
    const stopFirst = load(onFirst);
    const stopSecond = load(onSecond);
    await until('load on both replicas', async () => onFirst.attempts.length >= 10 && onSecond.attempts.length >= 10, { timeoutMs: 30_000 });
    await first.signal('SIGKILL');
    await stopFirst();
    const died = onFirst.attempts.filter((a) => a.status === 0).map((a) => a.key);
    expect(died.length).toBeGreaterThan(0); // requests were in flight when it died
    const leftByFirst = await unfinished(died);
    expect(leftByFirst.length).toBeGreaterThan(0); // ...and their orders were mid-saga
    await until('the second replica to finish what the first left', async () => (await unfinished(died)).length === 0, { timeoutMs: 30_000 });
    await stopSecond();

    // Phase 2: the second alone, its recovery at work on orders that wait for a paused Catalog; the
    // second is paused while it holds leases (read from the database once it is stopped: the first
    // is down, so every lease there is the paused replica's).
    const pausedLoad = new Workload(other.url, SHOP, system.auth);
    const stopPaused = load(pausedLoad);
    await until('load on the second replica', async () => pausedLoad.attempts.length >= 5, { timeoutMs: 30_000 });
    await system.catalog.signal('SIGSTOP'); // its requests answer 503 and hand their orders to recovery, which waits on Catalog
    const held = await pauseHoldingLeases(other, db);
    expect(held.length).toBeGreaterThan(0); // the paused replica held leases when it was stopped
    const inFlight = (await db.query(`SELECT id::text FROM orders WHERE state IN ('pending', 'committing') OR releases_owed`)).rows.map((r) => r.id as string);
    expect(inFlight).toEqual(expect.arrayContaining(held.map((h) => h.id)));
    await system.catalog.signal('SIGCONT');
    await first.start();
    // The first takes the paused one's leased orders over once their leases lapse, and finishes them
    // and whatever else it left, while the paused one is still stopped.
    await until('the first replica to finish the paused one\'s orders', async () => (await db!.query(`SELECT 1 FROM orders WHERE id = ANY($1::uuid[])
        AND (state IN ('pending', 'committing') OR releases_owed OR lease_owner = ANY($2::uuid[]))`,
      [inFlight, held.map((h) => h.owner)])).rowCount === 0, { timeoutMs: 30_000 });
    await other.signal('SIGCONT'); // its requests and its recovery wake up past their leases: their writes must lose
    await stopPaused();

    const attempts = [...onFirst.attempts, ...onSecond.attempts, ...pausedLoad.attempts];
    const urls = { order: first.url, catalog: system.catalog.url, account: system.account.url };
    expect(await settle(urls, SHOP, attempts, 30_000, system.auth)).toEqual([]);
  });
});
