import { decodeCursor, type Page, toPage } from 'service-platform';
import type { CatalogDb } from './catalog-db';

export interface Item {
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  stock: number;
}

const select = { sku: true, name: true, priceCents: true, currency: true, stock: true } as const;

export function itemRepository(db: CatalogDb) {
  return {
    find: (sku: string): Promise<Item | null> => db.item.findUnique({ where: { sku }, select }),

    async list(limit: number, cursor?: string): Promise<Page<Item>> {
      const after = decodeCursor(cursor);
      const rows = await db.item.findMany({
        select,
        where: after === undefined ? {} : { sku: { gt: after } },
        orderBy: { sku: 'asc' },
        take: limit + 1,
      });
      return toPage(rows, limit, (i) => i.sku);
    },

    /** Creates or replaces in one statement; `created` tells which (xmax = 0 only on insert). */
    async upsert(item: Item): Promise<{ item: Item; created: boolean }> {
      const [row] = await db.$queryRaw<Array<Item & { created: boolean }>>`
        INSERT INTO items (sku, name, price_cents, currency, stock, updated_at)
        VALUES (${item.sku}, ${item.name}, ${item.priceCents}, ${item.currency}, ${item.stock}, now())
        ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price_cents = EXCLUDED.price_cents,
          currency = EXCLUDED.currency, stock = EXCLUDED.stock, updated_at = now()
        RETURNING sku, name, price_cents AS "priceCents", currency, stock, (xmax = 0) AS created`;
      const { created, ...saved } = row;
      return { item: saved, created };
    },

    count: (): Promise<number> => db.item.count(),
  };
}

export type ItemRepository = ReturnType<typeof itemRepository>;
