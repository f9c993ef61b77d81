import { inTransaction, rollbackWith } from 'service-platform';
import type { CatalogDb } from './catalog-db';

export interface StockAdjustmentInput {
  adjustmentId: string;
  sku: string;
  delta: number;
  reason: string;
}

export interface StockAdjustment extends StockAdjustmentInput {
  stockAfter: number;
  createdAt: Date;
}

/** Why an adjustment did not apply: the item is missing, or the stock would leave 0..2^31-1. */
export type AdjustmentRefusal = { kind: 'unknown_item' } | { kind: 'out_of_range'; available: number };

export type AdjustmentOutcome =
  | { kind: 'created' | 'existing'; adjustment: StockAdjustment }
  | { kind: 'refused'; refusal: AdjustmentRefusal };

const STOCK_MAX = 2_147_483_647;

async function read(db: CatalogDb, id: string): Promise<StockAdjustment | null> {
  const rows = await db.$queryRaw<StockAdjustment[]>`
    SELECT id AS "adjustmentId", sku, delta, reason, stock_after AS "stockAfter", created_at AS "createdAt"
      FROM stock_adjustments WHERE id = ${id}`;
  return rows[0] ?? null;
}

export function stockAdjustmentRepository(db: CatalogDb) {
  /**
   * One conditional UPDATE moves the stock (it cannot take a unit a reservation holds: both change
   * the same row, which the UPDATE locks), then the adjustment is recorded by its id. An id already
   * recorded (even by a concurrent request) rolls the move back and answers what is recorded.
   */
  async function apply(input: StockAdjustmentInput): Promise<AdjustmentOutcome | null> {
    return inTransaction(db, async (tx): Promise<AdjustmentOutcome | null> => {
      const moved = await tx.$queryRaw<Array<{ stock: number }>>`
        UPDATE items SET stock = stock + ${input.delta}::int, updated_at = now()
         WHERE sku = ${input.sku} AND stock::bigint + ${input.delta}::int BETWEEN 0 AND ${STOCK_MAX}
        RETURNING stock`;
      if (moved.length === 0) {
        const [item] = await tx.$queryRaw<Array<{ stock: number }>>`SELECT stock FROM items WHERE sku = ${input.sku}`;
        return { kind: 'refused', refusal: item ? { kind: 'out_of_range', available: item.stock } : { kind: 'unknown_item' } };
      }
      const recorded = await tx.$queryRaw<StockAdjustment[]>`
        INSERT INTO stock_adjustments (id, sku, delta, reason, stock_after)
        VALUES (${input.adjustmentId}, ${input.sku}, ${input.delta}, ${input.reason}, ${moved[0].stock})
        ON CONFLICT (id) DO NOTHING
        RETURNING id AS "adjustmentId", sku, delta, reason, stock_after AS "stockAfter", created_at AS "createdAt"`;
      if (recorded.length === 0) return rollbackWith(null);
      return { kind: 'created', adjustment: recorded[0] };
    });
  }

  return {
    find: (id: string) => read(db, id),

    /** Applies the adjustment once; an id seen before answers what was recorded for it. */
    async adjust(input: StockAdjustmentInput): Promise<AdjustmentOutcome> {
      const existing = await read(db, input.adjustmentId);
      if (existing) return { kind: 'existing', adjustment: existing };
      const outcome = await apply(input);
      if (outcome) return outcome;
      const raced = await read(db, input.adjustmentId);
      if (!raced) throw new Error(`adjustment ${input.adjustmentId} recorded but not found`);
      return { kind: 'existing', adjustment: raced };
    },
  };
}

export type StockAdjustmentRepository = ReturnType<typeof stockAdjustmentRepository>;
