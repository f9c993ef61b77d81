import { CataloguedProblem } from 'service-platform';
import type { Shortage } from '../data/reservation-repository';

export type { Shortage };

/** The Catalog's own answers; their statuses and titles are rows of the platform's PROBLEMS. */

export class UnknownItem extends CataloguedProblem {
  /** 404 when the item is what was asked for; 422 when a reservation names it. */
  constructor(skus: string[], status: 404 | 422 = 404) {
    super('unknown_item', `No item with sku ${skus.join(', ')}.`, { status, extensions: { skus } });
  }
}


export class OutOfStock extends CataloguedProblem {
  constructor(shortages: Shortage[]) {
    const detail = shortages.map((s) => `${s.sku}: ${s.requested} requested, ${s.available} available`).join('; ');
    super('out_of_stock', detail, { extensions: { shortages } });
  }
}

export class NegativeStock extends CataloguedProblem {
  constructor(sku: string, delta: number, available: number) {
    super('negative_stock', `${sku}: ${available} available, an adjustment of ${delta} would go below zero.`, { extensions: { sku, delta, available } });
  }
}

export class StockTooLarge extends CataloguedProblem {
  constructor(sku: string, delta: number, available: number) {
    super('stock_too_large', `${sku}: ${available} in stock, an adjustment of ${delta} would pass 2147483647.`, { extensions: { sku, delta, available } });
  }
}

export class AdjustmentMismatch extends CataloguedProblem {
  constructor(adjustmentId: string) {
    super('adjustment_mismatch', `Adjustment ${adjustmentId} was made with another sku, delta or reason; a retry must send the same body.`);
  }
}

export class MixedCurrencies extends CataloguedProblem {
  constructor(currencies: string[]) {
    super('mixed_currencies', `One reservation holds one currency; these lines are in ${currencies.join(', ')}.`, { extensions: { currencies } });
  }
}

export class TotalTooLarge extends CataloguedProblem {
  constructor() {
    super('total_too_large', 'A reservation totals at most 2147483647 minor units.');
  }
}

export class UnknownReservation extends CataloguedProblem {
  constructor(id: string) {
    super('unknown_reservation', `No reservation ${id}.`);
  }
}

export class ReservationMismatch extends CataloguedProblem {
  constructor(id: string) {
    super('reservation_mismatch', `Reservation ${id} exists with other lines; a retry must send the same body.`);
  }
}

export class ReservationReleased extends CataloguedProblem {
  constructor(id: string) {
    super('reservation_released', `Reservation ${id} was released before it was made; use a new id.`);
  }
}

export class ReservationExpired extends CataloguedProblem {
  constructor(id: string, status: string) {
    // Not `status`: that member of a problem is the HTTP status code (RFC 9457) and must stay a number.
    super('reservation_expired', `Reservation ${id} is ${status}; it can no longer be confirmed.`, { extensions: { reservationStatus: status } });
  }
}

export class ReservationConfirmed extends CataloguedProblem {
  constructor(id: string) {
    super('reservation_confirmed', `Reservation ${id} is confirmed; its stock is gone for good.`);
  }
}
