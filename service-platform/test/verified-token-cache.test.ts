// Verified customer tokens answered from a cache (verified-token-cache.ts through auth.ts's
// customerTokenVerifier): a real JWKS over HTTP (test-support's Issuer), real jose verification, and
// the verifier's clock moved by the test instead of waiting. A cached answer must be the one full
// verification would give: never past exp, never after the keys changed, never for other settings.
import { makeKey, Issuer } from '../../test-support/token-issuer';
import { type CustomerTokens, customerTokenVerifier, identityProvider } from '../src/auth';
import { InvalidToken } from '../src/auth-errors';

describe('the cache of verified customer tokens', () => {
  let issuer: Issuer;
  let clock: number;
  beforeEach(async () => {
    issuer = await new Issuer([await makeKey('ES256')]).start();
    clock = Date.now();
  });
  afterEach(() => issuer.stop());

  const settingsFor = (overrides: Partial<CustomerTokens> = {}): CustomerTokens =>
    ({ jwksUrl: issuer.jwksUrl, issuer: issuer.url, audience: issuer.audience, cooldownSeconds: 30, maxStaleSeconds: 3_600, now: () => clock, ...overrides });
  const advance = (seconds: number) => (clock += seconds * 1000);
  /** The verifier for `settings`, its key set fetched (a token verified while no set was there is not kept: see the cache). */
  const warmed = async (settings: CustomerTokens) => {
    const verifier = customerTokenVerifier(settings);
    const warmUp = await issuer.token('acc-warm-up');
    await verifier.verify(warmUp).catch(() => undefined); // refused by settings that want another aud, typ or iss: the set is fetched all the same
    expect(verifier.cache.has(warmUp)).toBe(false);
    return verifier;
  };
  const refusal = (verification: Promise<unknown>) => verification.then((p) => { throw new Error(`the token was accepted: ${JSON.stringify(p)}`); }, (err: unknown) => err);
  const expectRefused = (err: unknown, why: string) => {
    expect(err).toBeInstanceOf(InvalidToken);
    expect((err as InvalidToken).detail).toContain(why);
  };

  test('when a token is verified twice, then the second answer comes from the cache and is the same principal', async () => {
    const verifier = await warmed(settingsFor());
    const token = await issuer.token('acc-alice');
    expect(await verifier.verify(token)).toEqual({ kind: 'customer', accountId: 'acc-alice' });
    expect(verifier.cache.has(token)).toBe(true);
    const hits = verifier.cache.hits;
    expect(await verifier.verify(token)).toEqual({ kind: 'customer', accountId: 'acc-alice' });
    expect(verifier.cache.hits).toBe(hits + 1);
    expect(verifier.cache.size).toBe(1);
  });

  test('when a cached token\'s exp (and the 30 s of clock tolerance) has passed, then it is refused as expired, not served from the cache', async () => {
    const verifier = await warmed(settingsFor());
    const token = await issuer.token('acc-alice', { expiresIn: 60 });
    expect(await verifier.verify(token)).toEqual({ kind: 'customer', accountId: 'acc-alice' });
    expect(verifier.cache.has(token)).toBe(true);
    advance(59);
    expect(await verifier.verify(token)).toEqual({ kind: 'customer', accountId: 'acc-alice' });
    advance(2 + 30);
    expectRefused(await refusal(verifier.verify(token)), 'ERR_JWT_EXPIRED');
    expect(verifier.cache.has(token)).toBe(false);
  });

  test('when the key set changes (the signing key withdrawn), then the cache is emptied and a cached token signed by the removed key is refused', async () => {
    const settings = settingsFor();
    const verifier = await warmed(settings);
    const token = await issuer.token('acc-alice', { expiresIn: 7_200 });
    expect(await verifier.verify(token)).toEqual({ kind: 'customer', accountId: 'acc-alice' });
    expect(verifier.cache.has(token)).toBe(true);
    issuer.rotate(await makeKey('ES256'), { retireOld: true });
    advance(601); // past maxAge: the next use of the set refreshes it in the background
    await verifier.verify(token); // still the old set for this request, as verification would (stale-while-revalidate)
    await identityProvider({ customer: settings })!.settled();
    expectRefused(await refusal(verifier.verify(token)), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(verifier.cache.size).toBe(0);
    expect(await verifier.verify(await issuer.token('acc-bob'))).toEqual({ kind: 'customer', accountId: 'acc-bob' }); // the new key's tokens pass
  });

  test('when a refetch brings the same keys, then the cache is kept', async () => {
    const settings = settingsFor();
    const verifier = await warmed(settings);
    const token = await issuer.token('acc-alice', { expiresIn: 7_200 });
    await verifier.verify(token);
    expect(verifier.cache.has(token)).toBe(true);
    advance(601);
    await verifier.verify(token);
    await identityProvider({ customer: settings })!.settled();
    expect(issuer.requests).toBe(2);
    const hits = verifier.cache.hits;
    expect(await verifier.verify(token)).toEqual({ kind: 'customer', accountId: 'acc-alice' });
    expect(verifier.cache.hits).toBe(hits + 1); // answered from the cache: the refetch did not empty it
  });

  test('when more tokens are verified than the bound, then it holds and the least recently used goes first', async () => {
    const verifier = await warmed(settingsFor({ tokenCacheSize: 3 }));
    const tokens = await Promise.all(['acc-1', 'acc-2', 'acc-3', 'acc-4', 'acc-5'].map((a) => issuer.token(a)));
    for (const t of tokens.slice(0, 3)) await verifier.verify(t);
    await verifier.verify(tokens[0]); // used again: acc-2 is now the least recent
    await verifier.verify(tokens[3]);
    expect(tokens.map((t) => verifier.cache.has(t))).toEqual([true, false, true, true, false]);
    await verifier.verify(tokens[4]);
    expect(verifier.cache.size).toBe(3);
    expect(tokens.map((t) => verifier.cache.has(t))).toEqual([true, false, false, true, true]);
  });

  test.each<[string, Partial<CustomerTokens>, string]>([
    ['another audience', { audience: 'another-service' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['another typ', { tokenTyp: 'at+jwt' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['another issuer', { issuer: 'https://elsewhere.example' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
  ])('when a token was cached under one configuration, then one with %s refuses it as verification does', async (_what, other, why) => {
    const accepting = await warmed(settingsFor());
    const refusing = await warmed(settingsFor(other)); // its key set is there too: only the settings differ
    const token = await issuer.token('acc-alice');
    await accepting.verify(token);
    expect(accepting.cache.has(token)).toBe(true);
    expectRefused(await refusal(refusing.verify(token)), why);
  });
});
