// The saga's stock port, in process: the calls Catalog's reservation routes make
// (catalog-service/src/domain/reservations.ts), with the answers its HTTP client would give.
import type { Reservation as StoredReservation } from '../../catalog-service/src/domain/ports';
import type { ReservationService } from '../../catalog-service/src/domain/reservations';
import type { StockPort } from '../../order-service/src/domain/ports';
import { answerWith } from 'service-platform';
import { answerOf } from './in-process-answers';

/** What Catalog's routes send (reservation-routes.ts): the date as ISO text. */
const toDto = (r: StoredReservation) => ({
  id: r.id, status: r.status, lines: r.lines, totalCents: r.totalCents, currency: r.currency, expiresAt: r.expiresAt.toISOString(),
});

export function inProcessCatalog(reservations: ReservationService): StockPort {
  const at = (id: string) => `/reservations/${id}`;
  return {
    reserve: (orderId, lines, ttlSeconds, { deadline }) =>
      answerOf('catalog', at(orderId), deadline, async (callee) => toDto((await reservations.reserve(orderId, { lines, ttlSeconds }, callee).catch(answerWith({ unknown_item: 422 }))).reservation)),
    confirm: (orderId, { deadline }) => answerOf('catalog', `${at(orderId)}/confirm`, deadline, async (callee) => toDto(await reservations.confirm(orderId, callee))),
    release: (orderId, { deadline }) => answerOf('catalog', `${at(orderId)}/release`, deadline, async (callee) => {
      await reservations.release(orderId, callee);
      return null;
    }),
  };
}
