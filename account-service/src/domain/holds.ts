import { createHash } from 'node:crypto';
import type { AccountRecord } from '../data/account-repository';
import type { HoldRecord, HoldRepository, HoldRequest, HoldStatus } from '../data/hold-repository';
import {
  CurrencyMismatch,
  HoldCaptured,
  HoldExpired,
  HoldMismatch,
  HoldReleased,
  InsufficientCredit,
  TtlTooLong,
  UnknownAccount,
  UnknownHold,
} from './account-errors';
import { withAvailable } from './accounts';

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

/** Why the account would not take the hold; runs inside the transaction, so throwing undoes the claim. */
function refuseHold(input: HoldInput) {
  return (account: AccountRecord | null): never => {
    if (!account) throw new UnknownAccount(input.accountId, 422);
    if (account.currency !== input.currency) throw new CurrencyMismatch(account.currency, input.currency);
    throw new InsufficientCredit(input.amountCents, withAvailable(account).availableCreditCents);
  };
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

export function holdService(repo: HoldRepository, ttl: TtlPolicy) {
  /** What an existing id answers to a hold request: itself, or why not. */
  function replay(id: string, hash: string, existing: HoldRecord): Hold {
    if (existing.requestHash === null) throw new HoldReleased(id);
    if (existing.requestHash !== hash) throw new HoldMismatch(id);
    return toHold(existing);
  }

  return {
    /** Holds the amount against the account's credit. `created` is false for an idempotent replay. */
    async place(id: string, input: HoldInput): Promise<{ hold: Hold; created: boolean }> {
      if (input.ttlSeconds !== undefined && input.ttlSeconds > ttl.maxSeconds) throw new TtlTooLong(ttl.maxSeconds);
      const hash = hashRequest(input);
      const existing = await repo.find(id);
      if (existing) return { hold: replay(id, hash, existing), created: false };
      const request = { accountId: input.accountId, amountCents: input.amountCents, currency: input.currency };
      const created = await repo.create(id, hash, input.ttlSeconds ?? ttl.defaultSeconds, request, refuseHold(input));
      if (created) return { hold: toHold(created), created: true };
      // Another request claimed this id between our read and our insert: answer as a replay.
      const raced = await repo.find(id);
      if (!raced) throw new Error(`hold ${id} claimed but not found`);
      return { hold: replay(id, hash, raced), created: false };
    },

    async get(id: string): Promise<Hold> {
      const record = await repo.find(id);
      if (!record || record.requestHash === null) throw new UnknownHold(id);
      return toHold(record);
    },

    /** Idempotent: capturing a captured hold answers it again. Released or expired ones never are. */
    async capture(id: string): Promise<Hold> {
      const captured = await repo.capture(id);
      const record = await repo.find(id);
      if (!record) throw new UnknownHold(id);
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
