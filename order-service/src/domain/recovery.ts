import type { Logger } from 'service-platform';
import type { AccountClient } from '../clients/account-client';
import type { CatalogClient } from '../clients/catalog-client';
import { Deadline } from '../clients/resilience/deadline';
import type { OrderRecord, OrderRepository } from '../data/order-repository';
import type { OrderSaga } from './order-saga';

export interface RecoveryPolicy {
  graceSeconds: number;
  leaseSeconds: number;
  batchSize: number;
  /** Budget for the calls made about one order. */
  budgetMs: number;
}

const IN_PLACE = new Set(['held', 'confirmed', 'captured']);

/**
 * Finishes what a dead request left: an order still `pending` past the grace period goes forward
 * when both its commitments are in place (or it had passed the point of no return), and is
 * compensated otherwise; releases that could not be sent are re-sent. Several instances may run
 * it at once: each order is leased (FOR UPDATE SKIP LOCKED) to one of them.
 */
export function recoveryWorker(deps: { orders: OrderRepository; catalog: CatalogClient; account: AccountClient; saga: OrderSaga; policy: RecoveryPolicy; logger: Logger }) {
  const { orders, catalog, account, saga, policy, logger } = deps;

  async function commitmentsInPlace(order: OrderRecord, deadline: Deadline): Promise<boolean> {
    const [reservation, hold] = await Promise.all([catalog.find(order.id, deadline), account.find(order.id, deadline)]);
    return reservation.ok && hold.ok && IN_PLACE.has(reservation.value?.status ?? '') && IN_PLACE.has(hold.value?.status ?? '');
  }

  async function recover(order: OrderRecord): Promise<void> {
    const deadline = Deadline.after(policy.budgetMs);
    if (order.status !== 'pending') {
      await saga.compensate(order.id, deadline);
      return;
    }
    if (order.step === 'committing' || (await commitmentsInPlace(order, deadline))) {
      await orders.markCommitting(order.id);
      const done = await saga.run({ ...order, step: 'committing' }, deadline);
      logger.info({ orderId: order.id, status: done.status }, 'recovery drove a pending order forward');
      return;
    }
    await orders.finish(order.id, 'failed', {
      status: 503, code: 'order_interrupted', title: 'The order was interrupted',
      detail: 'The service stopped while placing this order; nothing was charged. Place the order again.', retryAfterSeconds: 1,
    }, true);
    await saga.compensate(order.id, deadline);
    logger.info({ orderId: order.id }, 'recovery compensated an interrupted order');
  }

  return {
    /**
     * One pass: batch after batch while batches come full and make progress (a backlog after an
     * outage drains in one pass; orders that still cannot be recovered wait for the next pass).
     */
    async runOnce(): Promise<number> {
      let handled = 0;
      for (let round = 0; round < 20; round++) {
        const batch = await orders.leaseForRecovery(policy.graceSeconds, policy.leaseSeconds, policy.batchSize);
        const recovered = await recoverBatch(batch);
        handled += batch.length;
        if (batch.length < policy.batchSize || recovered === 0) break;
      }
      return handled;
    },
  };

  /** Returns how many of the batch were recovered; each lease is given back either way. */
  async function recoverBatch(batch: OrderRecord[]): Promise<number> {
    let recovered = 0;
    for (const order of batch) {
      try {
        await recover(order);
        recovered++;
      } catch (err) {
        logger.warn({ orderId: order.id, err: String(err) }, 'recovery of an order failed; will retry');
      } finally {
        await orders.releaseLease(order.id);
      }
    }
    return recovered;
  }
}
