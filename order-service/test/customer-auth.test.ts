// Customers authenticate with access tokens of an identity provider (a JWKS served by the test
// itself): they place orders for their own account only and see only their own orders.
import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { Issuer, makeKey, type SigningKey } from '../../test-support/token-issuer';
import { installFakes } from './fake-dependencies';
import { ORDER, orderPerDescribe, type OrderUnderTest } from './order-harness';

const ADMIN_TOKEN = 'auth-test-admin-token-01';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('Order with customer authentication on', () => {
  let issuer: Issuer;
  let rotated: SigningKey;
  beforeAll(async () => {
    issuer = await new Issuer([await makeKey('ES256')]).start();
    rotated = await makeKey('RS256');
  });
  afterAll(() => issuer.stop());
  const { order, fakes } = orderPerDescribe(() => ({ ...issuer.env, ADMIN_TOKEN, AUTH_JWKS_COOLDOWN_SECONDS: '0' }));

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const place = (headers: Record<string, string>, body: unknown = ORDER) =>
    order.call('POST', '/orders', body, { 'idempotency-key': randomUUID(), ...headers });
  const ordersRecorded = async () => Number((await order.sql('SELECT count(*) AS n FROM orders'))[0].n);

  const refused: Array<[string, () => Promise<string>]> = [
    ['no token', async () => ''],
    ['garbage', async () => 'not-a-token'],
    ['an expired token', () => issuer.token(ORDER.accountId, { expiresIn: -120 })],
    ['a token not valid yet', () => issuer.token(ORDER.accountId, { notBefore: 300 })],
    ['a token of another issuer', () => issuer.token(ORDER.accountId, { issuer: 'https://evil.example' })],
    ['a token for another audience', () => issuer.token(ORDER.accountId, { audience: 'another-api' })],
    ['an unsigned token (alg: none)', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: ORDER.accountId, iss: issuer.url, aud: issuer.audience, exp: Math.floor(Date.now() / 1000) + 600 })}.`],
    ['a token signed by a key not in the JWKS', async () => issuer.token(ORDER.accountId, { key: await makeKey('ES256', issuer.published[0].kid) })],
  ];
  test.each(refused)('when an order comes with %s, then it is 401 with WWW-Authenticate: Bearer, and nothing is recorded or called', async (_what, token) => {
    const before = await ordersRecorded();
    const t = await token();
    const res = await place(t ? bearer(t) : {});
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await ordersRecorded()).toBe(before);
    expect(fakes.calls).toHaveLength(0);
  });

  test('when an anonymous request has a malformed or oversized body, then it is 401, not a detailed 400 or 413', async () => {
    const malformed = await fetch(`${order.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, body: '{"accountId":' });
    expect(malformed.status).toBe(401);
    const oversized = await fetch(`${order.baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, body: JSON.stringify({ pad: 'x'.repeat(200_000) }) });
    expect(oversized.status).toBe(401);
    const invalid = await place({}, { accountId: 'acc-alice', lines: [{ sku: 'COFFEE-1KG', quantity: 'one' }] });
    expect(invalid.status).toBe(401);
  });

  test('when a customer orders for their own account, then the order is placed', async () => {
    const res = await place(bearer(await issuer.token(ORDER.accountId)));
    expect(res.status).toBe(201);
  });

  test('when a customer orders for another account, then it is 403 and nothing is recorded, reserved or held', async () => {
    const before = await ordersRecorded();
    const res = await place(bearer(await issuer.token('acc-mallory')));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    expect(await ordersRecorded()).toBe(before);
    expect(fakes.calls).toHaveLength(0);
  });

  test('when the identity provider rotates to a new key, then tokens signed with it are accepted', async () => {
    issuer.published.push(rotated);
    const res = await place(bearer(await issuer.token(ORDER.accountId, { key: rotated })));
    expect(res.status).toBe(201);
  });

  test('when a customer reads or lists, then they see only their own orders; the admin token sees any', async () => {
    const mine = (await place(bearer(await issuer.token(ORDER.accountId)))).body.id;
    const mallory = bearer(await issuer.token('acc-mallory'));
    expect((await order.call('GET', `/orders/${mine}`, undefined, mallory)).status).toBe(404);
    expect((await order.call('GET', `/orders/${mine}`, undefined, bearer(await issuer.token(ORDER.accountId)))).status).toBe(200);
    const listed = await order.call('GET', `/orders?accountId=${ORDER.accountId}&limit=100`, undefined, mallory);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    const all = await order.call('GET', '/orders?limit=100', undefined, mallory);
    expect(all.body.items.map((o: { id: string }) => o.id)).not.toContain(mine);
    expect((await order.call('GET', `/orders/${mine}`, undefined, bearer(ADMIN_TOKEN))).status).toBe(200);
    const admin = await order.call('GET', '/orders?limit=100', undefined, bearer(ADMIN_TOKEN));
    expect(admin.body.items.map((o: { id: string }) => o.id)).toContain(mine);
    expect((await order.call('GET', '/orders?limit=100')).status).toBe(401);
  });
});

/** Order started against a test identity provider for one describe block (`prepare` runs before Order starts). */
function orderBehindIssuer(env: Record<string, string>, prepare: (issuer: Issuer) => void = () => undefined) {
  const the = {} as { issuer: Issuer; order: OrderUnderTest };
  beforeAll(async () => {
    the.issuer = await new Issuer([await makeKey('ES256')]).start();
    prepare(the.issuer);
  });
  afterAll(() => the.issuer.stop());
  the.order = orderPerDescribe(() => ({ ...the.issuer.env, ADMIN_TOKEN, ...env }), { fakes: false }).order;
  return the;
}

describe('Order when the identity provider cannot be reached', () => {
  // Down before the first fetch: no key set is cached.
  const the = orderBehindIssuer({}, (issuer) => void (issuer.answer = 'unavailable'));

  test('when a valid token arrives and no key set was ever fetched, then the order is 503 identity_provider_unavailable with Retry-After (not 401), nothing is recorded, and /dependencies names the provider and its error', async () => {
    const fakes = installFakes();
    try {
      const res = await the.order.call('POST', '/orders', ORDER, { 'idempotency-key': randomUUID(), authorization: `Bearer ${await the.issuer.token(ORDER.accountId)}` });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('identity_provider_unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(the.issuer.requests).toBeGreaterThanOrEqual(1); // the provider was asked, and answered 503
      expect(Number((await the.order.sql('SELECT count(*) AS n FROM orders'))[0].n)).toBe(0);
      expect(fakes.calls).toHaveLength(0);
    } finally {
      nock.cleanAll();
    }
    const deps = await the.order.call('GET', '/dependencies', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(deps.status).toBe(200);
    expect(deps.body.identityProvider).toMatchObject({
      name: 'identity-provider', url: the.issuer.env.AUTH_JWKS_URL, usable: false, keys: 0, keySetAgeSeconds: null, consecutiveFailures: 1,
    });
    expect(deps.body.identityProvider.lastError).toMatch(/503/);
    expect(deps.body.identityProvider.nextAttemptAt).not.toBeNull();
  });
});

describe('Order with AUTH_TOKEN_TYP set (RFC 9068 access tokens)', () => {
  const the = orderBehindIssuer({ AUTH_TOKEN_TYP: 'at+jwt' });
  afterEach(() => nock.cleanAll());

  test.each([
    ['JWT', 401],
    ['id+jwt', 401],
    ['at+jwt', 201],
    ['application/at+jwt', 201], // RFC 7515 4.1.9: the media type prefix may be given
  ])('when the token\'s typ is %s, then the order is %d', async (typ, status) => {
    installFakes();
    const res = await the.order.call('POST', '/orders', ORDER, { 'idempotency-key': randomUUID(), authorization: `Bearer ${await the.issuer.token(ORDER.accountId, { typ })}` });
    expect(res.status).toBe(status);
    if (status === 401) expect(res.body.code).toBe('unauthorized');
  });
});
