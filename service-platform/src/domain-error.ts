import { CURRENCIES } from './currencies';

/**
 * What a domain throws: a stable `code` and the details of one case, nothing of HTTP. The problem
 * middleware looks the status and title up in the owning service's problem table (a route may
 * choose another status for a code where its document says so: `answerWith`). Recognised with
 * `isDomainError` (a marker, not `instanceof`, so it works across packages).
 */
export class DomainError extends Error {
  readonly isDomainError = true as const;
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError =>
  typeof e === 'object' && e !== null && (e as { isDomainError?: unknown }).isDomainError === true;

export interface FieldError {
  field: string;
  message: string;
}

/** Input the edge's document could not refuse (a rule that needs configuration or a list): validation_failed. */
export class InvalidFields extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
}

/** A ttlSeconds above what this service allows (the served document says the same; this guards callers past the edge). */
export class TtlTooLong extends InvalidFields {
  constructor(max: number) {
    super([{ field: 'body.ttlSeconds', message: `must be at most ${max}` }]);
  }
}

/** A currency of the right shape that ISO 4217 does not know. */
export class UnknownCurrency extends InvalidFields {
  constructor(currency: string) {
    super([{ field: 'body.currency', message: `${currency} is not an ISO 4217 currency` }]);
  }
}

const ISO_4217 = new Set(CURRENCIES);

/** Throws UnknownCurrency for a code not in CURRENCIES (the list the documents' Currency enum holds). */
export function checkCurrency(currency: string): void {
  if (!ISO_4217.has(currency)) throw new UnknownCurrency(currency);
}

/** A domain error with the status a route chose for it (see `answerWith`). */
export class AnsweredAs extends Error {
  constructor(readonly error: DomainError, readonly status: number) {
    super(error.message);
    this.name = 'AnsweredAs';
  }
}

/**
 * For routes where a code answers with another status than its table row, as the route's document
 * says (unknown_item is 404 when the item is what was asked for, 422 when a body names it):
 * `await work().catch(answerWith({ unknown_item: 422 }))`. Anything else is rethrown as it is.
 */
export function answerWith(statuses: Record<string, number>): (err: unknown) => never {
  return (err) => {
    if (isDomainError(err) && statuses[err.code] !== undefined) throw new AnsweredAs(err, statuses[err.code]);
    throw err;
  };
}
