import type { Response } from 'express';
import { DomainError } from 'service-platform';
import type { OrderRecord, Reason } from '../domain/order';
import { publicStatus } from '../domain/order-state';
import type { Outcome } from '../domain/place-order';

/** The statuses whose reason the order shows (a settled order that went on keeps its old one in `settlement.from`). */
const SHOWS_REASON = new Set(['rejected', 'failed', 'needs_attention']);

export function toOrderDto(o: OrderRecord) {
  const s = o.settlement;
  return {
    id: o.id,
    status: publicStatus(o.state),
    accountId: o.accountId,
    // explicit, so the fields keep their order (jsonb does not keep key order)
    lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceCents: l.unitPriceCents, lineTotalCents: l.lineTotalCents })),
    ...(o.totalCents !== null ? { totalCents: o.totalCents } : {}),
    ...(o.currency !== null ? { currency: o.currency } : {}),
    ...(o.reason && SHOWS_REASON.has(o.state) ? { reason: o.reason.code, ...(o.reason.detail ? { detail: o.reason.detail } : {}) } : {}),
    ...(s ? { settlement: { action: s.action, by: s.by, reason: s.why, at: s.at, ...(s.from ? { from: s.from } : {}) } } : {}),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

/**
 * A rejected or failed order as the refusal that names it (its code's status and title are in
 * problems.ts); a failure says when to retry (`retryAfterSeconds` becomes Retry-After).
 */
function orderRefusal(order: OrderRecord, reason: Reason, failed: boolean): DomainError {
  const { code, title: _title, detail, retryAfterSeconds, ...extensions } = reason;
  return new DomainError(code, detail ?? '', { ...extensions, orderId: order.id, ...(failed ? { retryAfterSeconds: retryAfterSeconds ?? 1 } : {}) });
}

/** confirmed 201; pending and needs_attention 202 (the order, with what is wrong); rejected 409/422 and failed 503, thrown as refusals. */
export function sendOutcome(res: Response, outcome: Outcome): void {
  const { order } = outcome;
  switch (outcome.kind) {
    case 'rejected':
    case 'failed':
      throw orderRefusal(order, outcome.reason, outcome.kind === 'failed');
    default:
      res.status(outcome.kind === 'confirmed' ? 201 : 202).location(`/orders/${order.id}`).json(toOrderDto(order));
  }
}
