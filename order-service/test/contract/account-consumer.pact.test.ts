// Consumer side of the Order → Account contract: every call the saga makes (recovery runs the same),
// through the real accountClient (typed HTTP, Dependency with breaker and bulkhead, Deadline)
// against Pact's mock Account. Writes pacts/order-service-account-service.json (see pact-files.ts);
// account-service/test/contract/account-provider.pact.test.ts verifies it against the real Account.
import { MatchersV3 } from '@pact-foundation/pact';
import { accountClient } from '../../src/clients/account-client';
import { budget, consumerTests } from './pact-files';
import { callHeaders, ISO_INSTANT, json, jsonRequest, problem, problemJson } from './pact-matchers';

const { datetime, integer, regex } = MatchersV3;

const { contract, clientAt: accountAt } = consumerTests('account-service', 'account', accountClient);

const ID = 'ord-1';
const ACCOUNT = 'acc-alice';

const EXPIRES_AT = '2030-01-01T12:05:00.000Z';

/** A hold as Order reads it (the saga needs only the answer; recovery reads the status). */
const hold = (status: 'held' | 'captured', amountCents = 4900) => ({
  id: ID,
  accountId: ACCOUNT,
  amountCents: integer(amountCents),
  currency: regex('^[A-Z]{3}$', 'EUR'),
  status,
  expiresAt: datetime(ISO_INSTANT, EXPIRES_AT),
});

const holdRequest = (accountId: string, amountCents: number) => ({
  method: 'PUT',
  path: `/holds/${ID}`,
  headers: jsonRequest,
  body: { accountId, amountCents: integer(amountCents), currency: 'EUR', ttlSeconds: integer(300) },
});
const holdBody = (accountId: string, amountCents: number) => ({ accountId, amountCents, currency: 'EUR', ttlSeconds: 300 });

describe('order-service → account-service (Pact consumer)', () => {
  contract.test('hold: 201 held', (pact) => pact
    .given('an account with credit', { accountId: ACCOUNT, currency: 'EUR', creditLimitCents: 100_000 })
    .uponReceiving('a hold within the available credit')
    .withRequest(holdRequest(ACCOUNT, 4900))
    .willRespondWith({ status: 201, headers: json, body: hold('held') }),
  async (url) => {
    const answer = await accountAt(url).hold(ID, holdBody(ACCOUNT, 4900), budget());
    expect(answer).toEqual({ ok: true, value: expect.objectContaining({ id: ID, accountId: ACCOUNT, amountCents: 4900, status: 'held' }) });
  });

  contract.test('hold: 409 insufficient_credit', (pact) => pact
    .given('an account with credit', { accountId: ACCOUNT, currency: 'EUR', creditLimitCents: 1000 })
    .uponReceiving('a hold of more than the available credit')
    .withRequest(holdRequest(ACCOUNT, 4900))
    .willRespondWith({ status: 409, headers: problemJson, body: problem('insufficient_credit', 'Not enough credit') }),
  async (url) => {
    const answer = await accountAt(url).hold(ID, holdBody(ACCOUNT, 4900), budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'insufficient_credit', title: 'Not enough credit', final: true }) });
  });

  contract.test('hold: 422 unknown_account', (pact) => pact
    .given('no account', { accountId: 'acc-nobody' })
    .uponReceiving('a hold on an account that does not exist')
    .withRequest(holdRequest('acc-nobody', 4900))
    .willRespondWith({ status: 422, headers: problemJson, body: problem('unknown_account', 'Unknown account') }),
  async (url) => {
    const answer = await accountAt(url).hold(ID, holdBody('acc-nobody', 4900), budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'unknown_account', final: false }) });
  });

  contract.test('capture: 200 captured', (pact) => pact
    .given('a held hold', { holdId: ID, accountId: ACCOUNT, amountCents: 4900, currency: 'EUR' })
    .uponReceiving('a capture of a held hold')
    .withRequest({ method: 'POST', path: `/holds/${ID}/capture`, headers: callHeaders })
    .willRespondWith({ status: 200, headers: json, body: hold('captured') }),
  async (url) => {
    expect(await accountAt(url).capture(ID, budget())).toEqual({ ok: true, value: expect.objectContaining({ id: ID, status: 'captured' }) });
  });

  contract.test('capture: 409 hold_expired', (pact) => pact
    .given('a released hold', { holdId: ID, accountId: ACCOUNT, amountCents: 4900, currency: 'EUR' })
    .uponReceiving('a capture of a hold that was released')
    .withRequest({ method: 'POST', path: `/holds/${ID}/capture`, headers: callHeaders })
    .willRespondWith({ status: 409, headers: problemJson, body: problem('hold_expired', 'Hold no longer held') }),
  async (url) => {
    const answer = await accountAt(url).capture(ID, budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'hold_expired', final: true }) });
  });

  contract.test('capture: 200 captured, re-authorized after it expired by time', (pact) => pact
    .given('an expired hold', { holdId: ID, accountId: ACCOUNT, amountCents: 4900, currency: 'EUR' })
    .uponReceiving('a capture of a hold that expired while the credit is still there')
    .withRequest({ method: 'POST', path: `/holds/${ID}/capture`, headers: callHeaders })
    .willRespondWith({ status: 200, headers: json, body: hold('captured') }),
  async (url) => {
    expect(await accountAt(url).capture(ID, budget())).toEqual({ ok: true, value: expect.objectContaining({ id: ID, status: 'captured' }) });
  });

  contract.test('capture: 409 insufficient_credit, an expired hold whose credit is gone', (pact) => pact
    .given('an expired hold whose credit was used meanwhile', { holdId: ID, accountId: ACCOUNT, amountCents: 4900, currency: 'EUR' })
    .uponReceiving('a capture of a hold that expired and whose credit was used meanwhile')
    .withRequest({ method: 'POST', path: `/holds/${ID}/capture`, headers: callHeaders })
    .willRespondWith({
      status: 409, headers: problemJson,
      body: { ...problem('insufficient_credit', 'Not enough credit'), requestedCents: integer(4900), availableCreditCents: integer(100) },
    }),
  async (url) => {
    const answer = await accountAt(url).capture(ID, budget());
    expect(answer).toEqual({ ok: false, refused: expect.objectContaining({ code: 'insufficient_credit', final: true }) });
  });

  contract.test('release: 204 for a held hold', (pact) => pact
    .given('a held hold', { holdId: ID, accountId: ACCOUNT, amountCents: 4900, currency: 'EUR' })
    .uponReceiving('a release of a held hold')
    .withRequest({ method: 'POST', path: `/holds/${ID}/release`, headers: callHeaders })
    .willRespondWith({ status: 204 }),
  async (url) => {
    expect(await accountAt(url).release(ID, budget())).toEqual({ ok: true, value: null });
  });

  contract.test('release: 204 for an id never held (a compensation can always be sent)', (pact) => pact
    .given('no hold', { holdId: ID })
    .uponReceiving('a release of a hold that was never made')
    .withRequest({ method: 'POST', path: `/holds/${ID}/release`, headers: callHeaders })
    .willRespondWith({ status: 204 }),
  async (url) => {
    expect(await accountAt(url).release(ID, budget())).toEqual({ ok: true, value: null });
  });
});
