import type { ClaimOutcome, Page } from 'service-platform';

// What Account's use cases need of a store, in their own words: `data/` implements these, `app.ts`
// wires them. Plain values in, plain values out; refusals are values, never thrown.

export interface AccountInput {
  id: string;
  name: string;
  currency: string;
  creditLimitCents: number;
}

/** An account as stored: `heldCents` and `usedCents` are moved only by holds. */
export interface AccountRecord extends AccountInput {
  heldCents: number;
  usedCents: number;
}

/** What a put comes to: saved, or refused with the row as it stands under its lock (the caller says why). */
export type PutOutcome = { ok: true; account: AccountRecord; created: boolean } | { ok: false; current: AccountRecord };

export interface AccountStore {
  find(id: string): Promise<AccountRecord | null>;
  list(limit: number, cursor?: string): Promise<Page<AccountRecord>>;
  /** Replaces only while the new limit covers what is held and used, and the currency only while nothing is. */
  upsert(account: AccountInput): Promise<PutOutcome>;
}

export type HoldStatus = 'held' | 'captured' | 'released' | 'expired';

export interface HoldRequest {
  accountId: string;
  amountCents: number;
  currency: string;
}

/** A stored hold; `requestHash` null marks a tombstone: an id released before it was held. */
export interface HoldRecord {
  id: string;
  accountId: string | null;
  amountCents: number | null;
  currency: string | null;
  status: HoldStatus;
  requestHash: string | null;
  expiresAt: Date;
}

/** Why the account would not take the hold, read from the account as it stands (null: no such account). */
export interface HoldRefusal {
  account: AccountRecord | null;
}

export interface HoldStore {
  find(id: string): Promise<HoldRecord | null>;
  /** Claims the id and takes the credit, or changes nothing and says why. */
  create(id: string, requestHash: string, ttlSeconds: number, request: HoldRequest): Promise<ClaimOutcome<HoldRecord, HoldRefusal>>;
  /** Whether this call captured it, the hold as it now stands (null: unknown), the credit available when a lapsed one cannot be. */
  capture(id: string): Promise<{ captured: boolean; record: HoldRecord | null; availableCreditCents?: number }>;
  /** The status the hold had before the release, or null for an id never held. */
  release(id: string): Promise<HoldStatus | null>;
}
