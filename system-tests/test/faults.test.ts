// Fault injection with real processes: the three services run as child processes on the test
// PostgreSQL; Catalog and Account are killed (SIGKILL) or stalled (SIGSTOP: the port accepts,
// nothing answers), Order is killed mid-saga. After each scenario the invariants are checked
// through the public APIs only. Customer authentication is on: every order carries its customer's token.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { testPostgresUrl } from '../../test-support/test-database';
import { type Attempt, json, settle, setUpShop, type Shop, Workload } from '../../test-support/order-workload';
import { sleep, until } from '../../test-support/polling';
import { startSystem, type System } from '../../test-support/system-harness';

const BUDGET_MS = 1_000;
const ORDER_ENV = {
  ORDER_REQUEST_BUDGET_MS: String(BUDGET_MS), ORDER_DB_TIMEOUT_MS: '100', BREAKER_VOLUME_THRESHOLD: '3', BREAKER_RESET_MS: '1000',
  RETRY_MAX_ATTEMPTS: '2', RECOVERY_GRACE_SECONDS: '2', RECOVERY_INTERVAL_SECONDS: '0.5', COMPENSATION_BUDGET_MS: '1000',
  RECOVERY_BACKOFF_BASE_SECONDS: '0.5', RECOVERY_BACKOFF_MAX_SECONDS: '2',
  // Reservations expire soon (what a crash left returns quickly), and so do holds: shorter than the
  // outages below, so an order past the point of no return meets a lapsed reservation or hold once
  // the dead service is back, and Catalog/Account re-authorize it (docs/commitments.md).
  RESERVATION_TTL_SECONDS: '4', HOLD_TTL_SECONDS: '5',
};
const SHOP: Shop = {
  items: [{ sku: 'SYS-A', stock: 300, priceCents: 500 }, { sku: 'SYS-B', stock: 300, priceCents: 1250 }, { sku: 'SYS-C', stock: 5, priceCents: 100 }],
  accounts: [{ id: 'sys-rich', creditLimitCents: 10_000_000 }, { id: 'sys-poor', creditLimitCents: 3_000 }],
};
/** Grace period + TTLs + sweeps, with room for a slow machine. */
const SETTLE_MS = 25_000;

// Real processes start, die and recover: minutes on a loaded two-core machine, not jest's default 30 s.
jest.setTimeout(120_000);

