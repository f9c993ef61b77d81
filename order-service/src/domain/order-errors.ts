import { Problem } from 'service-platform';
import { unavailable } from './order-reasons';
import type { Unavailable } from './ports';

export class UnknownOrder extends Problem {
  constructor(id: string) {
    super(404, 'unknown_order', 'Unknown order', `No order ${id}.`);
  }
}

export class IdempotencyKeyReused extends Problem {
  constructor() {
    super(422, 'idempotency_key_reused', 'Idempotency-Key used with another body',
      'This Idempotency-Key was used for a different order; use a new key for a new order.');
  }
}

export class RequestInProgress extends Problem {
  constructor(orderId: string | null) {
    super(409, 'request_in_progress', 'The first request with this key is still running',
      'Retry after a moment to get its answer.', orderId ? { orderId } : {}, { 'Retry-After': '1' });
  }
}

/** A settlement asked for an order that does not need attention (and was not settled so before). */
export class OrderNotNeedingAttention extends Problem {
  constructor(orderId: string, orderStatus: string) {
    super(409, 'order_not_needing_attention', 'Only an order that needs attention can be settled',
      `Order ${orderId} is ${orderStatus}; only a needs_attention order can be settled.`, { orderId, orderStatus });
  }
}

/** A retry of an order that needed attention after it had ended (a release refused): nothing to drive forward. */
export class OrderNotRetryable extends Problem {
  constructor(orderId: string, ended: string) {
    super(409, 'order_not_retryable', 'This order cannot be retried',
      `Order ${orderId} needs attention after it ended ${ended} (a release was refused): it was never past the point of no return, `
      + 'so it cannot be driven forward. Settle it with fail or accept.', { orderId, orderStatus: 'needs_attention' });
  }
}

/** No order can succeed now (a dependency's breaker is open): refused before anything is recorded. */
export class OrderUnavailable extends Problem {
  constructor(u: Unavailable) {
    const reason = unavailable(u);
    super(503, reason.code, reason.title, reason.detail, { dependency: u.dependency, reason: u.reason }, { 'Retry-After': String(u.retryAfterSeconds) });
  }
}
