import type { AxiosInstance } from 'axios';
import type { CreditPort } from '../domain/ports';
import { accepted, answered, refused } from './dependency-answers';
import type { components, paths } from './generated/account';
import type { Dependency } from './resilience/dependency';
import { typedClient } from './typed-http';

/**
 * The Account over HTTP, as the saga's credit port. Every call is keyed by the order id and
 * therefore safe to retry: a PUT with the same id and body answers the same hold; capture and
 * release are idempotent (release of an unknown id succeeds and closes the id).
 */
export function accountClient(http: AxiosInstance, dependency: Dependency): CreditPort {
  const call = typedClient<paths>(http);
  return {
    hold: (orderId, hold, { deadline }) => answered(() => dependency.call(deadline, async (signal, timeoutMs) => {
      // The currency comes from Catalog's prices, checked against ISO 4217 there: the document's enum.
      const body = { ...hold, currency: hold.currency as components['schemas']['Currency'] };
      const res = await call('put', '/holds/{holdId}', { path: { holdId: orderId }, body, signal, timeoutMs });
      return res.status === 200 || res.status === 201 ? accepted(res.data) : refused(res.status, res.data);
    }, true)),

    capture: (orderId, { deadline }) => answered(() => dependency.call(deadline, async (signal, timeoutMs) => {
      const res = await call('post', '/holds/{holdId}/capture', { path: { holdId: orderId }, signal, timeoutMs });
      return res.status === 200 ? accepted(res.data) : refused(res.status, res.data);
    }, true)),

    release: (orderId, { deadline }) => answered(() => dependency.call(deadline, async (signal, timeoutMs) => {
      const res = await call('post', '/holds/{holdId}/release', { path: { holdId: orderId }, signal, timeoutMs });
      return res.status === 204 ? accepted(null) : refused(res.status, res.data);
    }, true)),
  };
}
