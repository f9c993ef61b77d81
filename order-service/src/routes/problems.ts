import type { ProblemTable } from 'service-platform';

/**
 * Order's problem codes, as data (fastify's lib/errors.js): the status and title each answers with.
 * Domain errors and an order's reasons carry the code only; the problem middleware looks it up here,
 * then in the platform's table. test/problem-table.test.ts keeps this table and openapi/order.yaml
 * equal, both ways.
 */
export const ORDER_PROBLEMS = {
  unknown_order: { status: 404, title: 'Unknown order' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key used with another body' },
  request_in_progress: { status: 409, title: 'The first request with this key is still running' },
  order_not_needing_attention: { status: 409, title: 'Only an order that needs attention can be settled' },
  order_not_retryable: { status: 409, title: 'This order cannot be retried' },
  // An order that failed, or could only fail: nothing is charged, retry after Retry-After.
  dependency_unavailable: { status: 503, title: 'A service this order needs is unavailable' },
  commitment_expired: { status: 503, title: 'A commitment expired before the order could be completed' },
  failed_by_operator: { status: 503, title: 'An operator ended this order' },
  // A rejected order: a dependency refused what was asked (domain/order-reasons.ts REJECTION_CODES).
  out_of_stock: { status: 409, title: 'Not enough stock' },
  insufficient_credit: { status: 409, title: 'Not enough credit' },
  unknown_item: { status: 422, title: 'Unknown item' },
  unknown_account: { status: 422, title: 'Unknown account' },
  currency_mismatch: { status: 422, title: 'Wrong currency for this account' },
  mixed_currencies: { status: 422, title: 'Items are priced in different currencies' },
  total_too_large: { status: 422, title: 'The total is too large' },
} as const satisfies ProblemTable;
