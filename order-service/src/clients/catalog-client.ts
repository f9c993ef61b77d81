import type { AxiosInstance } from 'axios';
import { accepted, type Answer, refused } from './answers';
import type { components, paths } from './generated/catalog';
import type { Deadline } from './resilience/deadline';
import type { Dependency } from './resilience/dependency';
import { typedClient } from './typed-http';

export type Reservation = components['schemas']['Reservation'];
export type ReservationLineInput = components['schemas']['ReservationLineInput'];

/**
 * The Catalog, as the saga needs it. Every call is keyed by the order id and therefore safe to
 * retry: a PUT with the same id and body answers the same reservation; confirm and release are
 * idempotent (release of an unknown id succeeds and closes the id).
 */
export function catalogClient(http: AxiosInstance, dependency: Dependency) {
  const call = typedClient<paths>(http);
  return {
    dependency,

    reserve: (orderId: string, lines: ReservationLineInput[], ttlSeconds: number, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<Reservation>> => {
        const res = await call('put', '/reservations/{reservationId}', {
          path: { reservationId: orderId }, body: { lines, ttlSeconds }, signal, timeoutMs,
        });
        return res.status === 200 || res.status === 201 ? accepted(res.data) : refused(res.status, res.data);
      }, true),

    confirm: (orderId: string, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<Reservation>> => {
        const res = await call('post', '/reservations/{reservationId}/confirm', { path: { reservationId: orderId }, signal, timeoutMs });
        return res.status === 200 ? accepted(res.data) : refused(res.status, res.data);
      }, true),

    release: (orderId: string, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<null>> => {
        const res = await call('post', '/reservations/{reservationId}/release', { path: { reservationId: orderId }, signal, timeoutMs });
        return res.status === 204 ? accepted(null) : refused(res.status, res.data);
      }, true),

    /** Reads are always safe to retry. null: Catalog has no reservation for this order. */
    find: (orderId: string, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<Reservation | null>> => {
        const res = await call('get', '/reservations/{reservationId}', { path: { reservationId: orderId }, signal, timeoutMs });
        if (res.status === 404) return accepted(null);
        return res.status === 200 ? accepted(res.data) : refused(res.status, res.data);
      }, true),
  };
}

export type CatalogClient = ReturnType<typeof catalogClient>;
