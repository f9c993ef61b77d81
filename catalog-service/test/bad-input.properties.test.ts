// Bad input generated from openapi/catalog.yaml, for every operation (issue 6): each answer is a
// documented status and never a 5xx, each error is problem+json with a code, and a refused request
// changes nothing (the items and their stock, and the entity it addressed, read through the API; the
// reservations and stock adjustments, which the API does not list, from the database).
// The generators and the checks: test-support/openapi-properties/ (FC_NUM_RUNS, FC_SEED in its index.ts).
import fc from 'fast-check';
import { listAll, loadOperations, PROPERTY_TIMEOUT_MS, propertyTests, type Target } from '../../test-support/openapi-properties';
import { OPENAPI_FILE } from '../src/app';
import { type CatalogUnderTest, startCatalog } from './catalog-harness';

const TOKENS = { adminToken: 'admin-token-of-the-properties', serviceToken: 'service-token-of-the-properties' };
/** Items that exist, and reservation ids the valid requests share, so that they also succeed. */
const SKUS = ['PB-COFFEE', 'PB-MUG', 'PB-DOLLAR'];
const RESERVATION_IDS = ['pb-res-1', 'pb-res-2', 'pb-res-3', 'pb-res-4'];

let catalog: CatalogUnderTest;

const target: Target = {
  baseUrl: () => catalog.baseUrl,
  operations: loadOperations(OPENAPI_FILE),
  tokens: TOKENS,
  hints: () => ({
    mix: {
      sku: fc.constantFrom(...SKUS),
      reservationId: fc.constantFrom(...RESERVATION_IDS),
      currency: fc.constantFrom('EUR', 'USD'),
      quantity: fc.integer({ min: 1, max: 5 }),
    },
    // Nothing may expire while the file runs: a snapshot must not change by itself.
    only: { ttlSeconds: fc.integer({ min: 600, max: 86_400 }) },
  }),
  snapshot: async () => ({
    items: await listAll(catalog.baseUrl, '/items'),
    // Read from the database too: the API has no list of reservations, and a release of an id never
    // reserved leaves a tombstone that no GET shows (a later reservation with that id is refused).
    reservations: await catalog.db.prisma.reservation.findMany({ select: { id: true, status: true, updatedAt: true }, orderBy: { id: 'asc' } }),
    // A refused stock adjustment must not be recorded (its id would then answer as a replay).
    adjustments: await catalog.db.prisma.stockAdjustment.findMany({ select: { id: true, stockAfter: true }, orderBy: { id: 'asc' } }),
  }),
};

describe('Catalog: bad input generated from openapi/catalog.yaml', () => {
  beforeAll(async () => {
    catalog = await startCatalog({ ADMIN_TOKEN: TOKENS.adminToken, SERVICE_TOKEN: TOKENS.serviceToken });
    for (const [i, sku] of SKUS.entries()) {
      const res = await catalog.call('PUT', `/items/${sku}`, { name: `Item ${sku}`, priceCents: 1000 + i, currency: i === 2 ? 'USD' : 'EUR', stock: 1_000_000 },
        { authorization: `Bearer ${TOKENS.adminToken}` });
      expect(res.status).toBe(201);
    }
  });
  afterAll(() => catalog.close());

  for (const { name, run } of propertyTests(target)) test(name, run, PROPERTY_TIMEOUT_MS);
});
