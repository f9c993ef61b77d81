import { randomUUID } from 'node:crypto';
import path from 'node:path';
import nock from 'nock';
import { Pool } from 'pg';
import { loadConfig } from 'service-platform';
import { type StartOptions, startService } from '../../test-support/service-under-test';
import { buildOrderApp } from '../src/app';
import { orderConfigSchema } from '../src/config/order-config';
import { createOrderDb } from '../src/data/order-db';
import type { SagaHooks } from '../src/saga/saga-hooks';
import { ACCOUNT_URL, CATALOG_URL, type Fakes, installFakes } from './fake-dependencies';

export const MIGRATIONS = path.resolve(__dirname, '../prisma/migrations');

/** Only loopback (the app under test, PostgreSQL) may be reached; the rest is nock. */
export function isolateNetwork(): void {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
}

/** nock patches Node's http for the whole worker process: undo it before the next test file. */
export function restoreNetwork(): void {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
}

export const ORDER = { accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 2 }, { sku: 'MUG-CERAMIC', quantity: 1 }] };

/** The real Order over real HTTP on an ephemeral port, on its own fresh database. */
export async function startOrder(env: Record<string, string> = {}, opts: StartOptions & { hooks?: SagaHooks } = {}) {
  const order = await startService({
    name: 'order',
    migrations: MIGRATIONS,
    config: (vars) => loadConfig(orderConfigSchema, {
      CATALOG_URL, ACCOUNT_URL, RETRY_BASE_DELAY_MS: '5', RETRY_MAX_DELAY_MS: '20',
      // Room for a loaded two-core machine (the whole suite, real services); a test about budgets sets its own.
      ...(vars.ORDER_REQUEST_BUDGET_MS ? {} : { ORDER_REQUEST_BUDGET_MS: '10000', ORDER_DB_TIMEOUT_MS: '1000' }),
      ...vars,
    }),
    createDb: (url, config) => createOrderDb(url, 20, config.ORDER_DB_TIMEOUT_MS),
    buildApp: (deps) => buildOrderApp({ ...deps, hooks: opts.hooks }),
  }, env, opts);
  const pg = new Pool({ connectionString: order.databaseUrl, max: 4 });
  return {
    ...order,
    /** SQL on Order's own database, for what the API cannot show or do (a crash's leftovers). */
    sql: async (text: string, params: unknown[] = []) => (await pg.query(text, params)).rows,
    /** The order's internal state (the API shows `committing` as `pending`). */
    stateOf: async (id: string) => (await pg.query('SELECT state FROM orders WHERE id = $1', [id])).rows[0]?.state as string | undefined,
    placeOrder: (body: unknown = ORDER, key: string = randomUUID()) => order.call('POST', '/orders', body, { 'idempotency-key': key }),
    async close() {
      order.app.dependencies.forEach((d) => d.shutdown());
      await pg.end();
      await order.close();
    },
  };
}

export type OrderUnderTest = Awaited<ReturnType<typeof startOrder>>;

/**
 * The life of one Order shared by the tests of the enclosing describe block, with nock in front of
 * Catalog and Account: before all, the network isolated and the Order started (`env` may be a
 * function, read then: a value another beforeAll made); before each test, the happy fakes installed
 * (unless `fakes: false`: the tests install their own); after each, nock cleaned; after all, the Order
 * stopped and the network given back. `order` and `fakes` are filled in by those hooks (both are plain
 * objects of functions), so a test reads `order.placeOrder()` and `fakes.calls` as usual.
 */
export function orderPerDescribe(env: Record<string, string> | (() => Record<string, string>) = {}, opts: { hooks?: SagaHooks; fakes?: boolean } = {}) {
  const order = {} as OrderUnderTest;
  const fakes = {} as Fakes;
  beforeAll(async () => {
    isolateNetwork();
    Object.assign(order, await startOrder(typeof env === 'function' ? env() : env, { hooks: opts.hooks }));
  });
  if (opts.fakes !== false) beforeEach(() => void Object.assign(fakes, installFakes()));
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    await order.close?.();
    restoreNetwork();
  });
  return { order, fakes };
}
