import { CataloguedProblem } from 'service-platform';

/** The Account service's own answers; their statuses and titles are rows of the platform's PROBLEMS. */

export class UnknownAccount extends CataloguedProblem {
  /** 404 when the account is what was asked for; 422 when a hold names it. */
  constructor(id: string, status: 404 | 422 = 404) {
    super('unknown_account', `No account ${id}.`, { status, extensions: { accountId: id } });
  }
}

export class CreditLimitBelowCommitments extends CataloguedProblem {
  constructor(limit: number, heldCents: number, usedCents: number) {
    super('credit_limit_below_commitments', `A limit of ${limit} does not cover the ${heldCents} held and ${usedCents} used.`, {
      extensions: { heldCents, usedCents },
    });
  }
}

export class CurrencyInUse extends CataloguedProblem {
  constructor(currency: string, heldCents: number, usedCents: number) {
    super('currency_in_use', `The account has credit held or used in ${currency}; its currency stays ${currency}.`, {
      extensions: { currency, heldCents, usedCents },
    });
  }
}

export class InsufficientCredit extends CataloguedProblem {
  constructor(requestedCents: number, availableCreditCents: number) {
    super('insufficient_credit', `${requestedCents} requested, ${availableCreditCents} available.`, { extensions: { requestedCents, availableCreditCents } });
  }
}

export class CurrencyMismatch extends CataloguedProblem {
  constructor(accountCurrency: string, requested: string) {
    super('currency_mismatch', `The account is kept in ${accountCurrency}; the hold asks for ${requested}.`, { extensions: { accountCurrency } });
  }
}

export class UnknownHold extends CataloguedProblem {
  constructor(id: string) {
    super('unknown_hold', `No hold ${id}.`);
  }
}

export class HoldMismatch extends CataloguedProblem {
  constructor(id: string) {
    super('hold_mismatch', `Hold ${id} exists with another body; a retry must send the same body.`);
  }
}

export class HoldReleased extends CataloguedProblem {
  constructor(id: string) {
    super('hold_released', `Hold ${id} was released before it was made; use a new id.`);
  }
}

export class HoldExpired extends CataloguedProblem {
  constructor(id: string, status: string) {
    // Not `status`: in a problem that is the HTTP status code (RFC 9457) and must stay a number.
    super('hold_expired', `Hold ${id} is ${status}; it can no longer be captured.`, { extensions: { holdStatus: status } });
  }
}

export class HoldCaptured extends CataloguedProblem {
  constructor(id: string) {
    super('hold_captured', `Hold ${id} is captured; its credit is used for good.`);
  }
}
