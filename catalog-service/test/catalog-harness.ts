import path from 'node:path';
import { loadConfig } from 'service-platform';
import { type StartOptions, startService } from '../../test-support/service-under-test';
import { uniqueId } from '../../test-support/unique-id';
import { buildCatalogApp } from '../src/app';
import { catalogConfigSchema } from '../src/config/catalog-config';
import { createCatalogDb } from '../src/data/catalog-db';

export const MIGRATIONS = path.resolve(__dirname, '../prisma/migrations');

/** The real Catalog over real HTTP on an ephemeral port, on its own fresh database. */
export async function startCatalog(env: Record<string, string> = {}, opts: StartOptions = {}) {
  const catalog = await startService({
    name: 'catalog',
    migrations: MIGRATIONS,
    config: (vars) => loadConfig(catalogConfigSchema, vars),
    createDb: (url) => createCatalogDb(url, 20),
    buildApp: buildCatalogApp,
  }, env, opts);
  const { call } = catalog;
  return {
    ...catalog,
    putItem: (sku: string, item: Partial<{ name: string; priceCents: number; currency: string; stock: number }> = {}) =>
      call('PUT', `/items/${sku}`, { name: `Item ${sku}`, priceCents: 1000, currency: 'EUR', stock: 10, ...item }),
    stockOf: async (sku: string): Promise<number> => (await call('GET', `/items/${sku}`)).body.stock,
    reserve: (id: string, lines: Array<{ sku: string; quantity: number }>, extra: Record<string, unknown> = {}) =>
      call('PUT', `/reservations/${id}`, { lines, ...extra }),
  };
}

export type CatalogUnderTest = Awaited<ReturnType<typeof startCatalog>>;

/** A sku no other test uses. */
export const newSku = (prefix = 'SKU') => uniqueId(prefix);
