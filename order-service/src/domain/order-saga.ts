import { Deadline, type Logger, MIN_RELEASE_BUDGET_MS } from 'service-platform';
import type { OrderRecord, OrderStore, Reason, Writer } from './order';
import {
  commitmentExpired, holdLapsed, isRejection, priceFromReservation, rejectedBecause, releaseRefused, unavailable, unexpectedRefusal,
} from './order-reasons';
import type { OrderState } from './order-state';
import type { CreditPort, DependencyName, Refusal, Result, StepContext, StockPort } from './ports';

export interface SagaPolicy {
  reservationTtlSeconds: number;
  holdTtlSeconds: number;
  /** The budget for releases sent after the request's own budget is spent. */
  compensationBudgetMs: number;
  /** How long the request path keeps an order to itself before recovery may look at it. */
  graceSeconds: number;
}

type Refused = Extract<Result<unknown>, { refused: Refusal }>;
type NotAccepted = Exclude<Result<unknown>, { ok: true }>;
type End = { to: 'rejected' | 'failed'; reason: Reason };

/**
 * What an ended order gives back: a release to every dependency of its saga, whoever ends it.
 * (Temporal's saga sample registers each compensation as its step is sent, which is right for one
 * workflow execution; here several actors may work on one order (a request that died, recovery, a
 * replica), so what one actor sent tells nothing of what the others did. The order owes a release
 * to every dependency; a release of an id never used is safe and leaves a tombstone, so a late
 * commitment of that id is refused.)
 */
const EVERY_DEPENDENCY: readonly DependencyName[] = ['catalog', 'account'];

/** Confirm refusals that end a committing order failed: the reservation lapsed and cannot be re-confirmed. */
const UNCONFIRMABLE = ['reservation_expired', 'reservation_released', 'out_of_stock'];
/** Capture refusals that leave the order to a person: the hold was released, or lapsed and cannot be re-authorized. */
const UNCAPTURABLE = ['hold_expired', 'hold_released', 'insufficient_credit'];

/**
 * The order saga. It asks for commitments, never for information, and reads in the order it runs:
 *   1. reserve the stock in Catalog, keyed by the order id: the answer carries the prices;
 *   2. hold the credit in Account, keyed by the order id (a free order needs none);
 *   3. record `committing` with the prices: the point of no return;
 *   4. confirm the reservation;
 *   5. capture the hold: `confirmed`.
 * Before step 3 a refusal ends the order `rejected`, a failure `failed`, and what may be held is
 * released. After it the saga only goes forward. Every state write is a compare-and-set
 * (`orders.move`): a step that loses has been overtaken (by recovery, or a replica) and answers
 * what is stored. Recovery runs the same steps from the stored state (`run`).
 *
 * It knows its dependencies only as ports (`ports.ts`): spans and test barriers are decorators
 * around them (`saga-spans.ts`, `saga-hooks.ts`), not calls woven through the steps.
 */
