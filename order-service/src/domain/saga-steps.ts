import type { RefusalProblem } from '../clients/answers';
import type { Reservation } from '../clients/catalog-client';
import { DependencyUnavailable } from '../clients/resilience/dependency-unavailable';
import type { OrderLine, StoredProblem } from '../data/order-repository';

/** Refusals that end an order as `rejected`, with the status the client is answered. */
const REJECTIONS: Record<string, number> = {
  out_of_stock: 409,
  insufficient_credit: 409,
  unknown_item: 422,
  unknown_account: 422,
  currency_mismatch: 422,
  mixed_currencies: 422,
  total_too_large: 422,
};

export const isRejection = (problem: RefusalProblem) => problem.code in REJECTIONS;

/** The dependency's problem, passed on to the client with our status (its details kept). */
export function rejectionProblem(problem: RefusalProblem): StoredProblem {
  const { type: _type, instance: _instance, status: _status, ...rest } = problem;
  return { ...rest, status: REJECTIONS[problem.code], code: problem.code, title: problem.title ?? problem.code };
}

export function unavailableProblem(err: DependencyUnavailable): StoredProblem {
  return {
    status: 503,
    code: err.code,
    title: err.title,
    detail: err.detail,
    dependency: err.dependency,
    retryAfterSeconds: Number(err.headers['Retry-After'] ?? 1),
  };
}

/** A refusal we did not expect (a closed id, a credential problem): the order fails, like an outage. */
export function unexpectedRefusal(dependency: string, problem: RefusalProblem): DependencyUnavailable {
  return Object.assign(new DependencyUnavailable(dependency, 'failed', 1), { detail: `${dependency}: refused with ${problem.code}.` });
}

export function commitmentExpired(what: string): StoredProblem {
  return {
    status: 503,
    code: 'commitment_expired',
    title: 'A commitment expired before the order could be completed',
    detail: `The ${what} expired before it could be confirmed; nothing was charged. Place the order again.`,
    retryAfterSeconds: 1,
  };
}

/** Prices the order from the reservation: the Catalog's prices, never the client's. */
export function priceFromReservation(reservation: Reservation): { lines: OrderLine[]; totalCents: number; currency: string } {
  const lines = reservation.lines.map((l) => ({
    sku: l.sku,
    quantity: l.quantity,
    unitPriceCents: l.unitPriceCents,
    lineTotalCents: l.unitPriceCents * l.quantity,
  }));
  return { lines, totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0), currency: reservation.currency };
}
