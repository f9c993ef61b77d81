import { createHash } from 'node:crypto';
import { type ClaimOutcome, type Deadline, type DomainError, TtlTooLong } from 'service-platform';
import {
  MixedCurrencies,
  OutOfStock,
  ReservationConfirmed,
  ReservationExpired,
  ReservationMismatch,
  ReservationReleased,
  TotalTooLarge,
  UnknownItem,
  UnknownReservation,
} from './catalog-errors';
import type { Reservation, ReservationRecord, ReservationRefusal, ReservationStore } from './ports';

export interface LineRequest {
  sku: string;
  quantity: number;
}

export interface ReservationRequest {
  lines: LineRequest[];
  ttlSeconds?: number;
}

export interface TtlPolicy {
  defaultSeconds: number;
  maxSeconds: number;
}

/** Lines naming the same sku are merged (never counted twice), in sku order. */
export function mergeLines(lines: LineRequest[]): LineRequest[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of lines) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}

/** Same order, same quantities, same ttl → same hash: what "the same body" means for a retry. */
const hashRequest = (lines: LineRequest[], ttlSeconds: number | undefined) =>
  createHash('sha256').update(JSON.stringify({ lines, ttlSeconds: ttlSeconds ?? null })).digest('hex');

/** A refusal of the store (the rule lives once, in prisma/sql/reservation.sql) as the domain error that says it. */
function refused(id: string, refusal: ReservationRefusal): DomainError {
  switch (refusal.code) {
    case 'unknown_item': return new UnknownItem(refusal.details.skus);
    case 'mixed_currencies': return new MixedCurrencies(refusal.details.currencies);
    case 'out_of_stock': return new OutOfStock(refusal.details.shortages);
    case 'total_too_large': return new TotalTooLarge();
    case 'unknown_reservation': return new UnknownReservation(id);
    case 'reservation_expired': return new ReservationExpired(id, refusal.details.reservationStatus);
    case 'reservation_confirmed': return new ReservationConfirmed(id);
  }
}

function toReservation(record: ReservationRecord): Reservation {
  return { ...record, totalCents: record.totalCents ?? 0, currency: record.currency ?? 'XXX' };
}

/** A claim's outcome as the API answers it: the reservation, or the refusal thrown. */
function answer(id: string, outcome: ClaimOutcome<ReservationRecord, ReservationRefusal>): { reservation: Reservation; created: boolean } {
  switch (outcome.kind) {
    case 'created': return { reservation: toReservation(outcome.record), created: true };
    case 'replayed': return { reservation: toReservation(outcome.record), created: false };
    case 'mismatch': throw new ReservationMismatch(id);
    case 'released': throw new ReservationReleased(id);
    case 'refused': throw refused(id, outcome.refusal);
  }
}

export function reservationService(repo: ReservationStore, ttl: TtlPolicy) {
  return {
    /** Holds stock for every line or none. `created` is false for an idempotent replay. */
    async reserve(id: string, request: ReservationRequest, deadline?: Deadline): Promise<{ reservation: Reservation; created: boolean }> {
      if (request.ttlSeconds !== undefined && request.ttlSeconds > ttl.maxSeconds) throw new TtlTooLong(ttl.maxSeconds);
      const lines = mergeLines(request.lines);
      const hash = hashRequest(lines, request.ttlSeconds);
      const outcome = await repo.create(id, hash, request.ttlSeconds ?? ttl.defaultSeconds, lines.map((l) => l.sku), lines.map((l) => l.quantity), deadline);
      return answer(id, outcome);
    },

    async get(id: string): Promise<Reservation> {
      const record = await repo.find(id);
      if (!record || record.requestHash === null) throw new UnknownReservation(id);
      return toReservation(record);
    },

    /**
     * Idempotent: confirming a confirmed reservation answers it again. One that expired by time is
     * re-confirmed while the stock allows (else out_of_stock); a released one never is.
     */
    async confirm(id: string, deadline?: Deadline): Promise<Reservation> {
      const { record, refusal } = await repo.confirm(id, deadline);
      if (refusal) throw refused(id, refusal);
      if (!record) throw new UnknownReservation(id);
      return toReservation(record);
    },

    /** Idempotent, and a success for an id never reserved; a confirmed reservation stays confirmed. */
    async release(id: string, deadline?: Deadline): Promise<void> {
      const { refusal } = await repo.release(id, deadline);
      if (refusal) throw refused(id, refusal);
    },
  };
}

export type ReservationService = ReturnType<typeof reservationService>;
