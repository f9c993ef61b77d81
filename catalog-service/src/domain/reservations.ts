import { createHash } from 'node:crypto';
import type { LockedItem, Reservation, ReservationRecord, ReservationRepository } from '../data/reservation-repository';
import {
  MixedCurrencies,
  OutOfStock,
  ReservationConfirmed,
  ReservationExpired,
  ReservationMismatch,
  ReservationReleased,
  TotalTooLarge,
  TtlTooLong,
  UnknownItem,
  UnknownReservation,
} from './catalog-errors';

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

const MAX_TOTAL_CENTS = 2_147_483_647;

/** Lines naming the same sku are merged (never counted twice), in sku order. */
export function mergeLines(lines: LineRequest[]): LineRequest[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of lines) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}

/** Same order, same quantities, same ttl → same hash: what "the same body" means for a retry. */
const hashRequest = (lines: LineRequest[], ttlSeconds: number | undefined) =>
  createHash('sha256').update(JSON.stringify({ lines, ttlSeconds: ttlSeconds ?? null })).digest('hex');

/** Runs under the item row locks: every refusal is decided here, before any stock moves. */
function priceLines(lines: LineRequest[]) {
  return (locked: LockedItem[]) => {
    const bySku = new Map(locked.map((i) => [i.sku, i]));
    const unknown = lines.filter((l) => !bySku.has(l.sku)).map((l) => l.sku);
    if (unknown.length > 0) throw new UnknownItem(unknown, 422);
    const currencies = [...new Set(locked.map((i) => i.currency))];
    if (currencies.length > 1) throw new MixedCurrencies(currencies);
    const shortages = lines
      .map((l) => ({ sku: l.sku, requested: l.quantity, available: bySku.get(l.sku)!.stock }))
      .filter((s) => s.available < s.requested);
    if (shortages.length > 0) throw new OutOfStock(shortages);
    const priced = lines.map((l) => ({ ...l, unitPriceCents: bySku.get(l.sku)!.priceCents }));
    const totalCents = priced.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    if (totalCents > MAX_TOTAL_CENTS) throw new TotalTooLarge();
    return { lines: priced, totalCents, currency: currencies[0] };
  };
}

function toReservation(record: ReservationRecord): Reservation {
  return { ...record, totalCents: record.totalCents ?? 0, currency: record.currency ?? 'XXX' };
}

export function reservationService(repo: ReservationRepository, ttl: TtlPolicy) {
  /** What an existing id answers to a reservation request: itself, or why not. */
  function replay(id: string, hash: string, existing: ReservationRecord): Reservation {
    if (existing.requestHash === null) throw new ReservationReleased(id);
    if (existing.requestHash !== hash) throw new ReservationMismatch(id);
    return toReservation(existing);
  }

  return {
    /** Holds stock for every line or none. `created` is false for an idempotent replay. */
    async reserve(id: string, request: ReservationRequest): Promise<{ reservation: Reservation; created: boolean }> {
      if (request.ttlSeconds !== undefined && request.ttlSeconds > ttl.maxSeconds) throw new TtlTooLong(ttl.maxSeconds);
      const lines = mergeLines(request.lines);
      const hash = hashRequest(lines, request.ttlSeconds);
      const existing = await repo.find(id);
      if (existing) return { reservation: replay(id, hash, existing), created: false };
      const created = await repo.create(
        id, hash, request.ttlSeconds ?? ttl.defaultSeconds,
        lines.map((l) => l.sku), lines.map((l) => l.quantity), priceLines(lines),
      );
      if (created) return { reservation: toReservation(created), created: true };
      // Another request claimed this id between our read and our insert: answer as a replay.
      const raced = await repo.find(id);
      if (!raced) throw new Error(`reservation ${id} claimed but not found`);
      return { reservation: replay(id, hash, raced), created: false };
    },

    async get(id: string): Promise<Reservation> {
      const record = await repo.find(id);
      if (!record || record.requestHash === null) throw new UnknownReservation(id);
      return toReservation(record);
    },

    /** Idempotent: confirming a confirmed reservation answers it again. */
    async confirm(id: string): Promise<Reservation> {
      const confirmed = await repo.confirm(id);
      const record = await repo.find(id);
      if (!record || (record.requestHash === null && record.status !== 'released')) throw new UnknownReservation(id);
      if (!confirmed && record.status !== 'confirmed') throw new ReservationExpired(id, record.status);
      return toReservation(record);
    },

    /** Idempotent, and a success for an id never reserved; a confirmed reservation stays confirmed. */
    async release(id: string): Promise<void> {
      const before = await repo.release(id);
      if (before === 'confirmed') throw new ReservationConfirmed(id);
    },
  };
}

export type ReservationService = ReturnType<typeof reservationService>;
