import type { ProblemTable } from 'service-platform';

/**
 * Account's problem codes, as data (fastify's lib/errors.js): the status and title each answers
 * with. Domain errors carry the code only (domain/account-errors.ts); the problem middleware looks
 * it up here, then in the platform's table. A route that answers a code with another status says
 * so itself (PUT /holds: unknown_account is 422). test/problem-table.test.ts keeps this table and
 * openapi/account.yaml equal, both ways.
 */
export const ACCOUNT_PROBLEMS = {
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
} as const satisfies ProblemTable;
