import { inSpan, type Logger } from 'service-platform';
import type { AccountClient } from '../clients/account-client';
import type { Answer, RefusalProblem } from '../clients/answers';
import type { CatalogClient } from '../clients/catalog-client';
import { Deadline } from '../clients/resilience/deadline';
import { type DependencyUnavailable, isDependencyUnavailable } from '../clients/resilience/dependency-unavailable';
import type { OrderRecord, OrderRepository, Reason, Writer } from '../data/order-repository';
import {
  commitmentExpired, holdLapsed, isRejection, priceFromReservation, rejectedBecause, releaseRefused, unavailable, unexpectedRefusal,
} from './order-reasons';
import type { OrderState } from './order-state';

export interface SagaPolicy {
  reservationTtlSeconds: number;
  holdTtlSeconds: number;
  /** The budget for releases sent after the request's own budget is spent. */
  compensationBudgetMs: number;
  /** How long the request path keeps an order to itself before recovery may look at it. */
  graceSeconds: number;
}

/** Where an actor can be held (by a test): each point comes just before what it names ('renew': a lease renewal). */
export type SagaPoint = 'reserve' | 'hold' | 'commit' | 'confirm' | 'release' | 'recover' | 'renew';
export interface SagaHooks {
  at(point: SagaPoint, orderId: string, writer: Writer): Promise<void> | void;
  /** After a move that won: who moved the order, from where to where. */
  moved?(orderId: string, from: OrderState, to: OrderState, writer: Writer): void;
}
export const NO_HOOKS: SagaHooks = { at: () => undefined };

type Dependency = 'catalog' | 'account';
/** The saga's steps, each a span `order.<step>` carrying the order id and how the step ended. */
type StepName = 'reserve' | 'hold' | 'commit' | 'confirm' | 'capture' | 'release';
type Step<T> = { ok: true; value: T } | { ok: false; refused: RefusalProblem; status: number } | { ok: false; unavailable: DependencyUnavailable };
type End = { to: 'rejected' | 'failed'; reason: Reason };

/**
 * What an ended order gives back: a release to every dependency of its saga, whoever ends it.
 * (Temporal's saga sample registers each compensation as its step is sent, which is right for one
 * workflow execution; here several actors may work on one order (a request that died, recovery, a
 * replica), so what one actor sent tells nothing of what the others did. The order owes a release
 * to every dependency; a release of an id never used is safe and leaves a tombstone, so a late
 * commitment of that id is refused.)
 */
const EVERY_DEPENDENCY: readonly Dependency[] = ['catalog', 'account'];

/** Below this, releases are not worth starting within the request: they go to the background. */
const MIN_RELEASE_BUDGET_MS = 20;
const FOR_GOOD = 409; // a release refused with 409 (confirmed, captured) will be refused for ever
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
 */
