import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { errors as joseErrors, jwtVerify } from 'jose';
import { Forbidden, IdentityProviderUnavailable, InvalidToken } from './auth-errors';
import type { BaseConfig } from './config';
import { RouteNotFound, Unauthorized } from './errors';
import { type JwksKeySet, jwksKeySet } from './jwks-key-set';
import { routeMatchOf, type SchemeName } from './routing';


/** Who is calling, as the operation's security schemes established it. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'service' }
  /** A customer whose access token was verified: they act for `accountId` (the token's `sub`) only. */
  | { kind: 'customer'; accountId: string }
  /** Customer authentication is off (development): the caller may act for any account. */
  | { kind: 'anyone' };


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
}

export interface Credentials {
  adminToken?: string;
  serviceToken?: string;
  /** Unset: customer authentication is off (refused in production, see loadConfig). */
  customer?: CustomerTokens;
}

/** The credentials of a service's configuration (customer tokens only where the service verifies them). */
export function credentialsFrom(config: BaseConfig, customerAuth: boolean): Credentials {
  const { AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = config;
  return {
    adminToken: config.ADMIN_TOKEN,
    serviceToken: config.SERVICE_TOKEN,
    customer: customerAuth && jwksUrl && issuer && audience
      ? { jwksUrl, issuer, audience, cooldownSeconds: config.AUTH_JWKS_COOLDOWN_SECONDS, maxStaleSeconds: config.AUTH_JWKS_MAX_STALE_SECONDS, tokenTyp: config.AUTH_TOKEN_TYP }
      : undefined,
  };
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

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A shared secret, compared in constant time (hashing first makes the lengths equal). Unset: open. */
function sharedSecret(expected: string | undefined, principal: Principal) {
  if (!expected) return { open: principal };
  const expectedDigest = digest(expected);
  return { verify: async (token: string) => (timingSafeEqual(digest(token), expectedDigest) ? principal : null) };
}

/**
 * Customer access tokens (OAuth 2.0 / OpenID Connect JWTs), verified with jose against the
 * identity provider's JWKS: signature (ES256 or RS256, the key chosen by `kid`; `alg: none` and
 * keys not in the JWKS refused), `iss`, `aud`, `exp`/`nbf` with 30 s of clock tolerance. The JWKS
 * comes from `identityProvider` (jwks-key-set.ts): cached, refreshed in the background, kept through
 * outages up to maxStale; past that its IdentityProviderUnavailable (503) passes through unchanged.
 */
function customerTokens(credentials: Credentials) {
  const settings = credentials.customer;
  const jwks = identityProvider(credentials);
  if (!settings || !jwks) return { open: { kind: 'anyone' } as Principal };
  return {
    verify: async (token: string): Promise<Principal | null> => {
      if (token.split('.').length !== 3) return null;
      try {
        const { payload } = await jwtVerify(token, jwks.key, {
          issuer: settings.issuer, audience: settings.audience, algorithms: ['ES256', 'RS256'], clockTolerance: 30, requiredClaims: ['sub', 'exp'],
          ...(settings.tokenTyp ? { typ: settings.tokenTyp } : {}),
        });
        return { kind: 'customer', accountId: payload.sub! };
      } catch (err) {
        if (err instanceof IdentityProviderUnavailable) throw err; // the JWKS could not be fetched: not the caller's fault
        if (err instanceof joseErrors.JOSEError) throw new InvalidToken(err.code);
        throw err; // neither the token's fault nor the provider's: ours, answered 500
      }
    },
  };
}

/**
 * Authenticates every request against the security of the operation the route gate matched (the
 * document's `security`), before the body is read: a caller without a valid credential gets `401`
 * and learns nothing of the schema. A request that reached no operation never gets here as anyone:
 * it is refused (`404`), so a route the gate did not match cannot run unauthenticated. A scheme whose
 * credential is not configured is open (development only: production refuses to start without
 * them). The principal is kept for the route (`principalOf`).
 */
export function authenticate(credentials: Credentials): RequestHandler {
  const schemes: Record<SchemeName, { open?: Principal; verify?: (token: string) => Promise<Principal | null> }> = {
    adminToken: sharedSecret(credentials.adminToken, { kind: 'admin' }),
    serviceToken: sharedSecret(credentials.serviceToken, { kind: 'service' }),
    customerToken: customerTokens(credentials),
  };
  return async (req, res, next) => {
    const match = routeMatchOf(res);
    if (match?.kind !== 'operation') return next(new RouteNotFound(req.method, req.path));
    const operation = match.operation;
    if (operation.schemes.length === 0) {
      res.locals.principal = { kind: 'anyone' } satisfies Principal;
      return next();
    }
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    let refusal: Error | undefined; // made only when the request is refused: an Error captures a stack
    for (const name of operation.schemes) {
      const scheme = schemes[name];
      try {
        const principal = token && scheme.verify ? await scheme.verify(token) : null;
        if (principal) {
          res.locals.principal = principal;
          return next();
        }
      } catch (err) {
        refusal = err as Error;
      }
    }
    const open = operation.schemes.map((name) => schemes[name].open).find((p) => p !== undefined);
    if (!open) return next(refusal ?? new Unauthorized(operation.schemes.join(' or ')));
    res.locals.principal = open;
    next();
  };
}

/**
 * The caller, as `authenticate` established it. A route that runs without it has bypassed
 * authentication: that is a bug, answered 500, never a request served as anyone.
 */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('principalOf: no principal (the route ran without authenticate)');
  return principal;
}

/** A customer may act only for their own account; admins, services and open development for any. */
export function mayActFor(principal: Principal, accountId: string): boolean {
  return principal.kind !== 'customer' || principal.accountId === accountId;
}

/** Refuses a customer acting for another account (`403`); nothing is done for them. */
export function requireOwnAccount(principal: Principal, accountId: string): void {
  if (!mayActFor(principal, accountId)) throw new Forbidden('This token acts for another account: use the account of its subject.');
}
