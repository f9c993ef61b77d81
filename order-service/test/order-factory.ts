// Orders as a dead request, a slow request or an earlier pass left them, written straight into
// Order's database (the API cannot make them), for recovery to find.
import { randomUUID } from 'node:crypto';
import type { OrderState } from '../src/domain/order-state';
import { ORDER, type OrderUnderTest } from './order-harness';

export const PRICED = {
  lines: [
    { sku: 'COFFEE-1KG', quantity: 2, unitPriceCents: 2450, lineTotalCents: 4900 },
    { sku: 'MUG-CERAMIC', quantity: 1, unitPriceCents: 1200, lineTotalCents: 1200 },
  ],
  totalCents: 6100,
  currency: 'EUR',
};

export interface LeftOrder {
  state?: OrderState;
  releasesOwed?: boolean;
  /** Seconds until recovery may look at it (negative: due now). */
  dueInSeconds?: number;
  reason?: Record<string, unknown>;
}

export async function leftOrder(order: OrderUnderTest, opts: LeftOrder = {}): Promise<string> {
  const id = randomUUID();
  const state = opts.state ?? 'pending';
  const priced = state !== 'pending';
  await order.sql(
    `INSERT INTO orders (id, idempotency_key, idempotency_expires_at, request_hash, account_id, state, lines, total_cents, currency,
                         reason, releases_owed, next_attempt_at)
     VALUES ($1, $2, now() + interval '1 day', $3, $4, $5, $6::jsonb, $7, $8, $9::jsonb, $10, now() + make_interval(secs => $11))`,
    [
      id, randomUUID(), 'h'.repeat(64), ORDER.accountId, state, JSON.stringify(priced ? PRICED.lines : ORDER.lines),
      priced ? PRICED.totalCents : null, priced ? PRICED.currency : null,
      opts.reason ? JSON.stringify(opts.reason) : state === 'failed' || state === 'rejected' ? JSON.stringify({ code: 'dependency_unavailable', title: 't' }) : null,
      opts.releasesOwed ?? false, opts.dueInSeconds ?? -1,
    ],
  );
  return id;
}
