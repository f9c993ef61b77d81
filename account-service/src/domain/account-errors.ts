import { Problem } from 'service-platform';

/** The Account service's own answers, each with a stable code (the platform's catalogue covers the rest). */

export class UnknownAccount extends Problem {
  /** 404 when the account is what was asked for; 422 when a hold names it. */
  constructor(id: string, status: 404 | 422 = 404) {
    super(status, 'unknown_account', 'Unknown account', `No account ${id}.`, { accountId: id });
  }
}

export class UnknownCurrency extends Problem {
  constructor(currency: string) {
    super(400, 'validation_failed', 'The request is not valid', `body.currency: ${currency} is not an ISO 4217 currency`, {
      errors: [{ field: 'body.currency', message: `${currency} is not an ISO 4217 currency` }],
    });
  }
}

export class CreditLimitBelowCommitments extends Problem {
  constructor(limit: number, heldCents: number, usedCents: number) {
    super(409, 'credit_limit_below_commitments', 'Credit limit below what is committed',
      `A limit of ${limit} does not cover the ${heldCents} held and ${usedCents} used.`, { heldCents, usedCents });
  }
}

export class CurrencyInUse extends Problem {
  constructor(currency: string, heldCents: number, usedCents: number) {
    super(409, 'currency_in_use', 'The currency cannot change',
      `The account has credit held or used in ${currency}; its currency stays ${currency}.`, { currency, heldCents, usedCents });
  }
}

export class InsufficientCredit extends Problem {
  constructor(requestedCents: number, availableCreditCents: number) {
    super(409, 'insufficient_credit', 'Not enough credit',
      `${requestedCents} requested, ${availableCreditCents} available.`, { requestedCents, availableCreditCents });
  }
}

export class CurrencyMismatch extends Problem {
  constructor(accountCurrency: string, requested: string) {
    super(422, 'currency_mismatch', 'Wrong currency for this account',
      `The account is kept in ${accountCurrency}; the hold asks for ${requested}.`, { accountCurrency });
  }
}

export class TtlTooLong extends Problem {
  constructor(max: number) {
    super(400, 'validation_failed', 'The request is not valid', `body.ttlSeconds: must be at most ${max}`, {
      errors: [{ field: 'body.ttlSeconds', message: `must be at most ${max}` }],
    });
  }
}

export class UnknownHold extends Problem {
  constructor(id: string) {
    super(404, 'unknown_hold', 'Unknown hold', `No hold ${id}.`);
  }
}

export class HoldMismatch extends Problem {
  constructor(id: string) {
    super(409, 'hold_mismatch', 'Hold id already used', `Hold ${id} exists with another body; a retry must send the same body.`);
  }
}

export class HoldReleased extends Problem {
  constructor(id: string) {
    super(409, 'hold_released', 'Hold id was released', `Hold ${id} was released before it was made; use a new id.`);
  }
}

export class HoldExpired extends Problem {
  constructor(id: string, status: string) {
    // Not `status`: in a problem that is the HTTP status code (RFC 9457) and must stay a number.
    super(409, 'hold_expired', 'Hold no longer held', `Hold ${id} is ${status}; it can no longer be captured.`, { holdStatus: status });
  }
}

export class HoldCaptured extends Problem {
  constructor(id: string) {
    super(409, 'hold_captured', 'Hold is captured', `Hold ${id} is captured; its credit is used for good.`);
  }
}
