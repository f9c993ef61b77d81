import { Problem } from 'service-platform';

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
