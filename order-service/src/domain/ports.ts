// What the saga needs from the services it depends on, in the domain's words: commitments asked
// for by the order's id, answered as accepted, refused, or unavailable. `clients/` turns HTTP into
// these answers; the benchmark's in-process system implements the same ports without HTTP.
import type { Deadline } from 'service-platform';
import type { Writer } from './order';

export type DependencyName = 'catalog' | 'account';

/** A refusal by the dependency: its code and details, and whether asking again can ever change it. */
export interface Refusal {
  code: string;
  title: string;
  /** Refused for good (a release of a commitment already confirmed): asking again gets the same. */
  final: boolean;
  /** What the dependency said besides the code (shortages, available credit, ...). */
  details: Record<string, unknown>;
}

export type UnavailableReason = 'breaker_open' | 'bulkhead_full' | 'budget_exhausted' | 'failed';

/** The dependency could not be asked now. */
export interface Unavailable {
  dependency: DependencyName;
  reason: UnavailableReason;
  /** Whether any attempt may have reached it (false: it cannot have acted). */
  sent: boolean;
  /** When a call may succeed again (an open breaker's reset), in seconds. */
  retryAfterSeconds: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; refused: Refusal } | { ok: false; unavailable: Unavailable };

/** Who asks, and until when: the deadline bounds the call; the writer is who acts on the order. */
export interface StepContext {
  deadline: Deadline;
  writer: Writer;
}

export type CommitmentStatus = 'held' | 'confirmed' | 'captured' | 'released' | 'expired';

/** Catalog's answer to a reservation: the authoritative prices of every line. */
export interface Reservation {
  status: CommitmentStatus;
  currency: string;
  lines: Array<{ sku: string; quantity: number; unitPriceCents: number }>;
}

export interface Hold {
  status: CommitmentStatus;
}

/** Stock, in Catalog: reserved by the order id, then confirmed or released. Every call is idempotent. */
export interface StockPort {
  reserve(orderId: string, lines: Array<{ sku: string; quantity: number }>, ttlSeconds: number, ctx: StepContext): Promise<Result<Reservation>>;
  confirm(orderId: string, ctx: StepContext): Promise<Result<Reservation>>;
  /** Also for an id never reserved: it is closed, so a late reservation of it is refused. */
  release(orderId: string, ctx: StepContext): Promise<Result<null>>;
}

/** Credit, in Account: held by the order id, then captured or released. Every call is idempotent. */
export interface CreditPort {
  hold(orderId: string, hold: { accountId: string; amountCents: number; currency: string; ttlSeconds: number }, ctx: StepContext): Promise<Result<Hold>>;
  capture(orderId: string, ctx: StepContext): Promise<Result<Hold>>;
  /** Also for an id never held: it is closed, so a late hold of it is refused. */
  release(orderId: string, ctx: StepContext): Promise<Result<null>>;
}

/**
 * Whether an order could succeed now: an `Unavailable` when a dependency certainly cannot be used
 * (its breaker is open), else null; and when a call may succeed again. Fed by the registry of
 * dependencies the adapters keep (none in process).
 */
export interface Availability {
  refusalNow(): Unavailable | null;
  retryAfterSeconds(): number;
}
