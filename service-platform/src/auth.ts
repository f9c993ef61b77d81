import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { Forbidden } from './auth-errors';
import type { BaseConfig } from './config';
import { type CustomerTokens, customerTokenVerifier } from './customer-tokens';
import { RouteNotFound, Unauthorized } from './errors';
import { routeMatchOf, type SchemeName } from './routing';

export { type CustomerTokens, type CustomerTokenVerifier, customerTokenVerifier, identityProvider } from './customer-tokens';


/** Who is calling, as the operation's security schemes established it. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'service' }
  /** A customer whose access token was verified: they act for `accountId` (the token's `sub`) only. */
  | { kind: 'customer'; accountId: string }
  /** Customer authentication is off (development): the caller may act for any account. */
  | { kind: 'anyone' };


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

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A shared secret, compared in constant time (hashing first makes the lengths equal). Unset: open. */
function sharedSecret(expected: string | undefined, principal: Principal) {
  if (!expected) return { open: principal };
  const expectedDigest = digest(expected);
  return { verify: async (token: string) => (timingSafeEqual(digest(token), expectedDigest) ? principal : null) };
}

const customerTokens = (credentials: Credentials) =>
  (credentials.customer ? { verify: customerTokenVerifier(credentials.customer).verify } : { open: { kind: 'anyone' } as Principal });

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
