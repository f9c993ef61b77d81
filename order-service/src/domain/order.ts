// An order as the domain knows it, and the store the domain needs for it (data/ implements it).
import type { Move, OrderState } from './order-state';

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents?: number;
  lineTotalCents?: number;
}

/** Why an order was rejected, failed or needs attention: a stable code and what to tell the client. No HTTP. */
export interface Reason {
  code: string;
  title: string;
  detail?: string;
  /** For a failure a client may retry: when. */
  retryAfterSeconds?: number;
  [extension: string]: unknown;
}

export interface OrderRecord {
  id: string;
  requestHash: string;
  accountId: string;
  state: OrderState;
  lines: OrderLine[];
  totalCents: number | null;
  currency: string | null;
  reason: Reason | null;
  /** A rejected or failed order whose releases have not been acknowledged yet. */
  releasesOwed: boolean;
  /** Set once an operator settled the order (it needed attention): who decided what, and why. */
  settlement: Settlement | null;
  createdAt: Date;
  updatedAt: Date;
}

export type SettleAction = 'retry' | 'accept' | 'fail';
export interface Settlement {
  action: SettleAction;
  /** Who decided (the admin principal). */
  by: string;
  why: string;
  at: string;
  /** The reason code the order needed attention for. */
  from: string | null;
}

/** Who may write: anyone who holds the state (the request path), or the owner of a live lease (recovery). */
export type Writer = { kind: 'request' } | { kind: 'lease'; owner: string };
export const REQUEST: Writer = { kind: 'request' };

/** What a move writes besides the state. */
export interface MoveData {
  priced?: { lines: OrderLine[]; totalCents: number; currency: string };
  reason?: Reason;
  settlement?: Settlement;
  /** When recovery may look at the order next, in seconds from now (database clock). */
  nextAttemptInSeconds?: number;
}


/** What claiming an Idempotency-Key came to: the order recorded now, or the one the key already has. */
export type KeyClaim =
  | { claimed: true; order: OrderRecord; firstRequestOpen: true }
  /** `firstRequestOpen`: the first request may still be running (within its budget). */
  | { claimed: false; order: OrderRecord; firstRequestOpen: boolean };

export interface KeyTerms {
  keySeconds: number;
  graceSeconds: number;
  budgetMs: number;
}

/**
 * Where orders are kept. Every state change is `move`, a compare-and-set on the state the caller
 * read (and, for a recovery worker, on its live lease): null when another actor moved first.
 */
export interface OrderStore {
  /** Claims the key and records the order `pending` at once; null: the key was freed meanwhile (try again). */
  claim(key: string, requestHash: string, accountId: string, lines: OrderLine[], terms: KeyTerms): Promise<KeyClaim | null>;
  findByKey(accountId: string, key: string, budgetMs: number): Promise<KeyClaim | null>;
  find(id: string): Promise<OrderRecord | null>;
  move<F extends OrderState>(id: string, from: F, to: Move<F>, data: MoveData, writer: Writer): Promise<OrderRecord | null>;
  /** The request answered: recovery may take the order now, duplicates no longer wait. */
  handOver(id: string): Promise<void>;
  /** Every release of an ended order was acknowledged; a failed order gives its key back. */
  settleReleases(id: string, state: 'rejected' | 'failed', writer: Writer): Promise<OrderRecord | null>;
  /** Leases the next due order to `owner`, or null when none is due. */
  leaseNext(owner: string, leaseSeconds: number): Promise<OrderRecord | null>;
  renewLease(id: string, owner: string, leaseSeconds: number): Promise<boolean>;
  defer(id: string, owner: string, backoff: { baseSeconds: number; maxSeconds: number }): Promise<boolean>;
  releaseLease(id: string, owner: string): Promise<boolean>;
}
