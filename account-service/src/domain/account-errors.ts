import { DomainError } from 'service-platform';

/** The Account service's own refusals: a code and its details; the status and title are rows of Account's problem table. */

export class UnknownAccount extends DomainError {
  constructor(id: string) {
    super('unknown_account', `No account ${id}.`, { accountId: id });
  }
}

export class CreditLimitBelowCommitments extends DomainError {
  constructor(limit: number, heldCents: number, usedCents: number) {
    super('credit_limit_below_commitments', `A limit of ${limit} does not cover the ${heldCents} held and ${usedCents} used.`, { heldCents, usedCents });
  }
}

export class CurrencyInUse extends DomainError {
  constructor(currency: string, heldCents: number, usedCents: number) {
    super('currency_in_use', `The account has credit held or used in ${currency}; its currency stays ${currency}.`, { currency, heldCents, usedCents });
  }
}

export class InsufficientCredit extends DomainError {
  constructor(requestedCents: number, availableCreditCents: number) {
    super('insufficient_credit', `${requestedCents} requested, ${availableCreditCents} available.`, { requestedCents, availableCreditCents });
  }
}

export class CurrencyMismatch extends DomainError {
  constructor(accountCurrency: string, requested: string) {
    super('currency_mismatch', `The account is kept in ${accountCurrency}; the hold asks for ${requested}.`, { accountCurrency });
  }
}

export class UnknownHold extends DomainError {
  constructor(id: string) {
    super('unknown_hold', `No hold ${id}.`);
  }
}

export class HoldMismatch extends DomainError {
  constructor(id: string) {
    super('hold_mismatch', `Hold ${id} exists with another body; a retry must send the same body.`);
  }
}

export class HoldReleased extends DomainError {
  constructor(id: string) {
    super('hold_released', `Hold ${id} was released before it was made; use a new id.`);
  }
}

export class HoldExpired extends DomainError {
  constructor(id: string, status: string) {
    // Not `status`: in a problem that is the HTTP status code (RFC 9457) and must stay a number.
    super('hold_expired', `Hold ${id} is ${status}; it can no longer be captured.`, { holdStatus: status });
  }
}

export class HoldCaptured extends DomainError {
  constructor(id: string) {
    super('hold_captured', `Hold ${id} is captured; its credit is used for good.`);
  }
}
