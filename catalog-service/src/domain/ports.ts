import type { ClaimOutcome, Deadline, Page } from 'service-platform';

// What Catalog's use cases need of a store, in their own words: `data/` implements these, `app.ts`
// wires them. Plain values in, plain values out; refusals are values, never thrown. A write takes
// the caller's deadline, if it gave one, for the database to keep to.

export interface Item {
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  stock: number;
}

/** What a put writes: everything but the stock, which only changes when given. */
export interface ItemInput extends Omit<Item, 'stock'> {
  stock?: number;
}

/** The outcome of a put: written (created or replaced), or refused with the reason decided from the locked row. */
export type PutOutcome<Refusal> = { ok: true; item: Item; created: boolean } | { ok: false; refusal: Refusal };

export interface ItemStore {
  find(sku: string): Promise<Item | null>;
  list(limit: number, cursor?: string): Promise<Page<Item>>;
  /**
   * Creates or replaces an item all or nothing: the row is locked first, `refuse` decides from it and
   * nothing is written when it refuses. A stock left out keeps the stock as it is (a new item starts at 0).
   */
  put<Refusal>(item: ItemInput, refuse: (current: Item | null) => Refusal | undefined, deadline?: Deadline): Promise<PutOutcome<Refusal>>;
}

export interface StockAdjustmentInput {
  adjustmentId: string;
  sku: string;
  delta: number;
  reason: string;
}

export interface StockAdjustment extends StockAdjustmentInput {
  stockAfter: number;
  createdAt: Date;
}

/** Why an adjustment did not apply: the item is missing, or the stock would leave 0..2^31-1. */
export type AdjustmentRefusal = { kind: 'unknown_item' } | { kind: 'out_of_range'; available: number };

export type AdjustmentOutcome =
  | { kind: 'created' | 'existing'; adjustment: StockAdjustment }
  | { kind: 'refused'; refusal: AdjustmentRefusal };

export interface StockAdjustmentStore {
  /** Applies the adjustment once; an id seen before (or claimed meanwhile) answers what was recorded for it. */
  adjust(input: StockAdjustmentInput, deadline?: Deadline): Promise<AdjustmentOutcome>;
}

export type ReservationStatus = 'held' | 'confirmed' | 'released' | 'expired';

export interface ReservationLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Reservation {
  id: string;
  status: ReservationStatus;
  lines: ReservationLine[];
  totalCents: number;
  currency: string;
  expiresAt: Date;
}

/** A stored reservation; `requestHash` null marks an id that was released before it was made. */
export interface ReservationRecord extends Omit<Reservation, 'totalCents' | 'currency'> {
  requestHash: string | null;
  totalCents: number | null;
  currency: string | null;
}

/** A line of a lapsed reservation that the stock can no longer cover. */
export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

/**
 * Why the store refused a step, decided where the rows are locked (prisma/sql/reservation.sql):
 * a code of Catalog's problem table and its details.
 */
export type ReservationRefusal =
  | { code: 'unknown_item'; details: { skus: string[] } }
  | { code: 'mixed_currencies'; details: { currencies: string[] } }
  | { code: 'out_of_stock'; details: { shortages: Shortage[] } }
  | { code: 'total_too_large'; details: Record<string, never> }
  | { code: 'unknown_reservation'; details: Record<string, never> }
  | { code: 'reservation_expired'; details: { reservationStatus: ReservationStatus } }
  | { code: 'reservation_confirmed'; details: Record<string, never> };

export interface ReservationStore {
  find(id: string): Promise<ReservationRecord | null>;
  /** Claims the id and takes the stock of every line, or none (refused: why); skus distinct and sorted. */
  create(id: string, requestHash: string, ttlSeconds: number, skus: string[], quantities: number[], deadline?: Deadline): Promise<ClaimOutcome<ReservationRecord, ReservationRefusal>>;
  /** The reservation as it now stands, or why it cannot be confirmed (nothing changed). */
  confirm(id: string, deadline?: Deadline): Promise<{ record: ReservationRecord | null; refusal?: ReservationRefusal }>;
  /** Releases it (an id never reserved is closed), or says why not. */
  release(id: string, deadline?: Deadline): Promise<{ refusal?: ReservationRefusal }>;
}
