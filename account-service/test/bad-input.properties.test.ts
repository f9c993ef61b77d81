// Bad input generated from openapi/account.yaml, for every operation (issue 6): each answer is a
// documented status and never a 5xx, each error is problem+json with a code, and a refused request
// changes nothing (the accounts with their held and used credit, and the entity it addressed, read
// through the API; the holds, which the API does not list, from the database).
// The generators and the checks: test-support/openapi-properties/ (FC_NUM_RUNS, FC_SEED in its index.ts).
import fc from 'fast-check';
import { listAll, loadOperations, PROPERTY_TIMEOUT_MS, propertyTests, type Target } from '../../test-support/openapi-properties';
import { Issuer, makeKey, refusableTokens } from '../../test-support/token-issuer';
import { OPENAPI_FILE } from '../src/app';
import { type AccountUnderTest, startAccount } from './account-harness';

const TOKENS = { adminToken: 'admin-token-of-the-properties', serviceToken: 'service-token-of-the-properties' };
/** Accounts that exist, and hold ids the valid requests share, so that they also succeed. */
const ACCOUNTS = [{ id: 'pb-acc-euro', currency: 'EUR' }, { id: 'pb-acc-dollar', currency: 'USD' }];
const HOLD_IDS = ['pb-hold-1', 'pb-hold-2', 'pb-hold-3', 'pb-hold-4'];

let account: AccountUnderTest;
let issuer: Issuer;

const target: Target = {
  baseUrl: () => account.baseUrl,
  operations: loadOperations(OPENAPI_FILE),
  tokens: TOKENS,
  hints: () => ({
    mix: {
      accountId: fc.constantFrom(...ACCOUNTS.map((a) => a.id)),
      holdId: fc.constantFrom(...HOLD_IDS),
      currency: fc.constantFrom('EUR', 'USD'),
      amountCents: fc.integer({ min: 1, max: 10_000 }),
    },
    // Nothing may expire while the file runs: a snapshot must not change by itself.
    only: { ttlSeconds: fc.integer({ min: 600, max: 86_400 }) },
  }),
  snapshot: async () => ({
    accounts: await listAll(account.baseUrl, '/accounts', { authorization: `Bearer ${TOKENS.adminToken}` }),
    // Read from the database too: the API has no list of holds, and a release of an id never held
    // leaves a tombstone that no GET shows (a later hold with that id is refused).
    holds: await account.db.prisma.hold.findMany({ select: { id: true, status: true, updatedAt: true }, orderBy: { id: 'asc' } }),
  }),
};

describe('Account: bad input generated from openapi/account.yaml', () => {
  beforeAll(async () => {
    // Customer authentication on, so that every operation has a credential to refuse.
    issuer = await new Issuer([await makeKey('ES256')]).start();
    target.badTokens = Object.values(await refusableTokens(issuer, ACCOUNTS[0].id)); // never an admin or service credential
    account = await startAccount({ ADMIN_TOKEN: TOKENS.adminToken, SERVICE_TOKEN: TOKENS.serviceToken, ...issuer.env });
    for (const { id, currency } of ACCOUNTS) {
      const res = await account.call('PUT', `/accounts/${id}`, { name: `Account ${id}`, currency, creditLimitCents: 1_000_000_000 },
        { authorization: `Bearer ${TOKENS.adminToken}` });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await account.close();
    await issuer.stop();
  });

  for (const { name, run } of propertyTests(target)) test(name, run, PROPERTY_TIMEOUT_MS);
});
