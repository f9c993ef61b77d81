import { Problem } from 'service-platform';

/** The Catalog's own answers, each with a stable code (the platform's catalogue covers the rest). */

export class UnknownItem extends Problem {
  /** 404 when the item is what was asked for; 422 when a reservation names it. */
  constructor(skus: string[], status: 404 | 422 = 404) {
    super(status, 'unknown_item', 'Unknown item', `No item with sku ${skus.join(', ')}.`, { skus });
  }
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export class OutOfStock extends Problem {
  constructor(shortages: Shortage[]) {
    const detail = shortages.map((s) => `${s.sku}: ${s.requested} requested, ${s.available} available`).join('; ');
    super(409, 'out_of_stock', 'Not enough stock', detail, { shortages });
  }
}

export class MixedCurrencies extends Problem {
  constructor(currencies: string[]) {
    super(422, 'mixed_currencies', 'Items are priced in different currencies', `One reservation holds one currency; these lines are in ${currencies.join(', ')}.`, { currencies });
  }
}

export class TotalTooLarge extends Problem {
  constructor() {
    super(422, 'total_too_large', 'The total is too large', 'A reservation totals at most 2147483647 minor units.');
  }
}

export class TtlTooLong extends Problem {
  constructor(max: number) {
    super(400, 'validation_failed', 'The request is not valid', `body.ttlSeconds: must be at most ${max}`, {
      errors: [{ field: 'body.ttlSeconds', message: `must be at most ${max}` }],
    });
  }
}

export class UnknownCurrency extends Problem {
  constructor(currency: string) {
    super(400, 'validation_failed', 'The request is not valid', `body.currency: ${currency} is not an ISO 4217 currency`, {
      errors: [{ field: 'body.currency', message: `${currency} is not an ISO 4217 currency` }],
    });
  }
}

export class UnknownReservation extends Problem {
  constructor(id: string) {
    super(404, 'unknown_reservation', 'Unknown reservation', `No reservation ${id}.`);
  }
}

export class ReservationMismatch extends Problem {
  constructor(id: string) {
    super(409, 'reservation_mismatch', 'Reservation id already used', `Reservation ${id} exists with other lines; a retry must send the same body.`);
  }
}

export class ReservationReleased extends Problem {
  constructor(id: string) {
    super(409, 'reservation_released', 'Reservation id was released', `Reservation ${id} was released before it was made; use a new id.`);
  }
}

export class ReservationExpired extends Problem {
  constructor(id: string, status: string) {
    // Not `status`: that member of a problem is the HTTP status code (RFC 9457) and must stay a number.
    super(409, 'reservation_expired', 'Reservation no longer held', `Reservation ${id} is ${status}; it can no longer be confirmed.`, { reservationStatus: status });
  }
}

export class ReservationConfirmed extends Problem {
  constructor(id: string) {
    super(409, 'reservation_confirmed', 'Reservation is confirmed', `Reservation ${id} is confirmed; its stock is gone for good.`);
  }
}
