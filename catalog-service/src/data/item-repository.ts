import { type Deadline, decodeCursor, inTransaction, type Page, toPage } from 'service-platform';
import type { Item, ItemInput, ItemStore, PutOutcome } from '../domain/ports';
import type { CatalogDb } from './catalog-db';

const select = { sku: true, name: true, priceCents: true, currency: true, stock: true } as const;
const RETURNING = 'RETURNING sku, name, price_cents AS "priceCents", currency, stock';

export function itemRepository(db: CatalogDb) {
  return {
    find: (sku: string): Promise<Item | null> => db.prisma.item.findUnique({ where: { sku }, select }),

    async list(limit: number, cursor?: string): Promise<Page<Item>> {
      const after = decodeCursor(cursor);
      const rows = await db.prisma.item.findMany({
        select,
        where: after === undefined ? {} : { sku: { gt: after } },
        orderBy: { sku: 'asc' },
        take: limit + 1,
      });
      return toPage(rows, limit, (i) => i.sku);
    },

    /**
     * Creates or replaces an item in one transaction: the row is locked first, `refuse` decides from
     * it (an If-Match that no longer matches, a stock change without one) and nothing is written when
     * it refuses. A stock left out keeps the stock as it is (a new item starts at 0).
     */
    put: <Refusal>(item: ItemInput, refuse: (current: Item | null) => Refusal | undefined, deadline?: Deadline): Promise<PutOutcome<Refusal>> =>
      inTransaction(db.prisma, async (tx): Promise<PutOutcome<Refusal>> => {
        for (let round = 0; round < 2; round++) {
          const [current] = await tx.$queryRawUnsafe<Item[]>(
            `SELECT sku, name, price_cents AS "priceCents", currency, stock FROM items WHERE sku = $1 FOR UPDATE`, item.sku);
          const refusal = refuse(current ?? null);
          if (refusal !== undefined) return { ok: false, refusal };
          if (current) {
            const [saved] = await tx.$queryRawUnsafe<Item[]>(
              `UPDATE items SET name = $2, price_cents = $3, currency = $4, stock = COALESCE($5::int, stock), updated_at = now()
                WHERE sku = $1 ${RETURNING}`, item.sku, item.name, item.priceCents, item.currency, item.stock ?? null);
            return { ok: true, item: saved, created: false };
          }
          const [created] = await tx.$queryRawUnsafe<Item[]>(
            `INSERT INTO items (sku, name, price_cents, currency, stock) VALUES ($1, $2, $3, $4, $5::int)
             ON CONFLICT (sku) DO NOTHING ${RETURNING}`, item.sku, item.name, item.priceCents, item.currency, item.stock ?? 0);
          if (created) return { ok: true, item: created, created: true };
          // Created meanwhile by another put: go round and decide against that one.
        }
        throw new Error(`item ${item.sku} neither found nor insertable`);
      }, { deadline }),

    /** For the demo data: creates or replaces, stock included, without preconditions. */
    async upsert(item: Item): Promise<void> {
      await db.prisma.$executeRaw`
        INSERT INTO items (sku, name, price_cents, currency, stock, updated_at)
        VALUES (${item.sku}, ${item.name}, ${item.priceCents}, ${item.currency}, ${item.stock}, now())
        ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price_cents = EXCLUDED.price_cents,
          currency = EXCLUDED.currency, stock = EXCLUDED.stock, updated_at = now()`;
    },

    count: (): Promise<number> => db.prisma.item.count(),
  } satisfies ItemStore & Record<string, unknown>;
}

export type ItemRepository = ReturnType<typeof itemRepository>;
