import { createHash } from 'node:crypto';
import { type ClaimOutcome, type DomainError, TtlTooLong } from 'service-platform';
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
import type { LockedItem, Priced, Reservation, ReservationRecord, ReservationStore } from './ports';

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

/** Decides under the item row locks whether the items take these lines: priced, or the refusal. */
function priceLines(lines: LineRequest[]) {
  return (locked: LockedItem[]): Priced<DomainError> => {
    const bySku = new Map(locked.map((i) => [i.sku, i]));
    const unknown = lines.filter((l) => !bySku.has(l.sku)).map((l) => l.sku);
    if (unknown.length > 0) return { ok: false, refusal: new UnknownItem(unknown) };
    const currencies = [...new Set(locked.map((i) => i.currency))];
    if (currencies.length > 1) return { ok: false, refusal: new MixedCurrencies(currencies) };
    const shortages = lines
      .map((l) => ({ sku: l.sku, requested: l.quantity, available: bySku.get(l.sku)!.stock }))
      .filter((s) => s.available < s.requested);
    if (shortages.length > 0) return { ok: false, refusal: new OutOfStock(shortages) };
    const priced = lines.map((l) => ({ ...l, unitPriceCents: bySku.get(l.sku)!.priceCents }));
    const totalCents = priced.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    if (totalCents > MAX_TOTAL_CENTS) return { ok: false, refusal: new TotalTooLarge() };
    return { ok: true, lines: priced, totalCents, currency: currencies[0] };
  };
}

function toReservation(record: ReservationRecord): Reservation {
  return { ...record, totalCents: record.totalCents ?? 0, currency: record.currency ?? 'XXX' };
}

/** A claim's outcome as the API answers it: the reservation, or the refusal thrown. */
function answer(id: string, outcome: ClaimOutcome<ReservationRecord, DomainError>): { reservation: Reservation; created: boolean } {
  switch (outcome.kind) {
    case 'created': return { reservation: toReservation(outcome.record), created: true };
    case 'replayed': return { reservation: toReservation(outcome.record), created: false };
    case 'mismatch': throw new ReservationMismatch(id);
    case 'released': throw new ReservationReleased(id);
    case 'refused': throw outcome.refusal;
  }
}

export function reservationService(repo: ReservationStore, ttl: TtlPolicy) {
  return {
    /** Holds stock for every line or none. `created` is false for an idempotent replay. */
    async reserve(id: string, request: ReservationRequest): Promise<{ reservation: Reservation; created: boolean }> {
      if (request.ttlSeconds !== undefined && request.ttlSeconds > ttl.maxSeconds) throw new TtlTooLong(ttl.maxSeconds);
      const lines = mergeLines(request.lines);
      const hash = hashRequest(lines, request.ttlSeconds);
      const outcome = await repo.create(
        id, hash, request.ttlSeconds ?? ttl.defaultSeconds,
        lines.map((l) => l.sku), lines.map((l) => l.quantity), priceLines(lines),
      );
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
    async confirm(id: string): Promise<Reservation> {
      const { confirmed, record, shortages } = await repo.confirm(id);
      if (!record || (record.requestHash === null && record.status !== 'released')) throw new UnknownReservation(id);
      if (shortages) throw new OutOfStock(shortages);
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
