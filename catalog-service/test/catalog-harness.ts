import path from 'node:path';
import { createLogger, loadConfig } from 'service-platform';
import { createTestDatabase } from '../../test-support/test-database';
import { listen, request } from '../../test-support/http';
import { buildCatalogApp } from '../src/app';
import { type CatalogConfig, catalogConfigSchema } from '../src/config/catalog-config';
import { createCatalogDb } from '../src/data/catalog-db';

export const MIGRATIONS = path.resolve(__dirname, '../prisma/migrations');

/** The real Catalog over real HTTP on an ephemeral port, on its own fresh database. */
export async function startCatalog(env: Record<string, string> = {}) {
  const databaseUrl = await createTestDatabase('catalog', MIGRATIONS);
  const config: CatalogConfig = loadConfig(catalogConfigSchema, { NODE_ENV: 'test', ...env });
  const db = createCatalogDb(databaseUrl, 20);
  const app = buildCatalogApp({ config, db, logger: createLogger('catalog-test', process.env.TEST_LOG_LEVEL ?? 'silent'), validateResponses: true });
  const server = await listen(app.app);
  const call = (method: string, p: string, body?: unknown, headers?: Record<string, string>) =>
    request(server.baseUrl, method, p, { body, headers });
  return {
    ...server,
    db,
    databaseUrl,
    app,
    call,
    putItem: (sku: string, item: Partial<{ name: string; priceCents: number; currency: string; stock: number }> = {}) =>
      call('PUT', `/items/${sku}`, { name: `Item ${sku}`, priceCents: 1000, currency: 'EUR', stock: 10, ...item }),
    stockOf: async (sku: string): Promise<number> => (await call('GET', `/items/${sku}`)).body.stock,
    reserve: (id: string, lines: Array<{ sku: string; quantity: number }>, extra: Record<string, unknown> = {}) =>
      call('PUT', `/reservations/${id}`, { lines, ...extra }),
    async close() {
      await server.close();
      await db.$disconnect();
    },
  };
}

export type CatalogUnderTest = Awaited<ReturnType<typeof startCatalog>>;

let counter = 0;
/** A sku no other test uses. */
export const newSku = (prefix = 'SKU') => `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
