import { DomainError } from 'service-platform';
import type { Shortage } from './ports';

/** The Catalog's own refusals: a code and its details; the status and title are rows of Catalog's problem table. */

export class UnknownItem extends DomainError {
  constructor(skus: string[]) {
    super('unknown_item', `No item with sku ${skus.join(', ')}.`, { skus });
  }
}

export class OutOfStock extends DomainError {
  constructor(shortages: Shortage[]) {
    super('out_of_stock', shortages.map((s) => `${s.sku}: ${s.requested} requested, ${s.available} available`).join('; '), { shortages });
  }
}

export class NegativeStock extends DomainError {
  constructor(sku: string, delta: number, available: number) {
    super('negative_stock', `${sku}: ${available} available, an adjustment of ${delta} would go below zero.`, { sku, delta, available });
  }
}

export class StockTooLarge extends DomainError {
  constructor(sku: string, delta: number, available: number) {
    super('stock_too_large', `${sku}: ${available} in stock, an adjustment of ${delta} would pass 2147483647.`, { sku, delta, available });
  }
}

export class AdjustmentMismatch extends DomainError {
  constructor(adjustmentId: string) {
    super('adjustment_mismatch', `Adjustment ${adjustmentId} was made with another sku, delta or reason; a retry must send the same body.`);
  }
}

export class MixedCurrencies extends DomainError {
  constructor(currencies: string[]) {
    super('mixed_currencies', `One reservation holds one currency; these lines are in ${currencies.join(', ')}.`, { currencies });
  }
}

export class TotalTooLarge extends DomainError {
  constructor() {
    super('total_too_large', 'A reservation totals at most 2147483647 minor units.');
  }
}

export class UnknownReservation extends DomainError {
  constructor(id: string) {
    super('unknown_reservation', `No reservation ${id}.`);
  }
}

export class ReservationMismatch extends DomainError {
  constructor(id: string) {
    super('reservation_mismatch', `Reservation ${id} exists with other lines; a retry must send the same body.`);
  }
}

export class ReservationReleased extends DomainError {
  constructor(id: string) {
    super('reservation_released', `Reservation ${id} was released before it was made; use a new id.`);
  }
}

export class ReservationExpired extends DomainError {
  constructor(id: string, status: string) {
    // Not `status`: that member of a problem is the HTTP status code (RFC 9457) and must stay a number.
    super('reservation_expired', `Reservation ${id} is ${status}; it can no longer be confirmed.`, { reservationStatus: status });
  }
}

export class ReservationConfirmed extends DomainError {
  constructor(id: string) {
    super('reservation_confirmed', `Reservation ${id} is confirmed; its stock is gone for good.`);
  }
}

/** If-Match named a version that is no longer current (or no item): nothing was changed. */
export class ItemChanged extends DomainError {
  constructor(detail: string) {
    super('precondition_failed', detail);
  }
}

/** A stock change that could lose a concurrent update was sent without If-Match. */
export class VersionRequired extends DomainError {
  constructor(detail: string) {
    super('precondition_required', detail);
  }
}
