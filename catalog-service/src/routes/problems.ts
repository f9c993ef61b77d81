import type { ProblemTable } from 'service-platform';

/**
 * Catalog's problem codes, as data (fastify's lib/errors.js): the status and title each answers
 * with. Domain errors carry the code only (domain/catalog-errors.ts); the problem middleware looks
 * it up here, then in the platform's table. A route that answers a code with another status says
 * so itself (PUT /reservations: unknown_item is 422). test/problem-table.test.ts keeps this table
 * and openapi/catalog.yaml equal, both ways.
 */
export const CATALOG_PROBLEMS = {
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
} as const satisfies ProblemTable;