describe('System under faults (real processes)', () => {
  let system: System | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  async function start(orderEnv: Record<string, string> = {}) {
    system = await startSystem(testPostgresUrl(), {
      perService: { order: { ...ORDER_ENV, ...orderEnv }, catalog: { EXPIRY_SWEEP_INTERVAL_MS: '200' }, account: { EXPIRY_SWEEP_INTERVAL_MS: '200' } },
    });
    await setUpShop(system.catalog.url, system.account.url, SHOP, system.auth);
    return system;
  }

  const urls = (s: System) => ({ order: s.order.url, catalog: s.catalog.url, account: s.account.url });

  /** Runs light load in the background; returns a function that stops it and waits for it. */
  function load(workload: Workload, concurrency = 4) {
    let stop = false;
    const done = workload.run(concurrency, () => stop);
    return async () => {
      stop = true;
      await done;
    };
  }

  async function expectInvariants(s: System, attempts: Attempt[]) {
    expect(await settle(urls(s), SHOP, attempts, SETTLE_MS, s.auth)).toEqual([]);
    // A lapsed commitment is re-authorized: no order is left to a person.
    expect((await json(`${s.order.url}/orders?status=needs_attention&limit=100`, s.auth.adminToken)).items).toEqual([]);
  }

  test('when Catalog is killed, then orders fail fast with 503 + Retry-After once the breaker opens, and succeed again after a restart', async () => {
    const s = await start();
    const workload = new Workload(s.order.url, SHOP, s.auth);
    const stopLoad = load(workload);
    await sleep(800);
    await s.catalog.signal('SIGKILL');
    await until('the breaker to open', async () => (await json(`${s.order.url}/dependencies`)).items[0].state === 'open', { timeoutMs: 10_000 });
    const fast: Attempt[] = [];
    for (let i = 0; i < 10; i++) fast.push(await workload.place());
    for (const a of fast.filter((x) => x.code === 'dependency_unavailable')) {
      expect(a.status).toBe(503);
      expect(a.retryAfter).toMatch(/^\d+$/);
      expect(a.ms).toBeLessThan(BUDGET_MS / 2); // answered, not timed out
    }
    expect(fast.filter((x) => x.code === 'dependency_unavailable').length).toBeGreaterThanOrEqual(8);
    await s.catalog.start();
    await until('an order to succeed through half-open', async () => (await workload.place()).status === 201, { timeoutMs: 15_000 });
    await stopLoad();
    expect(workload.attempts.some((a) => a.status === 201)).toBe(true);
    await expectInvariants(s, workload.attempts);
  });

  test('when Account is stalled, then every order ends within the budget, and orders succeed again once it resumes', async () => {
    const s = await start();
    const workload = new Workload(s.order.url, SHOP, s.auth);
    const stopLoad = load(workload);
    await sleep(500);
    await s.account.signal('SIGSTOP');
    const from = workload.attempts.length;
    await sleep(3_000);
    const during = workload.attempts.slice(from);
    expect(during.length).toBeGreaterThan(4);
    // Within the budget, with room for a loaded machine; a request that waited for Account would
    // take the whole 3 s stall or more.
    for (const a of during) expect(a.ms).toBeLessThanOrEqual(BUDGET_MS + 1_000);
    expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    await s.account.signal('SIGCONT');
    await until('an order to succeed after SIGCONT', async () => (await workload.place()).status === 201, { timeoutMs: 15_000 });
    await stopLoad();
    await expectInvariants(s, workload.attempts);
  });

  test('when Order is killed mid-saga and restarted, then the recovery worker drives every order to a final state', async () => {
    const s = await start({ SAGA_PAUSE_BEFORE_CONFIRM_MS: '300' });
    const workload = new Workload(s.order.url, SHOP, s.auth);
    const stopLoad = load(workload, 6);
    await sleep(1_200);
    await s.order.signal('SIGKILL');
    await stopLoad();
    expect(workload.attempts.some((a) => a.status === 0)).toBe(true); // some requests died with it
    await s.order.start();
    await expectInvariants(s, workload.attempts);
  });

  for (const victim of ['catalog', 'account'] as const) {
    test(`when ${victim} is killed between the credit hold and the confirmations for longer than the hold lives, then nothing is charged until the order is confirmed`, async () => {
      // The request pauses after recording the point of no return, with most of its budget left:
      // the kill lands inside that pause, so the confirmations it then sends meet a dead service.
      // The outage lasts until the hold has expired: the order is confirmed by re-authorization.
      const s = await start({
        ORDER_REQUEST_BUDGET_MS: '4000', RECOVERY_GRACE_SECONDS: '5', SAGA_PAUSE_BEFORE_CONFIRM_MS: '2000',
        RESERVATION_TTL_SECONDS: '2', HOLD_TTL_SECONDS: '3',
      });
      const orderDb = new Pool({ connectionString: s.order.env.DATABASE_URL, max: 1 });
      const accountDb = new Pool({ connectionString: s.account.env.DATABASE_URL, max: 1 });
      try {
        const workload = new Workload(s.order.url, SHOP, s.auth);
        const key = randomUUID();
        const answer = workload.place(key);
        await until('the order in committing', async () => (await orderDb.query(`SELECT 1 FROM orders WHERE state = 'committing'`)).rowCount === 1, { timeoutMs: 5_000 });
        await s[victim].signal('SIGKILL');
        const first = await answer;
        expect(first.status).toBe(202); // past the point of no return: accepted, to be completed
        const orderId = first.orderId!;
        expect((await orderDb.query('SELECT state FROM orders WHERE id = $1', [orderId])).rows[0].state).toBe('committing');
        if (victim === 'account') {
          // The stock was confirmed after the kill; the credit could not be captured.
          expect((await json(`${s.catalog.url}/reservations/${orderId}`, s.auth.serviceToken)).status).toBe('confirmed');
        } else {
          expect((await json(`${s.account.url}/accounts/sys-rich`, s.auth.adminToken)).usedCents).toBe(0); // no charge before the stock is confirmed
        }
        // The hold's time is up while the victim is still down (the database's clock decides, as in Account).
        await until('the hold to expire during the outage',
          async () => (await accountDb.query('SELECT 1 FROM holds WHERE id = $1 AND expires_at <= now()', [orderId])).rowCount === 1, { timeoutMs: 10_000 });
        await s[victim].start();
        await until('recovery to confirm the order', async () => (await json(`${s.order.url}/orders/${orderId}`, s.auth.adminToken)).status === 'confirmed', { timeoutMs: 15_000 });
        expect((await json(`${s.account.url}/holds/${orderId}`, s.auth.serviceToken)).status).toBe('captured');
        const replay = await workload.place(key);
        expect(replay).toMatchObject({ status: 201, orderId });
        await expectInvariants(s, workload.attempts);
      } finally {
        await Promise.all([orderDb.end(), accountDb.end()]);
      }
    });
  }
});
