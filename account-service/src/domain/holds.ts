import { createHash } from 'node:crypto';
import { type DomainError, TtlTooLong } from 'service-platform';
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
import { withAvailable } from './accounts';
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

/** Why the account would not take the hold, from the account as it stood under the claim. */
function refusal(input: HoldInput, { account }: HoldRefusal): DomainError {
  if (!account) return new UnknownAccount(input.accountId);
  if (account.currency !== input.currency) return new CurrencyMismatch(account.currency, input.currency);
  return new InsufficientCredit(input.amountCents, withAvailable(account).availableCreditCents);
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
    async place(id: string, input: HoldInput): Promise<{ hold: Hold; created: boolean }> {
      if (input.ttlSeconds !== undefined && input.ttlSeconds > ttl.maxSeconds) throw new TtlTooLong(ttl.maxSeconds);
      const request = { accountId: input.accountId, amountCents: input.amountCents, currency: input.currency };
      const outcome = await repo.create(id, hashRequest(input), input.ttlSeconds ?? ttl.defaultSeconds, request);
      switch (outcome.kind) {
        case 'created': return { hold: toHold(outcome.record), created: true };
        case 'replayed': return { hold: toHold(outcome.record), created: false };
        case 'mismatch': throw new HoldMismatch(id);
        case 'released': throw new HoldReleased(id);
        case 'refused': throw refusal(input, outcome.refusal);
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
    async capture(id: string): Promise<Hold> {
      const { captured, record, availableCreditCents } = await repo.capture(id);
      if (!record) throw new UnknownHold(id);
      if (availableCreditCents !== undefined) throw new InsufficientCredit(record.amountCents ?? 0, availableCreditCents);
      if (!captured && record.status !== 'captured') throw new HoldExpired(id, record.status);
      return toHold(record);
    },

    /** Idempotent, and a success for an id never held; a captured hold stays captured. */
    async release(id: string): Promise<void> {
      const before = await repo.release(id);
      if (before === 'captured') throw new HoldCaptured(id);
    },
  };
}

export type HoldService = ReturnType<typeof holdService>;
