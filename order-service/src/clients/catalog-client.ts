import type { AxiosInstance } from 'axios';
import type { StockPort } from '../domain/ports';
import { accepted, answered, refused } from './dependency-answers';
import type { paths } from './generated/catalog';
import type { Dependency } from './resilience/dependency';
import { typedClient } from './typed-http';

/**
 * The Catalog over HTTP, as the saga's stock port. Every call is keyed by the order id and therefore
 * safe to retry: a PUT with the same id and body answers the same reservation; confirm and release
 * are idempotent (release of an unknown id succeeds and closes the id). 4xx answers are refusals,
 * returned; the dependency (bulkhead, breaker, retries) turns the rest into `unavailable`.
 */
export function catalogClient(http: AxiosInstance, dependency: Dependency): StockPort {
  const call = typedClient<paths>(http);
  return {
    reserve: (orderId, lines, ttlSeconds, { deadline }) => answered(() => dependency.call(deadline, async (signal, timeoutMs) => {
      const res = await call('put', '/reservations/{reservationId}', { path: { reservationId: orderId }, body: { lines, ttlSeconds }, signal, timeoutMs });
      return res.status === 200 || res.status === 201 ? accepted(res.data) : refused(res.status, res.data);
    }, true)),

    confirm: (orderId, { deadline }) => answered(() => dependency.call(deadline, async (signal, timeoutMs) => {
      const res = await call('post', '/reservations/{reservationId}/confirm', { path: { reservationId: orderId }, signal, timeoutMs });
      return res.status === 200 ? accepted(res.data) : refused(res.status, res.data);
    }, true)),

    release: (orderId, { deadline }) => answered(() => dependency.call(deadline, async (signal, timeoutMs) => {
      const res = await call('post', '/reservations/{reservationId}/release', { path: { reservationId: orderId }, signal, timeoutMs });
      return res.status === 204 ? accepted(null) : refused(res.status, res.data);
    }, true)),
  };
}
