import { createHash } from 'node:crypto';
import { type Deadline, type DomainError, TtlTooLong } from 'service-platform';
import {
  CurrencyMismatch,
  HoldCaptured,
  HoldExpired,
  HoldMismatch,
  HoldReleased,
  InsufficientCredit,
  UnknownAccount,
  UnknownHold,
} from './account-errors';
import type { HoldRecord, HoldRefusal, HoldRequest, HoldStatus, HoldStore } from './ports';

export interface HoldInput extends HoldRequest {
  ttlSeconds?: number;
}

export interface Hold extends HoldRequest {
  id: string;
  status: HoldStatus;
  expiresAt: Date;
}

export interface TtlPolicy {
  defaultSeconds: number;
  maxSeconds: number;
}

/** Same account, amount, currency and ttl → same hash: what "the same body" means for a retry. */
const hashRequest = (input: HoldInput) =>
  createHash('sha256')
    .update(JSON.stringify({ accountId: input.accountId, amountCents: input.amountCents, currency: input.currency, ttlSeconds: input.ttlSeconds ?? null }))
    .digest('hex');

/** A refusal of the store (the rule lives once, in prisma/sql/hold.sql) as the domain error that says it. */
function refused(id: string, refusal: HoldRefusal, requested?: HoldRequest): DomainError {
  switch (refusal.code) {
    case 'unknown_account': return new UnknownAccount(refusal.details.accountId);
    case 'currency_mismatch': return new CurrencyMismatch(refusal.details.accountCurrency, requested?.currency ?? 'another currency');
    case 'insufficient_credit': return new InsufficientCredit(refusal.details.requestedCents, refusal.details.availableCreditCents);
    case 'unknown_hold': return new UnknownHold(id);
    case 'hold_expired': return new HoldExpired(id, refusal.details.holdStatus);
    case 'hold_captured': return new HoldCaptured(id);
  }
}

/** Only tombstones lack these, and tombstones are never answered as holds. */
const toHold = (r: HoldRecord): Hold => ({
  id: r.id,
  accountId: r.accountId ?? '',
  amountCents: r.amountCents ?? 0,
  currency: r.currency ?? 'XXX',
  status: r.status,
  expiresAt: r.expiresAt,
});

export function holdService(repo: HoldStore, ttl: TtlPolicy) {
  return {
    /** Holds the amount against the account's credit. `created` is false for an idempotent replay. */
    async place(id: string, input: HoldInput, deadline?: Deadline): Promise<{ hold: Hold; created: boolean }> {
      if (input.ttlSeconds !== undefined && input.ttlSeconds > ttl.maxSeconds) throw new TtlTooLong(ttl.maxSeconds);
      const request = { accountId: input.accountId, amountCents: input.amountCents, currency: input.currency };
      const outcome = await repo.create(id, hashRequest(input), input.ttlSeconds ?? ttl.defaultSeconds, request, deadline);
      switch (outcome.kind) {
        case 'created': return { hold: toHold(outcome.record), created: true };
        case 'replayed': return { hold: toHold(outcome.record), created: false };
        case 'mismatch': throw new HoldMismatch(id);
        case 'released': throw new HoldReleased(id);
        case 'refused': throw refused(id, outcome.refusal, request);
      }
    },

    async get(id: string): Promise<Hold> {
      const record = await repo.find(id);
      if (!record || record.requestHash === null) throw new UnknownHold(id);
      return toHold(record);
    },

    /**
     * Idempotent: capturing a captured hold answers it again. One that expired by time is
     * re-authorized while the credit allows (else insufficient_credit); a released one never is.
     */
    async capture(id: string, deadline?: Deadline): Promise<Hold> {
      const { record, refusal } = await repo.capture(id, deadline);
      if (refusal) throw refused(id, refusal);
      if (!record) throw new UnknownHold(id);
      return toHold(record);
    },

    /** Idempotent, and a success for an id never held; a captured hold stays captured. */
    async release(id: string, deadline?: Deadline): Promise<void> {
      const { refusal } = await repo.release(id, deadline);
      if (refusal) throw refused(id, refusal);
    },
  };
}

export type HoldService = ReturnType<typeof holdService>;
