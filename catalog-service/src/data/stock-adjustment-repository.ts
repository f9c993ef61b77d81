import { type Deadline, inTransaction, rollbackWith } from 'service-platform';
import type { AdjustmentOutcome, StockAdjustment, StockAdjustmentInput, StockAdjustmentStore } from '../domain/ports';
import type { CatalogDb } from './catalog-db';

const STOCK_MAX = 2_147_483_647;

const COLUMNS = 'id AS "adjustmentId", sku, delta, reason, stock_after AS "stockAfter", created_at AS "createdAt"';

async function read(db: CatalogDb, id: string): Promise<StockAdjustment | null> {
  const rows = await db.prisma.$queryRawUnsafe<StockAdjustment[]>(`SELECT ${COLUMNS} FROM stock_adjustments WHERE id = $1`, id);
  return rows[0] ?? null;
}

export function stockAdjustmentRepository(db: CatalogDb) {
  /**
   * Claims the adjustment's id first (as `reserve_stock` claims a reservation's id), then moves the
   * stock with one conditional UPDATE (it cannot take a unit a reservation holds: both change the
   * same row, which the UPDATE locks). A concurrent request with the same id waits on the claim and
   * then answers what the first one recorded, never a refusal of its own computed after the first
   * moved the stock. A refusal rolls the claim back: the id stays free. Null: the id was claimed
   * by someone else, or the item is unknown (the claim copies the item's row; none, no claim).
   */
  async function apply(input: StockAdjustmentInput, deadline?: Deadline): Promise<AdjustmentOutcome | null> {
    return inTransaction(db.prisma, async (tx): Promise<AdjustmentOutcome | null> => {
      const claimed = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO stock_adjustments (id, sku, delta, reason, stock_after)
        SELECT ${input.adjustmentId}, sku, ${input.delta}::int, ${input.reason}, stock FROM items WHERE sku = ${input.sku}
        ON CONFLICT (id) DO NOTHING RETURNING id`;
      if (claimed.length === 0) return null;
      const moved = await tx.$queryRaw<Array<{ stock: number }>>`
        UPDATE items SET stock = stock + ${input.delta}::int, updated_at = now()
         WHERE sku = ${input.sku} AND stock::bigint + ${input.delta}::int BETWEEN 0 AND ${STOCK_MAX}
        RETURNING stock`;
      if (moved.length === 0) {
        const [item] = await tx.$queryRaw<Array<{ stock: number }>>`SELECT stock FROM items WHERE sku = ${input.sku}`;
        return rollbackWith({ kind: 'refused', refusal: { kind: 'out_of_range', available: item.stock } });
      }
      const recorded = await tx.$queryRawUnsafe<StockAdjustment[]>(
        `UPDATE stock_adjustments SET stock_after = $2 WHERE id = $1 RETURNING ${COLUMNS}`, input.adjustmentId, moved[0].stock);
      return { kind: 'created', adjustment: recorded[0] };
    }, { deadline });
  }

  return {
    find: (id: string) => read(db, id),

    /** Applies the adjustment once; an id seen before (or claimed meanwhile) answers what was recorded for it. */
    async adjust(input: StockAdjustmentInput, deadline?: Deadline): Promise<AdjustmentOutcome> {
      const existing = await read(db, input.adjustmentId);
      if (existing) return { kind: 'existing', adjustment: existing };
      const outcome = await apply(input, deadline);
      if (outcome) return outcome;
      const raced = await read(db, input.adjustmentId);
      return raced ? { kind: 'existing', adjustment: raced } : { kind: 'refused', refusal: { kind: 'unknown_item' } };
    },
  } satisfies StockAdjustmentStore & Record<string, unknown>;
}

export type StockAdjustmentRepository = ReturnType<typeof stockAdjustmentRepository>;
