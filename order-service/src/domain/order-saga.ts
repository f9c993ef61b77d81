import type { Logger } from 'service-platform';
import type { AccountClient } from '../clients/account-client';
import type { CatalogClient } from '../clients/catalog-client';
import { Deadline } from '../clients/resilience/deadline';
import { type DependencyUnavailable, isDependencyUnavailable } from '../clients/resilience/dependency-unavailable';
import type { OrderRecord, OrderRepository, StoredProblem } from '../data/order-repository';
import {
  commitmentExpired,
  isRejection,
  priceFromReservation,
  rejectionProblem,
  unavailableProblem,
  unexpectedRefusal,
} from './saga-steps';

export interface SagaPolicy {
  reservationTtlSeconds: number;
  holdTtlSeconds: number;
  /** The budget for releases sent after the request's own budget is spent. */
  compensationBudgetMs: number;
  /** Test hook: widens the window between the credit hold and the confirmations. */
  pauseBeforeCommitMs: number;
}

/**
 * The order saga. It asks for commitments, never for information:
 *   1. the order is recorded `pending` (by the caller, with its Idempotency-Key);
 *   2. reserve the stock in Catalog, keyed by the order id: the answer carries the prices;
 *   3. price the order from the reservation;
 *   4. hold the credit in Account, keyed by the order id;
 *   5. confirm the reservation, capture the hold: `confirmed`.
 * A refusal releases what is held: `rejected`. A failure releases what may be held: `failed`.
 *
 * The point of no return is recorded (step `committing`) once both commitments are in place and
 * before the reservation is confirmed. From there the saga only goes forward: if a confirmation
 * cannot be sent now, the order stays pending and the recovery worker finishes it. Confirming the
 * stock before capturing the credit means that no charge ever precedes a confirmed order; the hold
 * outlives the reservation (holdTtlSeconds > reservationTtlSeconds) so that it can still be
 * captured after the reservation was confirmed.
 */
export function orderSaga(deps: { orders: OrderRepository; catalog: CatalogClient; account: AccountClient; policy: SagaPolicy; logger: Logger }) {
  const { orders, catalog, account, policy, logger } = deps;

  /** Ends the order and releases both commitments: awaited within `deadline`, else in the background. */
  async function end(order: OrderRecord, status: 'rejected' | 'failed', problem: StoredProblem, deadline: Deadline | null, beforeCommit = false, nothingHeld = false) {
    const finished = await orders.finish(order.id, status, problem, !nothingHeld, beforeCommit);
    if (!finished) return (await orders.find(order.id))!; // decided elsewhere, or past the point of no return
    if (nothingHeld) return finished;
    if (deadline) await compensate(order.id, deadline);
    else void compensate(order.id, Deadline.after(policy.compensationBudgetMs));
    return finished;
  }

  /** Releases both commitments (each is idempotent and succeeds for an id never used). */
  async function compensate(orderId: string, deadline: Deadline): Promise<boolean> {
    try {
      const [reservation, hold] = await Promise.all([catalog.release(orderId, deadline), account.release(orderId, deadline)]);
      if (!reservation.ok || !hold.ok) {
        logger.error({ orderId, reservation, hold }, 'a release was refused: a confirmed commitment cannot be released');
        return false;
      }
      await orders.markCompensated(orderId);
      return true;
    } catch (err) {
      logger.warn({ orderId, err: String(err) }, 'releases not sent now; the recovery worker will re-send them');
      return false;
    }
  }

  /** Step 5, past the point of no return: only forward. */
  async function commit(order: OrderRecord, deadline: Deadline): Promise<OrderRecord> {
    const confirmed = await catalog.confirm(order.id, deadline);
    if (!confirmed.ok) return end(order, 'failed', commitmentExpired('stock reservation'), deadline);
    const captured = await account.capture(order.id, deadline);
    if (!captured.ok) {
      logger.error({ orderId: order.id, problem: captured.problem }, 'stock confirmed but the credit hold expired: needs attention');
      return end(order, 'failed', commitmentExpired('credit hold'), null);
    }
    return (await orders.finish(order.id, 'confirmed', null, false)) ?? (await orders.find(order.id))!;
  }

  async function reserveAndHold(order: OrderRecord, deadline: Deadline): Promise<OrderRecord> {
    let reserved: Awaited<ReturnType<CatalogClient['reserve']>>;
    try {
      reserved = await catalog.reserve(order.id, order.lines, policy.reservationTtlSeconds, deadline);
    } catch (err) {
      // Refused before anything was sent (open breaker, full bulkhead): nothing to release anywhere,
      // which keeps the fail-fast answer cheap while a dependency is down.
      if (isDependencyUnavailable(err) && !err.sent) return end(order, 'failed', unavailableProblem(err), null, true, true);
      throw err;
    }
    if (!reserved.ok) return refused(order, 'catalog', reserved.problem, deadline);
    const priced = priceFromReservation(reserved.value);
    await orders.markPriced(order.id, priced.lines, priced.totalCents, priced.currency);
    const held = await account.hold(order.id, {
      accountId: order.accountId, amountCents: priced.totalCents, currency: priced.currency, ttlSeconds: policy.holdTtlSeconds,
    }, deadline);
    if (!held.ok) return refused(order, 'account', held.problem, deadline);
    if (policy.pauseBeforeCommitMs > 0) await new Promise((r) => setTimeout(r, policy.pauseBeforeCommitMs));
    await orders.markCommitting(order.id);
    return commit(order, deadline);
  }

  function refused(order: OrderRecord, dependency: string, problem: { code: string }, deadline: Deadline) {
    if (isRejection(problem)) return end(order, 'rejected', rejectionProblem(problem), deadline);
    throw unexpectedRefusal(dependency, problem);
  }

  /** A dependency is unavailable: fail and release, unless past the point of no return (then recovery finishes). */
  async function failed(order: OrderRecord, err: DependencyUnavailable): Promise<OrderRecord> {
    logger.warn({ orderId: order.id, dependency: err.dependency, reason: err.reason }, 'dependency unavailable');
    return end(order, 'failed', unavailableProblem(err), null, true);
  }

  return {
    /** Drives a `pending` order to its end (or, past the point of no return, as far as it can). */
    async run(order: OrderRecord, deadline: Deadline): Promise<OrderRecord> {
      try {
        return order.step === 'committing' ? await commit(order, deadline) : await reserveAndHold(order, deadline);
      } catch (err) {
        if (isDependencyUnavailable(err)) return failed(order, err);
        throw err;
      }
    },
    compensate,
    commit,
  };
}

export type OrderSaga = ReturnType<typeof orderSaga>;
