// Bad input generated from openapi/order.yaml, for every operation (issue 6): each answer is a
// documented status and never a 5xx, each error is problem+json with a code, and a refused request
// changes nothing: the orders (read through GET /orders, and the order it addressed) are as they
// were, and Order made no call at all to Catalog or Account (faked with nock, every call recorded;
// Order never reaches a real network). Customer authentication is on (a JWKS of the test's own):
// missing, malformed, expired and wrongly signed tokens must be refused too. The generators and the checks:
// test-support/openapi-properties/ (FC_NUM_RUNS, FC_SEED in its index.ts).
import fc from 'fast-check';
import { listAll, loadOperations, PROPERTY_TIMEOUT_MS, propertyTests, type Target } from '../../test-support/openapi-properties';
import { Issuer, makeKey, refusableTokens } from '../../test-support/token-issuer';
import { OPENAPI_FILE } from '../src/app';
import { type Fakes, installFakes, PRICES } from './fake-dependencies';
import { isolateNetwork, ORDER, type OrderUnderTest, restoreNetwork, startOrder } from './order-harness';

const ADMIN_TOKEN = 'admin-token-of-the-properties';
let order: OrderUnderTest;
let fakes: Fakes;
let issuer: Issuer;
/** Orders placed before the properties run, so that valid reads also find one. */
const orderIds: string[] = [];

const target: Target = {
  baseUrl: () => order.baseUrl,
  operations: loadOperations(OPENAPI_FILE),
  tokens: { adminToken: ADMIN_TOKEN }, // and customerToken, once the issuer is up
  hints: () => ({
    mix: {
      accountId: fc.constant(ORDER.accountId), // the customer of the token: valid orders are theirs
      sku: fc.constantFrom(...Object.keys(PRICES)),
      quantity: fc.integer({ min: 1, max: 5 }),
      orderId: fc.constantFrom(...orderIds),
    },
  }),
  snapshot: async () => ({ orders: await listAll(order.baseUrl, '/orders', { authorization: `Bearer ${ADMIN_TOKEN}` }), callsToDependencies: fakes.calls.length }),
};

describe('Order: bad input generated from openapi/order.yaml', () => {
  beforeAll(async () => {
    isolateNetwork();
    fakes = installFakes();
    issuer = await new Issuer([await makeKey('ES256')]).start();
    const customer = await issuer.token(ORDER.accountId);
    target.tokens = { customerToken: customer, adminToken: ADMIN_TOKEN };
    target.badTokens = Object.values(await refusableTokens(issuer, ORDER.accountId));
    order = await startOrder({ ...issuer.env, ADMIN_TOKEN });
    for (let i = 0; i < 2; i++) {
      const res = await order.call('POST', '/orders', ORDER, { 'idempotency-key': `prop-seed-${i}`, authorization: `Bearer ${customer}` });
      expect(res.status).toBe(201);
      orderIds.push(res.body.id);
    }
  });
  afterAll(async () => {
    await order.close();
    await issuer.stop();
    restoreNetwork();
  });

  for (const { name, run } of propertyTests(target)) test(name, run, PROPERTY_TIMEOUT_MS);
});
