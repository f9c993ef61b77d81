import type { Logger } from 'service-platform';
import { Deadline } from 'service-platform';
import { type OrderRecord, type OrderStore, REQUEST, type SettleAction, type Settlement } from './order';
import { OrderNotNeedingAttention, OrderNotRetryable, UnknownOrder } from './order-errors';
import { failedByOperator } from './order-reasons';
import type { OrderSaga } from './order-saga';
import { type Move, publicStatus } from './order-state';

export interface SettlementRequest {
  action: SettleAction;
  /** Why the operator decided so, in their words. */
  reason: string;
}

/** Where each action moves a needs_attention order (the only moves out of it: order-state.ts). */
const TARGET: Record<SettleAction, Move<'needs_attention'>> = { retry: 'committing', fail: 'failed', accept: 'confirmed' };

const sameSettlement = (stored: Settlement | null, asked: SettlementRequest) =>
  stored !== null && stored.action === asked.action && stored.why === asked.reason;

/**
 * An operator settles an order that needs attention (only a person can):
 *   retry  back to `committing`: the saga confirms and captures again now, and recovery goes on
 *          if a dependency is not there yet (an order that needed attention after it had ended,
 *          its release refused, was never past the point of no return: it cannot be retried);
 *   fail   `failed`: its releases become owed and are sent, as the saga sends them (a release
 *          refused for good, a confirmed reservation, is accepted: the operator decided);
 *   accept `confirmed` as it stands (the money was settled outside): nothing more is sent.
 * Recorded on the order (`settlement`: who, what, why, when, and the reason it needed attention
 * for). The move is a compare-and-set from `needs_attention`: of two settlements one wins; the same
 * settlement asked again answers the order as it stands, any other is refused with its state.
 */
export function settleOrderUseCase(deps: { orders: OrderStore; saga: OrderSaga; budgetMs: number; logger: Logger }) {
  const { orders, saga, logger } = deps;

  /** An order that no longer needs attention: the same settlement is a replay, anything else a conflict. */
  const answerSettled = (order: OrderRecord, asked: SettlementRequest): OrderRecord => {
    if (sameSettlement(order.settlement, asked)) return order;
    throw new OrderNotNeedingAttention(order.id, publicStatus(order.state));
  };

  return async function settle(orderId: string, asked: SettlementRequest, by: string): Promise<OrderRecord> {
    const order = await orders.find(orderId);
    if (!order) throw new UnknownOrder(orderId);
    if (order.state !== 'needs_attention') return answerSettled(order, asked);
    if (asked.action === 'retry' && order.reason?.code === 'release_refused') throw new OrderNotRetryable(order.id, String(order.reason.ended ?? 'unfinished'));

    const settlement: Settlement = { action: asked.action, by, why: asked.reason, at: new Date().toISOString(), from: order.reason?.code ?? null };
    const reason = asked.action === 'fail' ? failedByOperator(asked.reason) : undefined;
    const moved = await orders.move(order.id, 'needs_attention', TARGET[asked.action], { settlement, reason, nextAttemptInSeconds: 0 }, REQUEST);
    if (!moved) return answerSettled((await orders.find(orderId))!, asked); // another settlement won the compare-and-set
    logger.warn({ orderId, action: asked.action, by, why: asked.reason, from: settlement.from }, 'order settled by an operator');
    if (asked.action === 'accept') return moved;
    try {
      return await saga.run(moved, Deadline.after(deps.budgetMs), REQUEST);
    } catch (err) {
      // Recorded, and due for recovery at once (nextAttemptInSeconds 0): it finishes what this could not.
      logger.error({ orderId, err }, 'settled order left to recovery');
      return moved;
    }
  };
}

export type SettleOrder = ReturnType<typeof settleOrderUseCase>;
