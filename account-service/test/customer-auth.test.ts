// Account with customer authentication on: a customer reads only their own account; the admin and
// service tokens read any; nobody reads anything anonymously.
import { Issuer, makeKey } from '../../test-support/token-issuer';
import { type AccountUnderTest, startAccount } from './account-harness';

const TOKENS = { ADMIN_TOKEN: 'acct-auth-admin-token-1', SERVICE_TOKEN: 'acct-auth-service-token' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('Account reads with customer authentication on', () => {
  let issuer: Issuer;
  let account: AccountUnderTest;
  beforeAll(async () => {
    issuer = await new Issuer([await makeKey('RS256')]).start();
    account = await startAccount({ ...TOKENS, ...issuer.env });
    for (const id of ['acc-ann', 'acc-ben']) {
      expect((await account.call('PUT', `/accounts/${id}`, { name: id, currency: 'EUR', creditLimitCents: 5_000 }, bearer(TOKENS.ADMIN_TOKEN))).status).toBe(201);
    }
  });
  afterAll(async () => {
    await account.close();
    await issuer.stop();
  });

  test('when nobody is named, then reading or listing accounts is 401', async () => {
    expect((await account.call('GET', '/accounts/acc-ann')).status).toBe(401);
    expect((await account.call('GET', '/accounts')).status).toBe(401);
  });

  test('when a customer reads their own account, then they see it; another customer\'s is 404, and the list is not theirs to read', async () => {
    const ann = bearer(await issuer.token('acc-ann'));
    expect(await account.call('GET', '/accounts/acc-ann', undefined, ann)).toMatchObject({ status: 200, body: { id: 'acc-ann', availableCreditCents: 5_000 } });
    expect(await account.call('GET', '/accounts/acc-ben', undefined, ann)).toMatchObject({ status: 404, body: { code: 'unknown_account' } });
    expect((await account.call('GET', '/accounts', undefined, ann)).status).toBe(401);
  });

  test('when the admin or the service token reads, then any account and the list are there', async () => {
    for (const token of [TOKENS.ADMIN_TOKEN, TOKENS.SERVICE_TOKEN]) {
      expect((await account.call('GET', '/accounts/acc-ben', undefined, bearer(token))).status).toBe(200);
      expect((await account.call('GET', '/accounts', undefined, bearer(token))).body.items.map((a: { id: string }) => a.id)).toEqual(['acc-ann', 'acc-ben']);
    }
  });
});

describe('Account when the identity provider cannot be reached', () => {
  let issuer: Issuer;
  let account: AccountUnderTest;
  beforeAll(async () => {
    issuer = await new Issuer([await makeKey('ES256')]).start();
    issuer.answer = 'unavailable'; // down before the first fetch: no key set is cached
    account = await startAccount({ ...TOKENS, ...issuer.env });
    expect((await account.call('PUT', '/accounts/acc-cid', { name: 'Cid', currency: 'EUR', creditLimitCents: 5_000 }, bearer(TOKENS.ADMIN_TOKEN))).status).toBe(201);
  });
  afterAll(async () => {
    await account.close();
    await issuer.stop();
  });

  test('when a customer reads with a valid token, then it is 503 identity_provider_unavailable with Retry-After, not 401; the service token still reads', async () => {
    const res = await account.call('GET', '/accounts/acc-cid', undefined, bearer(await issuer.token('acc-cid')));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('identity_provider_unavailable');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(issuer.requests).toBeGreaterThanOrEqual(1);
    expect((await account.call('GET', '/accounts/acc-cid', undefined, bearer(TOKENS.SERVICE_TOKEN))).status).toBe(200);
  });
});
