import { randomUUID } from 'node:crypto';
import path from 'node:path';
import nock from 'nock';
import { Pool } from 'pg';
import { createLogger, loadConfig } from 'service-platform';
import { listen, request } from '../../test-support/http';
import { createTestDatabase } from '../../test-support/test-database';
import { buildOrderApp } from '../src/app';
import { type OrderConfig, orderConfigSchema } from '../src/config/order-config';
import { createOrderDb } from '../src/data/order-db';
import type { SagaHooks } from '../src/saga/saga-hooks';
import { ACCOUNT_URL, CATALOG_URL } from './fake-dependencies';

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
export async function startOrder(env: Record<string, string> = {}, opts: { hooks?: SagaHooks; databaseUrl?: string } = {}) {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase('order', MIGRATIONS));
  const config: OrderConfig = loadConfig(orderConfigSchema, {
    NODE_ENV: 'test', CATALOG_URL, ACCOUNT_URL, RETRY_BASE_DELAY_MS: '5', RETRY_MAX_DELAY_MS: '20',
    // Room for a loaded two-core machine (the whole suite, real services); a test about budgets sets its own.
    ...(env.ORDER_REQUEST_BUDGET_MS ? {} : { ORDER_REQUEST_BUDGET_MS: '10000', ORDER_DB_TIMEOUT_MS: '1000' }),
    ...env,
  });
  const db = createOrderDb(databaseUrl, 20, config.ORDER_DB_TIMEOUT_MS);
  const app = buildOrderApp({ config, db, logger: createLogger('order-test', process.env.TEST_LOG_LEVEL ?? 'silent'), validateResponses: true, hooks: opts.hooks });
  const pg = new Pool({ connectionString: databaseUrl, max: 4 });
  const server = await listen(app.app);
  const call = (method: string, p: string, body?: unknown, headers?: Record<string, string>) => request(server.baseUrl, method, p, { body, headers });
  return {
    ...server,
    app,
    db,
    databaseUrl,
    call,
    /** SQL on Order's own database, for what the API cannot show or do (a crash's leftovers). */
    sql: async (text: string, params: unknown[] = []) => (await pg.query(text, params)).rows,
    /** The order's internal state (the API shows `committing` as `pending`). */
    stateOf: async (id: string) => (await pg.query('SELECT state FROM orders WHERE id = $1', [id])).rows[0]?.state as string | undefined,
    placeOrder: (body: unknown = ORDER, key: string = randomUUID()) => call('POST', '/orders', body, { 'idempotency-key': key }),
    async close() {
      app.dependencies.forEach((d) => d.shutdown());
      await server.close();
      await pg.end();
      await db.$disconnect();
    },
  };
}

export type OrderUnderTest = Awaited<ReturnType<typeof startOrder>>;
