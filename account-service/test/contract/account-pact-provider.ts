// Provider side of the Order → Account contract: the provider states the pact names, made real
// through the real Account service's API (and, for an expiry, its database), and a Verifier run
// against the COMMITTED pact file (pacts/ at the repository root), so that it never depends on the
// consumer test having run first.
import path from 'node:path';
import { credentials, expectStatus, type StateHandlers, state, verifyPact } from '../../../test-support/pact-provider';
import type { AccountUnderTest } from '../account-harness';

export const PACT_FILE = path.resolve(__dirname, '../../../pacts/order-service-account-service.json');

/** The provider runs with real credentials; the pact's example bearer is swapped for ours. */
export const TOKENS = { SERVICE_TOKEN: 'account-contract-service-token', ADMIN_TOKEN: 'account-contract-admin-token-0' };

const { admin, service, realServiceToken } = credentials(TOKENS);

interface StateParams {
  accountId: string;
  currency: string;
  creditLimitCents: number;
  holdId: string;
  amountCents: number;
}

/** Each interaction starts from an empty Account service (beforeEach), then its states add what it names. */
export function accountStates(account: AccountUnderTest) {
  const putAccount = async (p: { accountId: string; currency: string; creditLimitCents: number }) =>
    expectStatus(`PUT /accounts/${p.accountId}`, await account.call('PUT', `/accounts/${p.accountId}`, {
      name: `Account ${p.accountId}`, currency: p.currency, creditLimitCents: p.creditLimitCents,
    }, admin), 200, 201);

  const heldHold = async (p: StateParams) => {
    await putAccount({ accountId: p.accountId, currency: p.currency, creditLimitCents: p.amountCents * 10 });
    expectStatus(`PUT /holds/${p.holdId}`, await account.call('PUT', `/holds/${p.holdId}`, {
      accountId: p.accountId, amountCents: p.amountCents, currency: p.currency,
    }, service), 201);
  };

  const expiredHold = async (p: StateParams) => {
    await heldHold(p);
    // What the clock does to it: past its expiry, and not yet swept (the sweeper is not running).
    const n = await account.db.prisma.$executeRaw`UPDATE holds SET expires_at = now() - interval '1 second' WHERE id = ${p.holdId}`;
    if (n !== 1) throw new Error(`state setup: hold ${p.holdId} not found to expire`);
  };

  const stateHandlers: StateHandlers = {
    'an account with credit': state(putAccount),
    'no account': state(async () => undefined), // the service is empty at the start of every interaction
    'a held hold': state(heldHold),
    'an expired hold': state(expiredHold),
    'an expired hold whose credit was used meanwhile': state(async (p: StateParams) => {
      await expiredHold(p);
      await account.app.holds.expireDue(); // its credit given back...
      expectStatus('PUT /holds/used-meanwhile', await account.call('PUT', '/holds/used-meanwhile', { // ...and held by another order
        accountId: p.accountId, amountCents: p.amountCents * 10 - 100, currency: p.currency,
      }, service), 201);
    }),
    'a released hold': state(async (p: StateParams) => {
      await heldHold(p);
      expectStatus(`POST /holds/${p.holdId}/release`, await account.call('POST', `/holds/${p.holdId}/release`, undefined, service), 204);
    }),
    'no hold': state(async () => undefined),
  };

  const beforeEach = async () => {
    await account.db.prisma.$executeRawUnsafe('TRUNCATE holds, accounts CASCADE');
  };

  return { stateHandlers, beforeEach };
}

/** Verifies the committed pact against `providerBaseUrl`; resolves when every interaction passed. */
export function verifyAccountPact(account: AccountUnderTest, providerBaseUrl = account.baseUrl) {
  return verifyPact({ provider: 'account-service', providerBaseUrl, pactFile: PACT_FILE, states: accountStates(account), realServiceToken });
}
