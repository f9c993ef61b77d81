import { randomUUID } from 'node:crypto';
import { inSpan, type Logger } from 'service-platform';
import { Deadline } from '../clients/resilience/deadline';
import type { OrderRecord, OrderRepository, Writer } from '../data/order-repository';
import type { OrderSaga, SagaHooks } from './order-saga';
import { isUnfinished } from './order-state';

export interface RecoveryPolicy {
  leaseSeconds: number;
  batchSize: number;
  /** Budget for the calls made about one order. */
  budgetMs: number;
  backoff: { baseSeconds: number; maxSeconds: number };
  /**
   * The longest backoff of an order past the point of no return: its stock is sold and its credit
   * hold lapses by itself, so it must be tried again while the hold lives (an outage of Account
   * that doubled its backoff past the hold's expiry would leave it needing attention).
   */
  committingMaxBackoffSeconds: number;
}

/**
 * Finishes what a request left, through the saga's own steps from the stored state: an order still
 * `pending` or `committing` after its grace period (its request died or outlived it), or one whose
 * releases are owed. Each pass leases the orders that are due (database clock) under a token of its
 * own; the saga's writes count only while that lease is alive, so a worker whose lease ran out (or
 * a request that outlived its grace) loses every compare-and-set and changes nothing. An order that
 * cannot be finished now is due again after a backoff, so one bad order never starves the others;
 * `needs_attention` orders are never due.
 */
export function recoveryWorker(deps: { orders: OrderRepository; saga: OrderSaga; policy: RecoveryPolicy; logger: Logger; hooks?: SagaHooks }) {
  const { orders, saga, policy, logger } = deps;
  const backoffFor = (order: OrderRecord) => (order.state === 'committing'
    ? { ...policy.backoff, maxSeconds: Math.min(policy.backoff.maxSeconds, policy.committingMaxBackoffSeconds) }
    : policy.backoff);

  /** One order, in a span of its own: the trace of its recovery holds the saga's steps it ran. */
  const recover = (order: OrderRecord, writer: Extract<Writer, { kind: 'lease' }>): Promise<boolean> =>
    inSpan('order.recover', { 'order.id': order.id, 'order.state': order.state }, () => recoverNow(order, writer),
      (done) => ({ 'order.step.outcome': done ? 'finished' : 'deferred' }));

  async function recoverNow(order: OrderRecord, writer: Extract<Writer, { kind: 'lease' }>): Promise<boolean> {
    await deps.hooks?.at('recover', order.id, writer);
    const after = await saga.run(order, Deadline.after(policy.budgetMs), writer);
    const done = !isUnfinished(after.state) && !after.releasesOwed;
    const stillOurs = done ? await orders.releaseLease(order.id, writer.owner) : await orders.defer(order.id, writer.owner, backoffFor(after));
    if (!stillOurs) logger.info({ orderId: order.id }, 'the lease ran out before the work was done; another worker owns the order');
    if (after.state !== order.state) logger.info({ orderId: order.id, from: order.state, to: after.state }, 'recovery moved an order');
    return done;
  }

  /** Returns how many of the batch were finished; the others are due again after their backoff. */
  async function recoverBatch(batch: OrderRecord[], owner: string): Promise<number> {
    let finished = 0;
    for (const order of batch) {
      const writer = { kind: 'lease', owner } as const;
      try {
        if (await recover(order, writer)) finished++;
      } catch (err) {
        logger.warn({ orderId: order.id, err: String(err) }, 'recovery of an order failed; it is due again after a backoff');
        await orders.defer(order.id, owner, backoffFor(order)).catch(() => undefined);
      }
    }
    return finished;
  }

  return {
    /**
     * One pass: batch after batch while batches come full (a backlog after an outage drains in one
     * pass; an order deferred in this pass is not due again within it).
     */
    async runOnce(): Promise<number> {
      const owner = randomUUID();
      let handled = 0;
      for (let round = 0; round < 100; round++) {
        const batch = await orders.leaseDue(owner, policy.leaseSeconds, policy.batchSize);
        await recoverBatch(batch, owner);
        handled += batch.length;
        if (batch.length < policy.batchSize) break;
      }
      return handled;
    },
  };
}

export type RecoveryWorker = ReturnType<typeof recoveryWorker>;
