import type { ClaimOutcome, Deadline, Page } from 'service-platform';

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
  upsert(account: AccountInput, deadline?: Deadline): Promise<PutOutcome>;
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

/**
 * Why the store refused a step, decided where the rows are locked (prisma/sql/hold.sql): a code of
 * Account's problem table and its details.
 */
export type HoldRefusal =
  | { code: 'unknown_account'; details: { accountId: string } }
  | { code: 'currency_mismatch'; details: { accountCurrency: string } }
  | { code: 'insufficient_credit'; details: { requestedCents: number; availableCreditCents: number } }
  | { code: 'unknown_hold'; details: Record<string, never> }
  | { code: 'hold_expired'; details: { holdStatus: HoldStatus } }
  | { code: 'hold_captured'; details: Record<string, never> };

export interface HoldStore {
  find(id: string): Promise<HoldRecord | null>;
  /** Claims the id and takes the credit, or changes nothing and says why. */
  create(id: string, requestHash: string, ttlSeconds: number, request: HoldRequest, deadline?: Deadline): Promise<ClaimOutcome<HoldRecord, HoldRefusal>>;
  /** The hold as it now stands, or why it cannot be captured (nothing changed). */
  capture(id: string, deadline?: Deadline): Promise<{ record: HoldRecord | null; refusal?: HoldRefusal }>;
  /** Releases it (an id never held is closed), or says why not. */
  release(id: string, deadline?: Deadline): Promise<{ refusal?: HoldRefusal }>;
}
