// Bad input generated from openapi/order.yaml, for every operation (issue 6): each answer is a
// documented status and never a 5xx, each error is problem+json with a code, and a refused request
// changes nothing: the orders (read through GET /orders, and the order it addressed) are as they
// were, and Order made no call at all to Catalog or Account (faked with nock, every call recorded;
// Order never reaches a real network). The generators and the checks:
// test-support/openapi-properties/ (FC_NUM_RUNS, FC_SEED in its index.ts).
import fc from 'fast-check';
import { listAll, loadOperations, PROPERTY_TIMEOUT_MS, propertyTests, type Target } from '../../test-support/openapi-properties';
import { OPENAPI_FILE } from '../src/app';
import { type Fakes, installFakes, PRICES } from './fake-dependencies';
import { isolateNetwork, ORDER, type OrderUnderTest, restoreNetwork, startOrder } from './order-harness';

let order: OrderUnderTest;
let fakes: Fakes;
/** Orders placed before the properties run, so that valid reads also find one. */
const orderIds: string[] = [];

const target: Target = {
  baseUrl: () => order.baseUrl,
  operations: loadOperations(OPENAPI_FILE),
  hints: () => ({
    mix: {
      accountId: fc.constantFrom('acc-alice', 'acc-bob'),
      sku: fc.constantFrom(...Object.keys(PRICES)),
      quantity: fc.integer({ min: 1, max: 5 }),
      orderId: fc.constantFrom(...orderIds),
    },
  }),
  snapshot: async () => ({ orders: await listAll(order.baseUrl, '/orders'), callsToDependencies: fakes.calls.length }),
};

describe('Order: bad input generated from openapi/order.yaml', () => {
  beforeAll(async () => {
    isolateNetwork();
    fakes = installFakes();
    order = await startOrder();
    for (let i = 0; i < 2; i++) {
      const res = await order.placeOrder(ORDER);
      expect(res.status).toBe(201);
      orderIds.push(res.body.id);
    }
  });
  afterAll(async () => {
    await order.close();
    restoreNetwork();
  });

  for (const { name, run } of propertyTests(target)) test(name, run, PROPERTY_TIMEOUT_MS);
});
