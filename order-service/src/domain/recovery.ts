import { randomUUID } from 'node:crypto';
import { Deadline, inSpan, type Logger } from 'service-platform';
import type { OrderRecord, OrderStore, Writer } from './order';
import { type LeaseTerms, whileLeased } from './order-lease';
import type { OrderSaga } from './order-saga';
import { isUnfinished } from './order-state';

export interface RecoveryPolicy extends LeaseTerms {
  /** The most orders one pass takes (one at a time) before it leaves the rest to the next pass. */
  maxOrdersPerPass: number;
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
 * releases are owed. A pass takes the due orders one at a time (database clock), each under a lease
 * of its own that names the pass as owner, is short, and is renewed while the worker works on that
 * order (`whileLeased`): a stalled replica holds at most the one order it was working on, and only
 * until its lease lapses. The saga's writes count only while the owner's lease is alive, so a
 * worker past its lease loses every compare-and-set and changes nothing (what it sent stays owed on
 * the order). An order that cannot be finished now is due again after a backoff, so one bad order
 * never starves the others; `needs_attention` orders are never due. See docs/recovery.md.
 */
export function recoveryWorker(deps: { orders: OrderStore; saga: OrderSaga; policy: RecoveryPolicy; logger: Logger }) {
  const { orders, saga, policy, logger } = deps;
  const backoffFor = (order: OrderRecord) => (order.state === 'committing'
    ? { ...policy.backoff, maxSeconds: Math.min(policy.backoff.maxSeconds, policy.committingMaxBackoffSeconds) }
    : policy.backoff);

  /** One order, in a span of its own: the trace of its recovery holds the saga's steps it ran. */
  const recover = (order: OrderRecord, writer: Extract<Writer, { kind: 'lease' }>): Promise<boolean> =>
    inSpan('order.recover', { 'order.id': order.id, 'order.state': order.state }, () => recoverNow(order, writer),
      (done) => ({ 'order.step.outcome': done ? 'finished' : 'deferred' }));

  async function recoverNow(order: OrderRecord, writer: Extract<Writer, { kind: 'lease' }>): Promise<boolean> {
    const after = await saga.run(order, Deadline.after(policy.budgetMs), writer);
    const done = !isUnfinished(after.state) && !after.releasesOwed;
    const stillOurs = done ? await orders.releaseLease(order.id, writer.owner) : await orders.defer(order.id, writer.owner, backoffFor(after));
    if (!stillOurs) logger.info({ orderId: order.id }, 'the lease ran out before the work was done; another worker owns the order');
    if (after.state !== order.state) logger.info({ orderId: order.id, from: order.state, to: after.state }, 'recovery moved an order');
    return done;
  }

  /** One leased order, renewed while it runs; a failure leaves it due again after a backoff. */
  async function recoverLeased(order: OrderRecord, owner: string): Promise<void> {
    const writer = { kind: 'lease', owner } as const;
    try {
      await whileLeased({ orderId: order.id, owner }, { orders, terms: policy, logger }, () => recover(order, writer));
    } catch (err) {
      logger.warn({ orderId: order.id, err: String(err) }, 'recovery of an order failed; it is due again after a backoff');
      await orders.defer(order.id, owner, backoffFor(order)).catch(() => undefined);
    }
  }

  return {
    /**
     * One pass: the due orders one at a time, until none is due, the pass has taken
     * `maxOrdersPerPass`, or the service stops (an order deferred in this pass is not due again
     * within it unless its backoff has passed). Returns how many orders it took.
     */
    async runOnce(signal?: AbortSignal): Promise<number> {
      const owner = randomUUID();
      let handled = 0;
      while (handled < policy.maxOrdersPerPass && !signal?.aborted) {
        const order = await orders.leaseNext(owner, policy.leaseSeconds);
        if (!order) break;
        await recoverLeased(order, owner);
        handled++;
      }
      return handled;
    },
  };
}

export type RecoveryWorker = ReturnType<typeof recoveryWorker>;