export function orderSaga(deps: {
  orders: OrderStore; stock: StockPort; credit: CreditPort; policy: SagaPolicy; logger: Logger;
  onNeedsAttention?: (order: OrderRecord) => void;
}) {
  const { orders, stock, credit, policy, logger } = deps;
  const releases = { catalog: stock.release, account: credit.release };
  /** The request path keeps the order to itself for the grace period; recovery looks again at once. */
  const nextAttempt = (writer: Writer) => (writer.kind === 'request' ? policy.graceSeconds : 0);
  const overtaken = async (id: string) => (await orders.find(id))!;
  const move = orders.move.bind(orders);

  /** Drives the order from its stored state as far as it can go now; returns it as stored. */
  function run(order: OrderRecord, deadline: Deadline, writer: Writer): Promise<OrderRecord> {
    const ctx: StepContext = { deadline, writer };
    if (order.state === 'pending') return fromPending(order, ctx);
    if (order.state === 'committing') return fromCommitting(order, ctx);
    if (order.releasesOwed) return sendReleases(order, ctx);
    return Promise.resolve(order);
  }

  /** Steps 1–3. */
  async function fromPending(order: OrderRecord, ctx: StepContext): Promise<OrderRecord> {
    const reserved = await stock.reserve(order.id, order.lines, policy.reservationTtlSeconds, ctx);
    if (!reserved.ok) return stop(order, endFor('catalog', reserved), ctx);
    if (!['held', 'confirmed'].includes(reserved.value.status)) return stop(order, { to: 'failed', reason: commitmentExpired('stock reservation') }, ctx);
    const priced = priceFromReservation(reserved.value);

    if (priced.totalCents > 0) {
      const held = await credit.hold(order.id, {
        accountId: order.accountId, amountCents: priced.totalCents, currency: priced.currency, ttlSeconds: policy.holdTtlSeconds,
      }, ctx);
      if (!held.ok) return stop(order, endFor('account', held), ctx);
      if (!['held', 'captured'].includes(held.value.status)) return stop(order, { to: 'failed', reason: commitmentExpired('credit hold') }, ctx);
    }

    const committing = await move(order.id, 'pending', 'committing', { priced, nextAttemptInSeconds: nextAttempt(ctx.writer) }, ctx.writer);
    if (!committing) return overtaken(order.id);
    return fromCommitting(committing, ctx);
  }

  /** Steps 4–5, past the point of no return: only forward. Stock is confirmed before credit is captured. */
  async function fromCommitting(order: OrderRecord, ctx: StepContext): Promise<OrderRecord> {
    const { writer } = ctx;
    const confirmed = await stock.confirm(order.id, ctx);
    if (!confirmed.ok && 'refused' in confirmed && UNCONFIRMABLE.includes(confirmed.refused.code)) {
      // The reservation lapsed and its stock is gone meanwhile (Catalog re-confirms a lapsed one
      // while the stock allows): nothing was sold, so nothing may be charged.
      const failed = await move(order.id, 'committing', 'failed', { reason: commitmentExpired('stock reservation'), nextAttemptInSeconds: nextAttempt(writer) }, writer);
      return failed ? releaseOwed(failed, ctx) : overtaken(order.id);
    }
    if (!confirmed.ok) return stayCommitting(order, 'confirm', confirmed);

    if ((order.totalCents ?? 0) > 0) {
      const captured = await credit.capture(order.id, ctx);
      if (!captured.ok && 'refused' in captured && UNCAPTURABLE.includes(captured.refused.code)) {
        // The stock is sold; the hold lapsed and Account could not re-authorize it (the credit was
        // used meanwhile: credit_not_reauthorized), or it was released: only a person can settle this.
        return needsAttention(order, 'committing', holdLapsed(captured.refused), writer);
      }
      if (!captured.ok) return stayCommitting(order, 'capture', captured);
    }
    return (await move(order.id, 'committing', 'confirmed', {}, writer)) ?? overtaken(order.id);
  }

  /** Before the point of no return: record the end (the move makes the releases owed), then give back. */
  async function stop(order: OrderRecord, end: End, ctx: StepContext): Promise<OrderRecord> {
    const ended = await move(order.id, 'pending', end.to, { reason: end.reason, nextAttemptInSeconds: nextAttempt(ctx.writer) }, ctx.writer);
    if (!ended) return overtaken(order.id);
    return releaseOwed(ended, ctx);
  }

  /** Releases within what is left of the budget, or in the background (recovery re-sends what fails). */
  async function releaseOwed(order: OrderRecord, ctx: StepContext): Promise<OrderRecord> {
    if (ctx.deadline.remainingMs() >= MIN_RELEASE_BUDGET_MS) return sendReleases(order, ctx);
    void sendReleases(order, { ...ctx, deadline: Deadline.after(policy.compensationBudgetMs) })
      .catch((err: unknown) => logger.warn({ orderId: order.id, err: String(err) }, 'background releases failed; recovery re-sends them'));
    return order;
  }

  /** Every release the order owes, at once; settled only when every one is acknowledged. */
  async function sendReleases(order: OrderRecord, ctx: StepContext): Promise<OrderRecord> {
    const { writer } = ctx;
    const answers = await Promise.all(EVERY_DEPENDENCY.map((d) => releases[d](order.id, ctx)));
    const forGood = answers.flatMap((a) => (refusedForGood(a) ? [a.refused.code] : []));
    if (forGood.length > 0 && !order.settlement) return needsAttention(order, order.state, releaseRefused(order.reason, forGood), writer);
    if (answers.some((a) => !a.ok && !refusedForGood(a))) {
      logger.warn({ orderId: order.id }, 'releases not sent now; recovery re-sends them');
      return order;
    }
    return (await orders.settleReleases(order.id, order.state as 'rejected' | 'failed', writer)) ?? overtaken(order.id);
  }

  async function needsAttention(order: OrderRecord, from: OrderState, reason: Reason, writer: Writer): Promise<OrderRecord> {
    const moved = await move(order.id, from, 'needs_attention', { reason }, writer);
    if (!moved) return overtaken(order.id);
    logger.error({ orderId: order.id, reason: reason.code, detail: reason.detail }, 'order needs attention');
    deps.onNeedsAttention?.(moved);
    return moved;
  }

  /** A confirmation that could not be done now: the order stays `committing` and recovery goes on. */
  function stayCommitting(order: OrderRecord, what: string, step: NotAccepted): OrderRecord {
    const why = 'refused' in step ? { refused: step.refused.code } : { dependency: step.unavailable.dependency };
    logger.warn({ orderId: order.id, ...why }, `${what} not done now; the order stays committing and recovery completes it`);
    return order;
  }

  /** A refusal rejects the order when it is about what was asked; anything else fails it. */
  function endFor(dependency: DependencyName, step: NotAccepted): End {
    if ('unavailable' in step) {
      logger.warn({ dependency, reason: step.unavailable.reason }, 'dependency unavailable');
      return { to: 'failed', reason: unavailable(step.unavailable) };
    }
    return isRejection(step.refused)
      ? { to: 'rejected', reason: rejectedBecause(step.refused) }
      : { to: 'failed', reason: unexpectedRefusal(dependency, step.refused) };
  }

  return { run };
}

/** A release refused for good (the commitment was confirmed or captured): asking again changes nothing. */
const refusedForGood = (a: Result<unknown>): a is Refused => !a.ok && 'refused' in a && a.refused.final;

export type OrderSaga = ReturnType<typeof orderSaga>;
