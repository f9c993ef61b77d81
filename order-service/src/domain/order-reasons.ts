import type { OrderLine, Reason } from './order';
import type { DependencyName, Refusal, Reservation, Unavailable, UnavailableReason } from './ports';

/** The refusals that reject an order (the client asked for something that cannot be had). */
export const REJECTION_CODES = [
  'out_of_stock', 'insufficient_credit', 'unknown_item', 'unknown_account', 'currency_mismatch', 'mixed_currencies', 'total_too_large',
] as const;

export const isRejection = (refusal: Refusal) => (REJECTION_CODES as readonly string[]).includes(refusal.code);

/** The dependency's refusal, kept as the order's reason, with its details. */
export const rejectedBecause = (refusal: Refusal): Reason => ({ ...refusal.details, code: refusal.code, title: refusal.title });

const WHY: Record<UnavailableReason, string> = {
  breaker_open: 'its circuit breaker is open after recent failures',
  bulkhead_full: 'too many calls to it are already in flight',
  budget_exhausted: 'the request\'s time budget ran out',
  failed: 'it did not answer successfully',
};

export const DEPENDENCY_UNAVAILABLE_TITLE = 'A service this order needs is unavailable';

/** A dependency that cannot be used now, as the order's reason: which, why, and when to retry. */
export const unavailable = (u: Unavailable): Reason => ({
  code: 'dependency_unavailable', title: DEPENDENCY_UNAVAILABLE_TITLE, detail: `${u.dependency}: ${WHY[u.reason]}.`,
  dependency: u.dependency, reason: u.reason, retryAfterSeconds: u.retryAfterSeconds,
});

/** A refusal we did not expect (a closed id, a credential problem): the order fails, like an outage. */
export function unexpectedRefusal(dependency: DependencyName, problem: Refusal): Reason {
  return {
    code: 'dependency_unavailable', title: DEPENDENCY_UNAVAILABLE_TITLE, detail: `${dependency}: refused with ${problem.code}.`,
    dependency, reason: 'failed', retryAfterSeconds: 1,
  };
}

export const commitmentExpired = (what: 'stock reservation' | 'credit hold'): Reason => ({
  code: 'commitment_expired',
  title: 'A commitment expired before the order could be completed',
  detail: `The ${what} expired before it could be confirmed; nothing was charged. Place the order again.`,
  retryAfterSeconds: 1,
});

/** How an operator settles an order whose stock is sold but whose credit could not be captured. */
const SETTLE_IT = 'An operator settles it with POST /orders/{id}/settlement: retry (capture again, once the customer has credit), '
  + 'fail (end it failed and release the credit; the confirmed stock stays sold: return it in the Catalog) '
  + 'or accept (confirm it as it stands, the money settled outside).';

/**
 * Needs a person: the stock is sold and the capture was refused for good. A hold that lapsed by
 * time is re-authorized by Account when the credit allows, so what is left is a hold whose credit
 * was used meanwhile (`credit_not_reauthorized`), or one that was released (`credit_hold_lapsed`).
 */
export const holdLapsed = (problem: Refusal): Reason => (problem.code === 'insufficient_credit'
  ? {
    code: 'credit_not_reauthorized',
    title: 'The stock is confirmed but the lapsed credit hold could not be re-authorized',
    detail: 'The stock for this order is confirmed; its credit hold lapsed and the account\'s credit was used meanwhile, '
      + `so Account refused to capture it again (insufficient_credit); nothing was charged. ${SETTLE_IT}`,
    requestedCents: problem.details.requestedCents, availableCreditCents: problem.details.availableCreditCents,
  }
  : {
    code: 'credit_hold_lapsed',
    title: 'The stock is confirmed but the credit hold could not be captured',
    detail: `The stock for this order is confirmed, but Account refused the capture (${problem.code}): the hold was released; `
      + `nothing was charged. ${SETTLE_IT}`,
  });

/** Needs a person: something this order held can no longer be given back. */
export const releaseRefused = (previous: Reason | null, refusals: string[]): Reason => ({
  code: 'release_refused',
  title: 'A commitment of this order could not be released',
  detail: `The order ended ${previous?.code ?? 'unfinished'}, but releasing it was refused for good (${refusals.join(', ')}). `
    + 'An operator settles it with POST /orders/{id}/settlement: fail (end it failed, sending the releases again and accepting what is '
    + 'refused for good) or accept (confirm it as it stands); it cannot be retried.',
  ended: previous?.code,
});

/** An operator ended a needs_attention order failed: nothing more is charged, what it held is released. */
export const failedByOperator = (why: string): Reason => ({
  code: 'failed_by_operator',
  title: 'An operator ended this order',
  detail: `An operator ended this order failed (${why}); nothing more is charged and what it held is released.`,
  retryAfterSeconds: 1,
});

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
