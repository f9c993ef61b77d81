import type { Request, Response } from 'express';
import { Problem, sendProblem } from 'service-platform';
import type { OrderRecord, Reason } from '../domain/order';
import { publicStatus } from '../domain/order-state';
import type { Outcome } from '../domain/place-order';

/** The HTTP status of each rejection's code (the domain keeps reasons, not statuses). */
const REJECTION_STATUS: Record<string, 409 | 422> = {
  out_of_stock: 409,
  insufficient_credit: 409,
  unknown_item: 422,
  unknown_account: 422,
  currency_mismatch: 422,
  mixed_currencies: 422,
  total_too_large: 422,
};

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

/** A rejected or failed order as a problem that names it; a failure says when to retry. */
function orderProblem(order: OrderRecord, reason: Reason, failed: boolean): Problem {
  const { code, title, detail, retryAfterSeconds, ...extensions } = reason;
  const status = failed ? 503 : (REJECTION_STATUS[code] ?? 409);
  const headers: Record<string, string> = failed ? { 'Retry-After': String(retryAfterSeconds ?? 1) } : {};
  return new Problem(status, code, title, detail, { ...extensions, orderId: order.id }, headers);
}

/** confirmed 201; pending and needs_attention 202 (the order, with what is wrong); rejected 409/422; failed 503. */
export function sendOutcome(req: Request, res: Response, outcome: Outcome): void {
  const { order } = outcome;
  switch (outcome.kind) {
    case 'rejected':
    case 'failed':
      return sendProblem(res, req, orderProblem(order, outcome.reason, outcome.kind === 'failed'));
    default:
      res.status(outcome.kind === 'confirmed' ? 201 : 202).location(`/orders/${order.id}`).json(toOrderDto(order));
  }
}