export function orderSaga(deps: {
  orders: OrderRepository; catalog: CatalogClient; account: AccountClient; policy: SagaPolicy; logger: Logger;
  hooks?: SagaHooks; onNeedsAttention?: (order: OrderRecord) => void;
}) {
  const { orders, catalog, account, policy, logger, hooks = NO_HOOKS } = deps;
  const releases = { catalog: catalog.release, account: account.release };
  /** The request path keeps the order to itself for the grace period; recovery looks again at once. */
  const nextAttempt = (writer: Writer) => (writer.kind === 'request' ? policy.graceSeconds : 0);
  const overtaken = async (id: string) => (await orders.find(id))!;
  const move: OrderRepository['move'] = async (id, from, to, data, writer) => {
    const moved = await orders.move(id, from, to, data, writer);
    if (moved) hooks.moved?.(id, from, to, writer);
    return moved;
  };

  /** Drives the order from its stored state as far as it can go now; returns it as stored. */
  function run(order: OrderRecord, deadline: Deadline, writer: Writer): Promise<OrderRecord> {
    if (order.state === 'pending') return fromPending(order, deadline, writer);
    if (order.state === 'committing') return fromCommitting(order, deadline, writer);
    if (order.releasesOwed) return sendReleases(order, deadline, writer);
    return Promise.resolve(order);
  }

  /** Steps 1–3. */
  async function fromPending(order: OrderRecord, deadline: Deadline, writer: Writer): Promise<OrderRecord> {
    await hooks.at('reserve', order.id, writer);
    const reserved = await call('reserve', order.id, 'catalog', () => catalog.reserve(order.id, order.lines, policy.reservationTtlSeconds, deadline));
    if (!reserved.ok) return stop(order, endFor('catalog', reserved), deadline, writer);
    if (!['held', 'confirmed'].includes(reserved.value.status)) return stop(order, { to: 'failed', reason: commitmentExpired('stock reservation') }, deadline, writer);
    const priced = priceFromReservation(reserved.value);

    if (priced.totalCents > 0) {
      await hooks.at('hold', order.id, writer);
      const held = await call('hold', order.id, 'account', () => account.hold(order.id, {
        accountId: order.accountId, amountCents: priced.totalCents, currency: priced.currency, ttlSeconds: policy.holdTtlSeconds,
      }, deadline));
      if (!held.ok) return stop(order, endFor('account', held), deadline, writer);
      if (!['held', 'captured'].includes(held.value.status)) return stop(order, { to: 'failed', reason: commitmentExpired('credit hold') }, deadline, writer);
    }

    await hooks.at('commit', order.id, writer);
    const committing = await step('commit', order.id, () => move(order.id, 'pending', 'committing', { priced, nextAttemptInSeconds: nextAttempt(writer) }, writer), moveOutcome);
    if (!committing) return overtaken(order.id);
    return fromCommitting(committing, deadline, writer);
  }

  /** Steps 4–5, past the point of no return: only forward. Stock is confirmed before credit is captured. */
  async function fromCommitting(order: OrderRecord, deadline: Deadline, writer: Writer): Promise<OrderRecord> {
    await hooks.at('confirm', order.id, writer);
    const confirmed = await call('confirm', order.id, 'catalog', () => catalog.confirm(order.id, deadline));
    if (!confirmed.ok && 'refused' in confirmed && UNCONFIRMABLE.includes(confirmed.refused.code)) {
      // The reservation lapsed and its stock is gone meanwhile (Catalog re-confirms a lapsed one
      // while the stock allows): nothing was sold, so nothing may be charged.
      const failed = await move(order.id, 'committing', 'failed', { reason: commitmentExpired('stock reservation'), nextAttemptInSeconds: nextAttempt(writer) }, writer);
      return failed ? releaseOwed(failed, deadline, writer) : overtaken(order.id);
    }
    if (!confirmed.ok) return stayCommitting(order, 'confirm', confirmed);

    if ((order.totalCents ?? 0) > 0) {
      const captured = await call('capture', order.id, 'account', () => account.capture(order.id, deadline));
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
  async function stop(order: OrderRecord, end: End, deadline: Deadline, writer: Writer): Promise<OrderRecord> {
    const ended = await move(order.id, 'pending', end.to, { reason: end.reason, nextAttemptInSeconds: nextAttempt(writer) }, writer);
    if (!ended) return overtaken(order.id);
    return releaseOwed(ended, deadline, writer);
  }

  /** Releases within what is left of the budget, or in the background (recovery re-sends what fails). */
  async function releaseOwed(order: OrderRecord, deadline: Deadline, writer: Writer): Promise<OrderRecord> {
    if (deadline.remainingMs() >= MIN_RELEASE_BUDGET_MS) return sendReleases(order, deadline, writer);
    void sendReleases(order, Deadline.after(policy.compensationBudgetMs), writer)
      .catch((err: unknown) => logger.warn({ orderId: order.id, err: String(err) }, 'background releases failed; recovery re-sends them'));
    return order;
  }

  /** Every release the order owes, at once; settled only when every one is acknowledged. */
  async function sendReleases(order: OrderRecord, deadline: Deadline, writer: Writer): Promise<OrderRecord> {
    await hooks.at('release', order.id, writer);
    const answers = await Promise.all(EVERY_DEPENDENCY.map((d) => call('release', order.id, d, () => releases[d](order.id, deadline))));
    const forGood = answers.flatMap((a) => (!a.ok && 'refused' in a && a.status === FOR_GOOD ? [a.refused.code] : []));
    if (forGood.length > 0 && !order.settlement) return needsAttention(order, order.state, releaseRefused(order.reason, forGood), writer);
    if (answers.some((a) => !a.ok && !('refused' in a && a.status === FOR_GOOD))) {
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
  function stayCommitting(order: OrderRecord, what: string, step: Step<unknown>): OrderRecord {
    const why = 'refused' in step ? { refused: step.refused.code } : { dependency: step.ok ? undefined : step.unavailable.dependency };
    logger.warn({ orderId: order.id, ...why }, `${what} not done now; the order stays committing and recovery completes it`);
    return order;
  }

  /** A refusal rejects the order when it is about what was asked; anything else fails it. */
  function endFor(dependency: Dependency, step: Exclude<Step<unknown>, { ok: true }>): End {
    if ('unavailable' in step) {
      logger.warn({ dependency, reason: step.unavailable.reason }, 'dependency unavailable');
      return { to: 'failed', reason: unavailable(step.unavailable) };
    }
    return isRejection(step.refused)
      ? { to: 'rejected', reason: rejectedBecause(step.refused) }
      : { to: 'failed', reason: unexpectedRefusal(dependency, step.refused) };
  }

  /** One call to a dependency, as data, in its step's span. */
  function call<T>(name: StepName, orderId: string, dependency: Dependency, send: () => Promise<Answer<T>>): Promise<Step<T>> {
    return step(name, orderId, async (): Promise<Step<T>> => {
      try {
        const answer = await send();
        if (answer.ok) return answer;
        return { ok: false, refused: answer.problem, status: answer.status };
      } catch (err) {
        if (!isDependencyUnavailable(err)) throw err;
        return { ok: false, unavailable: err };
      }
    }, callOutcome, { 'order.dependency': dependency });
  }

  return { run };
}

/** A step as a span: `order.<name>`, with the order id and the step's outcome as attributes. */
function step<T>(name: StepName, orderId: string, work: () => Promise<T>, outcome: (result: T) => string, attributes: Record<string, string> = {}): Promise<T> {
  return inSpan(`order.${name}`, { 'order.id': orderId, 'order.step': name, ...attributes }, work, (result) => ({ 'order.step.outcome': outcome(result) }));
}

/** accepted, refused:<problem code>, or unavailable:<why> (breaker_open, bulkhead_full, failed, budget_exhausted). */
function callOutcome(result: Step<unknown>): string {
  if (result.ok) return 'accepted';
  return 'refused' in result ? `refused:${result.refused.code}` : `unavailable:${result.unavailable.reason}`;
}

/** A compare-and-set: won (`moved`), or lost to another actor (`overtaken`). */
const moveOutcome = (moved: OrderRecord | null): string => (moved ? 'moved' : 'overtaken');

export type OrderSaga = ReturnType<typeof orderSaga>;
