// Provider side of the Order → Catalog contract: the provider states the pact names, made real
// through the real Catalog's API (and, for an expiry, its database), and a Verifier run against the
// COMMITTED pact file (pacts/ at the repository root), so that it never depends on the consumer
// test having run first.
import path from 'node:path';
import express, { type Express } from 'express';
import { credentials, expectStatus, type StateHandlers, state, verifyPact } from '../../../test-support/pact-provider';
import type { CatalogUnderTest } from '../catalog-harness';

export const PACT_FILE = path.resolve(__dirname, '../../../pacts/order-service-catalog-service.json');

/** The provider runs with real credentials; the pact's example bearer is swapped for ours. */
export const TOKENS = { SERVICE_TOKEN: 'catalog-contract-service-token', ADMIN_TOKEN: 'catalog-contract-admin-token-0' };

const { admin, service, realServiceToken } = credentials(TOKENS);

interface StateParams {
  sku: string;
  priceCents: number;
  currency: string;
  stock: number;
  reservationId: string;
  quantity: number;
}

/** Each interaction starts from an empty Catalog (beforeEach), then its states add what it names. */
export function catalogStates(catalog: CatalogUnderTest) {
  const putItem = async (p: Partial<StateParams> & { sku: string }) =>
    expectStatus(`PUT /items/${p.sku}`, await catalog.call('PUT', `/items/${p.sku}`, {
      name: `Item ${p.sku}`, priceCents: p.priceCents ?? 1000, currency: p.currency ?? 'EUR', stock: p.stock ?? 10,
    }, admin), 200, 201);

  const heldReservation = async (p: StateParams) => {
    await putItem({ sku: p.sku, priceCents: p.priceCents, stock: p.quantity + 10 });
    expectStatus(`PUT /reservations/${p.reservationId}`,
      await catalog.call('PUT', `/reservations/${p.reservationId}`, { lines: [{ sku: p.sku, quantity: p.quantity }] }, service), 201);
  };

  const expiredReservation = async (p: StateParams) => {
    await heldReservation(p);
    // What the clock does to it: past its expiry, and not yet swept (the sweeper is not running).
    const n = await catalog.db.prisma.$executeRaw`UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = ${p.reservationId}`;
    if (n !== 1) throw new Error(`state setup: reservation ${p.reservationId} not found to expire`);
  };

  const stateHandlers: StateHandlers = {
    'an item with a price and stock': state(putItem),
    'no item': state(async () => undefined), // the Catalog is empty at the start of every interaction
    'a held reservation': state(heldReservation),
    'an expired reservation': state(expiredReservation),
    'an expired reservation whose stock was sold meanwhile': state(async (p: StateParams) => {
      await expiredReservation(p);
      await catalog.app.reservations.expireDue(); // its stock given back...
      expectStatus('PUT /reservations/sold-meanwhile', // ...and sold to another order: 1 unit left
        await catalog.call('PUT', '/reservations/sold-meanwhile', { lines: [{ sku: p.sku, quantity: p.quantity + 9 }] }, service), 201);
    }),
    'a released reservation': state(async (p: StateParams) => {
      await heldReservation(p);
      expectStatus(`POST /reservations/${p.reservationId}/release`, await catalog.call('POST', `/reservations/${p.reservationId}/release`, undefined, service), 204);
    }),
    'no reservation': state(async () => undefined),
  };

  const beforeEach = async () => {
    await catalog.db.prisma.$executeRawUnsafe('TRUNCATE reservation_lines, reservations, items CASCADE');
  };

  return { stateHandlers, beforeEach };
}

/** Verifies the committed pact against `providerBaseUrl`; resolves when every interaction passed. */
export function verifyCatalogPact(catalog: CatalogUnderTest, providerBaseUrl = catalog.baseUrl) {
  return verifyPact({ provider: 'catalog-service', providerBaseUrl, pactFile: PACT_FILE, states: catalogStates(catalog), realServiceToken });
}

/** Renames a member at any depth of a JSON value. */
function renamed(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, to));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === from ? to : k, renamed(v, from, to)]));
}

/**
 * A deliberately broken Catalog: the real app behind a middleware that renames `from` to `to` in
 * every JSON response, the kind of drift a refactoring of the Catalog could ship. The app's own
 * response validation sees the body before the rename, so the app itself does not notice.
 */
export function withRenamedField(app: Express, from: string, to: string): Express {
  const front = express();
  front.use((_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(renamed(body, from, to));
    next();
  });
  front.use(app);
  return front;
}
