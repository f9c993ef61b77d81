// The saga's Catalog port, in process: the calls Catalog's reservation routes make
// (catalog-service/src/domain/reservations.ts), with the answers its HTTP client would give.
import type { Reservation as StoredReservation } from '../../catalog-service/src/domain/ports';
import type { ReservationService } from '../../catalog-service/src/domain/reservations';
import type { CatalogClient, Reservation } from '../../order-service/src/clients/catalog-client';
import type { Dependency } from '../../order-service/src/clients/resilience/dependency';
import { answerWith } from 'service-platform';
import { answerOf, foundOrNull } from './answers';

/** What Catalog's routes send (reservation-routes.ts): the date as ISO text; the stored currency is one the document's enum lists. */
const toDto = (r: StoredReservation): Reservation => ({
  id: r.id, status: r.status, lines: r.lines, totalCents: r.totalCents, currency: r.currency as Reservation['currency'], expiresAt: r.expiresAt.toISOString(),
});

/** `dependency` only fills the port's shape (for /dependencies): no call goes through it. */
export function inProcessCatalog(reservations: ReservationService, dependency: Dependency): CatalogClient {
  const at = (id: string) => `/reservations/${id}`;
  return {
    dependency,
    reserve: (orderId, lines, ttlSeconds, deadline) =>
      answerOf('catalog', at(orderId), deadline, async () => toDto((await reservations.reserve(orderId, { lines, ttlSeconds }).catch(answerWith({ unknown_item: 422 }))).reservation)),
    confirm: (orderId, deadline) => answerOf('catalog', `${at(orderId)}/confirm`, deadline, async () => toDto(await reservations.confirm(orderId))),
    release: (orderId, deadline) => answerOf('catalog', `${at(orderId)}/release`, deadline, async () => {
      await reservations.release(orderId);
      return null;
    }),
    find: (orderId, deadline) => foundOrNull(answerOf('catalog', at(orderId), deadline, async () => toDto(await reservations.get(orderId)))),
  };
}

