import type { OrderRecord, StoredProblem } from '../data/order-repository';

/** An HTTP answer about an order, built from the order alone, so a replay answers the same. */
export interface OrderResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  problem: boolean;
}

export function toOrderDto(o: OrderRecord) {
  return {
    id: o.id,
    status: o.status,
    accountId: o.accountId,
    // explicit, so the fields keep their order (jsonb does not keep key order)
    lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceCents: l.unitPriceCents, lineTotalCents: l.lineTotalCents })),
    ...(o.totalCents !== null ? { totalCents: o.totalCents } : {}),
    ...(o.currency !== null ? { currency: o.currency } : {}),
    ...(o.problem ? { reason: o.problem.code, ...(o.problem.detail ? { detail: o.problem.detail } : {}) } : {}),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

function problemResponse(order: OrderRecord, problem: StoredProblem): OrderResponse {
  const { status, ...rest } = problem;
  return {
    status,
    problem: true,
    headers: status === 503 ? { 'Retry-After': String(problem.retryAfterSeconds ?? 1) } : {},
    body: { type: `urn:problem-type:${problem.code}`, status, ...rest, instance: `/orders/${order.id}`, orderId: order.id },
  };
}

/** The answer to the request that placed `order` (pending past the point of no return is 202). */
export function responseFor(order: OrderRecord): OrderResponse {
  if (order.problem && (order.status === 'rejected' || order.status === 'failed')) return problemResponse(order, order.problem);
  return {
    status: order.status === 'confirmed' ? 201 : 202,
    problem: false,
    headers: { Location: `/orders/${order.id}` },
    body: toOrderDto(order),
  };
}
