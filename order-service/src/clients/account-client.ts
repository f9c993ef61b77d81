import type { AxiosInstance } from 'axios';
import { accepted, type Answer, refused } from './answers';
import type { components, paths } from './generated/account';
import type { Deadline } from './resilience/deadline';
import type { Dependency } from './resilience/dependency';
import { typedClient } from './typed-http';

export type Hold = components['schemas']['Hold'];

/**
 * The Account, as the saga needs it. Every call is keyed by the order id and therefore safe to
 * retry: a PUT with the same id and body answers the same hold; capture and release are
 * idempotent (release of an unknown id succeeds and closes the id).
 */
export function accountClient(http: AxiosInstance, dependency: Dependency) {
  const call = typedClient<paths>(http);
  return {
    dependency,

    hold: (orderId: string, hold: { accountId: string; amountCents: number; currency: string; ttlSeconds: number }, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<Hold>> => {
        // The currency is the one Catalog answered, from the same list the document's enum holds.
        const body = { ...hold, currency: hold.currency as Hold['currency'] };
        const res = await call('put', '/holds/{holdId}', { path: { holdId: orderId }, body, signal, timeoutMs });
        return res.status === 200 || res.status === 201 ? accepted(res.data) : refused(res.status, res.data);
      }, true),

    capture: (orderId: string, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<Hold>> => {
        const res = await call('post', '/holds/{holdId}/capture', { path: { holdId: orderId }, signal, timeoutMs });
        return res.status === 200 ? accepted(res.data) : refused(res.status, res.data);
      }, true),

    release: (orderId: string, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<null>> => {
        const res = await call('post', '/holds/{holdId}/release', { path: { holdId: orderId }, signal, timeoutMs });
        return res.status === 204 ? accepted(null) : refused(res.status, res.data);
      }, true),

    /** Reads are always safe to retry. null: Account has no hold for this order. */
    find: (orderId: string, deadline: Deadline) =>
      dependency.call(deadline, async (signal, timeoutMs): Promise<Answer<Hold | null>> => {
        const res = await call('get', '/holds/{holdId}', { path: { holdId: orderId }, signal, timeoutMs });
        if (res.status === 404) return accepted(null);
        return res.status === 200 ? accepted(res.data) : refused(res.status, res.data);
      }, true),
  };
}

export type AccountClient = ReturnType<typeof accountClient>;
