import { type Deadline, InvalidFields } from 'service-platform';
import { AdjustmentMismatch, NegativeStock, StockTooLarge, UnknownItem } from './catalog-errors';
import type { StockAdjustment, StockAdjustmentInput, StockAdjustmentStore } from './ports';

const sameRequest = (a: StockAdjustmentInput, b: StockAdjustmentInput) => a.sku === b.sku && a.delta === b.delta && a.reason === b.reason;

export function stockAdjustmentService(repo: StockAdjustmentStore) {
  return {
    /**
     * Moves an item's stock by `delta`, once per `adjustmentId`: a retry with the same body answers
     * the recorded adjustment (`created` false) and moves nothing; the available stock never goes
     * below zero, whatever the reservations do meanwhile.
     */
    async adjust(input: StockAdjustmentInput, deadline?: Deadline): Promise<{ adjustment: StockAdjustment; created: boolean }> {
      if (input.delta === 0) throw new InvalidFields([{ field: 'body.delta', message: 'must not be 0' }]);
      const outcome = await repo.adjust(input, deadline);
      if (outcome.kind === 'refused') {
        if (outcome.refusal.kind === 'unknown_item') throw new UnknownItem([input.sku]);
        if (input.delta < 0) throw new NegativeStock(input.sku, input.delta, outcome.refusal.available);
        throw new StockTooLarge(input.sku, input.delta, outcome.refusal.available);
      }
      if (outcome.kind === 'existing' && !sameRequest(outcome.adjustment, input)) throw new AdjustmentMismatch(input.adjustmentId);
      return { adjustment: outcome.adjustment, created: outcome.kind === 'created' };
    },
  };
}

export type StockAdjustmentService = ReturnType<typeof stockAdjustmentService>;
