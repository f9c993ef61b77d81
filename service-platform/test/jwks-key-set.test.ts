// The identity provider's key set through its outages: a real JWKS over HTTP (test-support's
// Issuer, told to answer 503, a non-JWKS, nothing, or to hold a request until the test releases
// it), real jose verification, and the key set's clock moved by the test instead of waiting.
import express from 'express';
import { routeGate } from '../src/route-gate';
import { routeTable } from '../src/routing';
import { errors as joseErrors, jwtVerify } from 'jose';
import { listen } from '../../test-support/loopback-http';
import { makeKey, Issuer, type JwksAnswer } from '../../test-support/token-issuer';
import { authenticate, credentialsFrom, identityProvider } from '../src/auth';
import { IdentityProviderUnavailable, InvalidToken } from '../src/auth-errors';
import { baseConfigSchema, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { problemHandler } from '../src/problem-middleware';
import { backoffMs, type JwksKeySet, jwksKeySet, type KeySetSettings } from '../src/jwks-key-set';

const MAX_AGE = 600;
const MAX_STALE = 3_600;
const COOLDOWN = 30;

describe('the identity provider key set', () => {
  let issuer: Issuer;
  let clock: number;
  beforeEach(async () => {
    issuer = await new Issuer([await makeKey('ES256')]).start();
    clock = Date.parse('2030-01-01T00:00:00Z');
  });
  afterEach(() => issuer.stop());

  const keySet = (overrides: Partial<KeySetSettings> = {}) =>
    jwksKeySet({ jwksUrl: issuer.jwksUrl, cooldownSeconds: COOLDOWN, maxStaleSeconds: MAX_STALE, maxAgeSeconds: MAX_AGE, now: () => clock, ...overrides });
  const advance = (seconds: number) => (clock += seconds * 1000);
  const verify = async (keys: JwksKeySet, token: string) =>
    (await jwtVerify(token, keys.key, { issuer: issuer.url, audience: issuer.audience, algorithms: ['ES256', 'RS256'] })).payload.sub;
  const refusal = (verification: Promise<unknown>) => verification.then(() => { throw new Error('the token was verified'); }, (err: unknown) => err);
  const expectUnavailable = (err: unknown, retryAfter?: number) => {
    expect(err).toBeInstanceOf(IdentityProviderUnavailable);
    const problem = err as IdentityProviderUnavailable;
    expect(problem.status).toBe(503);
    expect(problem.code).toBe('identity_provider_unavailable');
    expect(Number(problem.headers['Retry-After'])).toBeGreaterThanOrEqual(retryAfter ?? 1);
    if (retryAfter !== undefined) expect(Number(problem.headers['Retry-After'])).toBe(retryAfter);
  };

  test('when the provider serves its keys, then a valid token is verified and the set is fetched once', async () => {
    const keys = keySet();
    const token = await issuer.token('acc-alice');
    expect(await verify(keys, token)).toBe('acc-alice');
    expect(await verify(keys, token)).toBe('acc-alice');
    expect(issuer.requests).toBe(1);
    expect(keys.snapshot()).toMatchObject({ name: 'identity-provider', url: issuer.jwksUrl, keySetAgeSeconds: 0, usable: true, keys: 1, lastError: null, nextAttemptAt: null });
  });

  test.each<[JwksAnswer, RegExp]>([['unavailable', /HTTP 503/], ['not-a-jwks', /not a JSON Web Key Set/]])(
    'when the provider then answers %s past maxAge, then the same token is still verified from the cached set',
    async (answer, why) => {
      const keys = keySet();
      const token = await issuer.token('acc-alice');
      await verify(keys, token);
      issuer.answer = answer;
      advance(MAX_AGE + 1);
      expect(await verify(keys, token)).toBe('acc-alice');
      await keys.settled();
      expect(issuer.requests).toBe(2); // the refresh was tried, failed, and the set was kept
      expect(keys.snapshot()).toMatchObject({ keySetAgeSeconds: MAX_AGE + 1, usable: true, keys: 1, lastError: expect.stringMatching(why), consecutiveFailures: 1 });
    },
  );

  test.each<[string, JwksAnswer | 'no server']>([['answers 503', 'unavailable'], ['answers no JWKS', 'not-a-jwks'], ['never answers', 'hang'], ['is not listening', 'no server']])(
    'when the provider %s from the start, then the token is answered 503 identity_provider_unavailable with Retry-After, not 401',
    async (_what, answer) => {
      if (answer === 'no server') await issuer.stop();
      else issuer.answer = answer;
      const keys = keySet({ timeoutMs: 100 }); // the hang ends by the key set's own timeout
      const err = await refusal(verify(keys, await issuer.token('acc-alice')));
      expectUnavailable(err, 1);
      expect(err).not.toBeInstanceOf(joseErrors.JOSEError);
      expect(keys.snapshot()).toMatchObject({ keySetAgeSeconds: null, usable: false, consecutiveFailures: 1 });
    },
  );

  test('when the provider hangs while a cached set is past maxAge, then verification answers from the set without waiting for it', async () => {
    const keys = keySet({ timeoutMs: 60_000 });
    const token = await issuer.token('acc-alice');
    await verify(keys, token);
    const held = issuer.holdNext();
    advance(MAX_AGE + 1);
    expect(await verify(keys, token)).toBe('acc-alice');
    await held.arrived;
    expect(held.state).toBe('held'); // verified while the refresh was still waiting for the provider
    for (let i = 0; i < 5; i++) expect(await verify(keys, token)).toBe('acc-alice');
    expect(issuer.requests).toBe(2); // one refresh in flight, shared
    held.release();
    await keys.settled();
    expect(keys.snapshot()).toMatchObject({ keySetAgeSeconds: 0, lastError: null });
  }, 10_000); // a key set that waited for the held provider would never resolve: fail soon

  test('when refreshes keep failing, then the provider gets at most one request per back-off step, however many tokens come', async () => {
    const keys = keySet();
    const token = await issuer.token('acc-alice');
    await verify(keys, token);
    issuer.answer = 'unavailable';
    advance(MAX_AGE + 1);
    const elapsedMs = 20_000;
    for (let t = 0; t < elapsedMs; t += 250, advance(0.25)) {
      expect(await verify(keys, token)).toBe('acc-alice');
      await keys.settled();
    }
    let attempts = 0; // the schedule: 0, 1, 3, 7, 15 s after the first failure
    for (let at = 0, failures = 0; at < elapsedMs; at += backoffMs(++failures)) attempts++;
    expect(attempts).toBe(5);
    expect(issuer.requests - 1).toBe(attempts);
  });

  test('when the provider is down and nothing is cached, then tokens are refused 503 at once until the next attempt, whose distance Retry-After tells', async () => {
    issuer.answer = 'unavailable';
    const keys = keySet();
    const token = await issuer.token('acc-alice');
    expectUnavailable(await refusal(verify(keys, token)), 1);
    for (let i = 0; i < 10; i++) expectUnavailable(await refusal(verify(keys, token)), 1);
    expect(issuer.requests).toBe(1);
    advance(1);
    expectUnavailable(await refusal(verify(keys, token)), 2); // the second failure backs off 2 s
    expect(issuer.requests).toBe(2);
    issuer.answer = 'keys';
    advance(2);
    expect(await verify(keys, token)).toBe('acc-alice');
  });

  test('when the provider rotates to a new key, then a token signed with it makes one refetch and is verified', async () => {
    const keys = keySet();
    await verify(keys, await issuer.token('acc-alice'));
    const rotated = await makeKey('RS256');
    issuer.rotate(rotated);
    advance(COOLDOWN);
    const token = await issuer.token('acc-alice', { key: rotated });
    expect(await verify(keys, token)).toBe('acc-alice');
    expect(await verify(keys, token)).toBe('acc-alice');
    expect(issuer.requests).toBe(2);
    expect(keys.snapshot().keys).toBe(2);
  });

  test('when a kid is absent even after the refetch, then the token is refused as invalid, with at most one refetch per cooldown', async () => {
    const keys = keySet();
    await verify(keys, await issuer.token('acc-alice'));
    const forged = await issuer.token('acc-alice', { key: await makeKey('ES256', 'never-published') });
    expect(await refusal(verify(keys, forged))).toBeInstanceOf(joseErrors.JWKSNoMatchingKey); // the set is younger than the cooldown
    expect(issuer.requests).toBe(1);
    advance(COOLDOWN);
    for (let i = 0; i < 5; i++) expect(await refusal(verify(keys, forged))).toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    expect(issuer.requests).toBe(2);
    advance(COOLDOWN);
    expect(await refusal(verify(keys, forged))).toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    expect(issuer.requests).toBe(3);
  });

  test('when the cached set is older than maxStale and the provider is down, then the token is answered 503, not verified', async () => {
    const keys = keySet();
    const token = await issuer.token('acc-alice');
    await verify(keys, token);
    issuer.answer = 'unavailable';
    advance(MAX_STALE + 1);
    const err = await refusal(verify(keys, token));
    expectUnavailable(err, 1);
    expect(err).not.toBeInstanceOf(InvalidToken);
    expect(keys.snapshot()).toMatchObject({ usable: false, keySetAgeSeconds: MAX_STALE + 1 });
  });
});

describe('customer tokens through authenticate', () => {
  const doc = { paths: { '/me': { get: { security: [{ customerToken: [] }] } } } };

  test('when the identity provider is down and no set is cached, then the request is 503 identity_provider_unavailable with Retry-After, not 401; the snapshot says why', async () => {
    const issuer = await new Issuer([await makeKey('ES256')]).start();
    issuer.answer = 'unavailable';
    const credentials = credentialsFrom(loadConfig(baseConfigSchema, { ...issuer.env, NODE_ENV: 'test' }), true);
    const app = express();
    app.use(routeGate(routeTable(doc, [])));
    app.get('/me', authenticate(credentials), (_req, res) => void res.json({ ok: true }));
    app.use(problemHandler(createLogger('test', 'silent'), '100kb'));
    const running = await listen(app);
    try {
      const res = await fetch(`${running.baseUrl}/me`, { headers: { authorization: `Bearer ${await issuer.token('acc-alice')}` } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('identity_provider_unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(identityProvider(credentials)?.snapshot()).toMatchObject({ usable: false, lastError: expect.stringMatching(/HTTP 503/), consecutiveFailures: 1 });
    } finally {
      await running.close();
      await issuer.stop();
    }
  });
});
