import type { Logger } from 'service-platform';
import type { CatalogDb } from './data/catalog-db';
import { itemRepository } from './data/item-repository';

/** Demo items, the ones the README and Swagger UI examples use. Written only into an empty catalog. */
export const DEMO_ITEMS = [
  { sku: 'COFFEE-1KG', name: 'Espresso beans 1 kg', priceCents: 2450, currency: 'EUR', stock: 1000 },
  { sku: 'MUG-CERAMIC', name: 'Ceramic mug', priceCents: 1200, currency: 'EUR', stock: 500 },
  { sku: 'GRINDER-HAND', name: 'Hand grinder', priceCents: 8900, currency: 'EUR', stock: 50 },
  { sku: 'FILTER-PAPER', name: 'Filter papers (100)', priceCents: 450, currency: 'EUR', stock: 2000 },
];

export async function seedCatalog(db: CatalogDb, logger: Logger): Promise<void> {
  const items = itemRepository(db);
  if ((await items.count()) > 0) return;
  for (const item of DEMO_ITEMS) await items.upsert(item);
  logger.info({ items: DEMO_ITEMS.length }, 'demo items seeded');
}
