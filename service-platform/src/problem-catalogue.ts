/**
 * Every problem code Catalog and Account answer with (and the platform's own), as data: one row
 * per code with its HTTP status and title (fastify's lib/errors.js is the model). The classes in
 * errors.ts and in each service's *-errors.ts only add the detail and extensions of one case.
 * Order keeps its few codes next to its saga.
 */
export const PROBLEMS = {
  // The platform: any route of any service
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_body: { status: 400, title: 'The request body could not be read' },
  invalid_cursor: { status: 400, title: 'The cursor is not valid' },
  unauthorized: { status: 401, title: 'Credentials are missing or wrong' },
  forbidden: { status: 403, title: 'Not allowed for this credential' },
  route_not_found: { status: 404, title: 'No such route' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  precondition_failed: { status: 412, title: 'The resource changed since you read it' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  precondition_required: { status: 428, title: 'This change needs If-Match' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  budget_exhausted: { status: 503, title: 'The caller\'s time budget ran out' },
  database_unavailable: { status: 503, title: 'The database is unavailable' },
  identity_provider_unavailable: { status: 503, title: 'Tokens cannot be verified now' },

  // Catalog
  unknown_item: { status: 404, title: 'Unknown item' },
  out_of_stock: { status: 409, title: 'Not enough stock' },
  negative_stock: { status: 409, title: 'Stock cannot go below zero' },
  stock_too_large: { status: 422, title: 'Stock cannot exceed 2147483647' },
  adjustment_mismatch: { status: 409, title: 'Adjustment id already used' },
  mixed_currencies: { status: 422, title: 'Items are priced in different currencies' },
  total_too_large: { status: 422, title: 'The total is too large' },
  unknown_reservation: { status: 404, title: 'Unknown reservation' },
  reservation_mismatch: { status: 409, title: 'Reservation id already used' },
  reservation_released: { status: 409, title: 'Reservation id was released' },
  reservation_expired: { status: 409, title: 'Reservation no longer held' },
  reservation_confirmed: { status: 409, title: 'Reservation is confirmed' },

  // Account
  unknown_account: { status: 404, title: 'Unknown account' },
  credit_limit_below_commitments: { status: 409, title: 'Credit limit below what is committed' },
  currency_in_use: { status: 409, title: 'The currency cannot change' },
  insufficient_credit: { status: 409, title: 'Not enough credit' },
  currency_mismatch: { status: 422, title: 'Wrong currency for this account' },
  unknown_hold: { status: 404, title: 'Unknown hold' },
  hold_mismatch: { status: 409, title: 'Hold id already used' },
  hold_released: { status: 409, title: 'Hold id was released' },
  hold_expired: { status: 409, title: 'Hold no longer held' },
  hold_captured: { status: 409, title: 'Hold is captured' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;
