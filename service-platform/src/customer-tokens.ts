// Customer access tokens: the settings, the identity provider's key set they are verified with, and
// the verifier (with its cache of verified tokens) that `authenticate` uses for the customerToken scheme.
import { errors as joseErrors, jwtVerify } from 'jose';
import type { Credentials, Principal } from './auth';
import { IdentityProviderUnavailable, InvalidToken } from './auth-errors';
import { type JwksKeySet, jwksKeySet } from './jwks-key-set';
import { VerifiedTokenCache } from './verified-token-cache';

export interface CustomerTokens {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** A token with an unknown `kid` refetches the JWKS only if the cached set is at least this old. */
  cooldownSeconds: number;
  /** How long the last good JWKS still verifies tokens while the identity provider cannot be reached. */
  maxStaleSeconds: number;
  /** The JOSE `typ` an access token must carry (e.g. `at+jwt`, RFC 9068); unset: any. */
  tokenTyp?: string;
  /** How many verified tokens are remembered (verified-token-cache.ts; default 4096, 0: none). */
  tokenCacheSize?: number;
  /** Milliseconds since the epoch (tests move it); for the key set, the token's times and the cache. */
  now?: () => number;
}

// One key set per CustomerTokens object, so that `authenticate` and a service's /dependencies
// listing share the same cache (keyed weakly: the settings object is the key set's owner).
const keySets = new WeakMap<CustomerTokens, JwksKeySet>();

/**
 * The identity provider's key set that `authenticate(doc, credentials)` verifies customer tokens
 * with (pass the same `credentials` object), for `/dependencies`: `identityProvider(c)?.snapshot()`.
 * Undefined: customer authentication is off.
 */
export function identityProvider(credentials: Credentials): JwksKeySet | undefined {
  const settings = credentials.customer;
  if (!settings) return undefined;
  let keySet = keySets.get(settings);
  if (!keySet) keySets.set(settings, (keySet = jwksKeySet(settings)));
  return keySet;
}

/** Verifies a customer's bearer token: their principal, null for no JWT, or a thrown refusal. */
export interface CustomerTokenVerifier {
  verify(token: string): Promise<Principal | null>;
  /** Its verified tokens (verified-token-cache.ts). */
  cache: VerifiedTokenCache<string>;
}

const verifiers = new WeakMap<CustomerTokens, CustomerTokenVerifier>();

/**
 * Customer access tokens (OAuth 2.0 / OpenID Connect JWTs), verified with jose against the
 * identity provider's JWKS: signature (ES256 or RS256, the key chosen by `kid`; `alg: none` and
 * keys not in the JWKS refused), `iss`, `aud`, `typ` when configured, `exp`/`nbf` with 30 s of clock
 * tolerance. The JWKS comes from `identityProvider` (jwks-key-set.ts): cached, refreshed in the
 * background, kept through outages up to maxStale; past that its IdentityProviderUnavailable (503)
 * passes through unchanged. A token verified before, under the same settings and key set, within its
 * own nbf..exp, is answered from the cache with the same principal (verified-token-cache.ts).
 * One verifier per settings object (`authenticate` and tests share it).
 */
export function customerTokenVerifier(settings: CustomerTokens): CustomerTokenVerifier {
  const existing = verifiers.get(settings);
  if (existing) return existing;
  const jwks = identityProvider({ customer: settings })!;
  const now = settings.now ?? Date.now;
  const cache = new VerifiedTokenCache<string>(settings.tokenCacheSize ?? 4096);
  const options = {
    issuer: settings.issuer, audience: settings.audience, algorithms: ['ES256', 'RS256'], clockTolerance: 30, requiredClaims: ['sub', 'exp'],
    ...(settings.tokenTyp ? { typ: settings.tokenTyp } : {}),
  };
  const verify = async (token: string): Promise<Principal | null> => {
    if (token.split('.').length !== 3) return null;
    const version = jwks.version();
    const cached = cache.get(token, now(), version);
    if (cached !== undefined) return { kind: 'customer', accountId: cached };
    try {
      const { payload } = await jwtVerify(token, jwks.key, { ...options, currentDate: new Date(now()) });
      cache.set(token, payload.sub!, { exp: payload.exp!, nbf: payload.nbf }, version);
      return { kind: 'customer', accountId: payload.sub! };
    } catch (err) {
      if (err instanceof IdentityProviderUnavailable) throw err; // the JWKS could not be fetched: not the caller's fault
      if (err instanceof joseErrors.JOSEError) throw new InvalidToken(err.code);
      throw err; // neither the token's fault nor the provider's: ours, answered 500
    }
  };
  const verifier = { verify, cache };
  verifiers.set(settings, verifier);
  return verifier;
}
