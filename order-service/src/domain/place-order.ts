import { createHash } from 'node:crypto';
import { answerKeptMs, Deadline, type Logger } from 'service-platform';
import { type KeyTerms, type OrderLine, type OrderRecord, type OrderStore, type Reason, REQUEST } from './order';
import { IdempotencyKeyReused, OrderUnavailable, RequestInProgress } from './order-errors';
import type { Availability, Unavailable } from './ports';
import type { OrderSaga } from './order-saga';
import { isUnfinished } from './order-state';

export interface OrderRequest {
  accountId: string;
  lines: Array<{ sku: string; quantity: number }>;
}

/** What placing an order came to; only the route knows what that is in HTTP. */
export type Outcome =
  | { kind: 'confirmed'; order: OrderRecord }
  | { kind: 'pending'; order: OrderRecord }
  | { kind: 'needs_attention'; order: OrderRecord; reason: Reason }
  | { kind: 'rejected'; order: OrderRecord; reason: Reason }
  | { kind: 'failed'; order: OrderRecord; reason: Reason };

/** The outcome an order stands for, read from its stored state alone, so a replay answers the same. */
export function outcomeOf(order: OrderRecord): Outcome {
  const reason = order.reason ?? { code: order.state, title: order.state };
  switch (order.state) {
    case 'confirmed': return { kind: 'confirmed', order };
    case 'pending':
    case 'committing': return { kind: 'pending', order };
    default: return { kind: order.state, order, reason };
  }
}

/** The same order asked twice hashes the same, whatever the key order in the JSON. */
const hashRequest = (req: OrderRequest) =>
  createHash('sha256')
    .update(JSON.stringify({ accountId: req.accountId, lines: req.lines.map((l) => [l.sku, l.quantity]) }))
    .digest('hex');

/**
 * Placing an order, following the IETF httpapi Idempotency-Key draft and Stripe's documented rules:
 * the key is claimed as the order is recorded; a retry with the same key and request answers that
 * order from what is stored (nothing is charged again); the same key with another request is
 * refused (idempotency_key_reused); while the first request is still within its budget, the retry
 * hears request_in_progress. A confirmed or rejected order keeps its key for the key's lifetime. A
 * failed order gives its key back once it holds and owes nothing, so a client that retries when told
 * with the same key places the order anew (a new order id); a replay of a failed order still owing
 * releases sends them itself, and answers the stored failure (with when a retry can succeed now)
 * only while they cannot be sent. A key yields at most one order that is not `failed`, and at most
 * one charge.
 */
export function placeOrderUseCase(deps: {
  orders: OrderStore; saga: OrderSaga; budgetMs: number; keyTtlSeconds: number; graceSeconds: number; logger: Logger;
  /**
   * Kept back from the budget to record the outcome and answer: the one database write that may
   * come after the saga's deadline is bounded by the pool's connection and statement timeouts
   * (see `order-db.ts`), whose sum this is, so an answer comes within the budget.
   */
  answerReserveMs: number;
  /**
   * Whether an order could succeed now, and when it could again. While a dependency certainly
   * cannot be used (its breaker is open) a new order could only fail: it is refused unrecorded
   * (OrderUnavailable, no orderId). Absent (in process): always available.
   */
  availability?: Availability;
}) {
  const failFast = (refusal: Unavailable): never => {
    throw new OrderUnavailable(refusal);
  };
  const handOver = (id: string) =>
    deps.orders.handOver(id).catch((err: unknown) => deps.logger.warn({ orderId: id, err }, 'hand-over to recovery failed; it takes the order after the grace period'));
  /** The key's order, claimed now (`claimed`) or already there. Never records an order that could only fail. */
  async function claimKey(key: string, hash: () => string, accountId: string, lines: OrderLine[], ttl: KeyTerms) {
    // Failing fast: with a dependency's breaker open the order could only fail, so it is not
    // recorded at all (one read instead of two writes). A key that already has an order answers it.
    const refusal = deps.availability?.refusalNow();
    const claim = refusal
      ? (await deps.orders.findByKey(accountId, key, deps.budgetMs)) ?? failFast(refusal)
      // Twice at most: a key freed by its failed order between our INSERT and our read is claimed anew.
      : (await deps.orders.claim(key, hash(), accountId, lines, ttl)) ?? (await deps.orders.claim(key, hash(), accountId, lines, ttl));
    if (!claim) throw new RequestInProgress(null);
    return claim;
  }
  /** A failure answered now says when a retry can succeed now, not when it could when first stored. */
  const withRetryAfterNow = (outcome: Outcome): Outcome =>
    outcome.kind === 'failed' && deps.availability
      ? { ...outcome, reason: { ...outcome.reason, retryAfterSeconds: deps.availability.retryAfterSeconds() } }
      : outcome;
  return async function placeOrder(idempotencyKey: string, request: OrderRequest, callerDeadline?: Deadline): Promise<Outcome> {
    // The request's deadline: Order's own budget, or the caller's deadline if it comes first.
    const requestDeadline = callerDeadline?.atMost(deps.budgetMs) ?? Deadline.after(deps.budgetMs);
    // The saga's: all of it but what is kept back to record the outcome and answer (budget-policy.ts).
    const deadline = requestDeadline.keeping(answerKeptMs(requestDeadline.remainingMs(), deps.answerReserveMs));
    // Hashed when first needed: a refusal while a breaker is open for a key without an order never is.
    let hashed: string | undefined;
    const hash = () => (hashed ??= hashRequest(request));
    const lines: OrderLine[] = request.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    const ttl = { keySeconds: deps.keyTtlSeconds, graceSeconds: deps.graceSeconds, budgetMs: deps.budgetMs };
    let claim = await claimKey(idempotencyKey, hash, request.accountId, lines, ttl);
    // Twice at most: a replay that settles its failed order's releases frees the key and claims it anew.
    for (let round = 0; !claim.claimed; round++) {
      if (claim.order.requestHash !== hash()) throw new IdempotencyKeyReused();
      // Until the first request has ended, a duplicate learns only that it is running (pending or
      // already past the point of no return), never an answer that request may still change.
      if (isUnfinished(claim.order.state) && claim.firstRequestOpen) throw new RequestInProgress(claim.order.id);
      if (!claim.order.releasesOwed || claim.firstRequestOpen || round > 0) return outcomeOf(claim.order);
      // An ended order that still owes releases: this replay sends them itself, within its budget,
      // rather than wait for recovery. Once they are acknowledged a failed order's key is free and
      // the order is placed anew; if they cannot be sent, the answer says when they can be.
      const settled = await deps.saga.run(claim.order, deadline, REQUEST);
      if (settled.releasesOwed || settled.state !== 'failed') return withRetryAfterNow(outcomeOf(settled));
      claim = await claimKey(idempotencyKey, hash, request.accountId, lines, ttl);
    }
    let ended: OrderRecord;
    try {
      ended = await deps.saga.run(claim.order, deadline, REQUEST);
    } catch (err) {
      // The order is recorded but we cannot tell how far it got (the database failed us): it is
      // accepted, and recovery decides it (after the grace period, if the hand-over fails too).
      deps.logger.error({ orderId: claim.order.id, err }, 'order left undecided; recovery will finish it');
      ended = claim.order;
    }
    if (isUnfinished(ended.state) || ended.releasesOwed) await handOver(ended.id);
    return outcomeOf(ended);
  };
}

export type PlaceOrder = ReturnType<typeof placeOrderUseCase>;
