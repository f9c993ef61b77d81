import { DomainError } from 'service-platform';
import { unavailable } from './order-reasons';
import type { Unavailable } from './ports';

// What Order's use cases refuse with: a code and its details, nothing of HTTP (the problem table,
// routes/problems.ts, says how each is answered; `retryAfterSeconds` says when to ask again).

export class UnknownOrder extends DomainError {
  constructor(id: string) {
    super('unknown_order', `No order ${id}.`);
  }
}

export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super('idempotency_key_reused', 'This Idempotency-Key was used for a different order; use a new key for a new order.');
  }
}

export class RequestInProgress extends DomainError {
  constructor(orderId: string | null) {
    super('request_in_progress', 'Retry after a moment to get its answer.', { ...(orderId ? { orderId } : {}), retryAfterSeconds: 1 });
  }
}

/** A settlement asked for an order that does not need attention (and was not settled so before). */
export class OrderNotNeedingAttention extends DomainError {
  constructor(orderId: string, orderStatus: string) {
    super('order_not_needing_attention', `Order ${orderId} is ${orderStatus}; only a needs_attention order can be settled.`, { orderId, orderStatus });
  }
}

/** A retry of an order that needed attention after it had ended (a release refused): nothing to drive forward. */
export class OrderNotRetryable extends DomainError {
  constructor(orderId: string, ended: string) {
    super('order_not_retryable',
      `Order ${orderId} needs attention after it ended ${ended} (a release was refused): it was never past the point of no return, `
      + 'so it cannot be driven forward. Settle it with fail or accept.', { orderId, orderStatus: 'needs_attention' });
  }
}

/** No order can succeed now (a dependency's breaker is open): refused before anything is recorded. */
export class OrderUnavailable extends DomainError {
  constructor(u: Unavailable) {
    super('dependency_unavailable', unavailable(u).detail ?? '', { dependency: u.dependency, reason: u.reason, retryAfterSeconds: u.retryAfterSeconds });
  }
}
