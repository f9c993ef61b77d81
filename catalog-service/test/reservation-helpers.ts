import { uniqueId } from '../../test-support/unique-id';
import type { CatalogUnderTest } from './catalog-harness';

/** A reservation id no other test uses (ExternalId: letters, digits and . _ : -). */
export const newReservationId = (prefix = 'res') => uniqueId(prefix);

export const getReservation = (catalog: CatalogUnderTest, id: string) => catalog.call('GET', `/reservations/${id}`);
export const confirm = (catalog: CatalogUnderTest, id: string) => catalog.call('POST', `/reservations/${id}/confirm`);
export const release = (catalog: CatalogUnderTest, id: string) => catalog.call('POST', `/reservations/${id}/release`);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts answers by status: { 201: 10, 409: 20 }. */
export const countStatuses = (responses: Array<{ status: number }>): Record<number, number> =>
  responses.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

/** An RFC 9457 problem: the right HTTP status, problem+json, and `status`/`code` members that agree. */
export function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `urn:problem-type:${code}`, status, code, title: expect.any(String) });
}
