import { CataloguedProblem, retryAfter } from './errors';

/** A bearer token that is not a valid access token for this service (RFC 6750 `invalid_token`). */
export class InvalidToken extends CataloguedProblem {
  constructor(why: string) {
    super('unauthorized', `The access token was refused (${why}).`, { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
  }
}

export class Forbidden extends CataloguedProblem {
  constructor(detail: string) {
    super('forbidden', detail);
  }
}

/**
 * The identity provider's keys could not be fetched, and none is cached for this token.
 * `retryAfterSeconds`: until the key set's next fetch attempt (an earlier retry meets the same answer).
 */
export class IdentityProviderUnavailable extends CataloguedProblem {
  constructor(retryAfterSeconds: number) {
    super('identity_provider_unavailable', 'The identity provider\'s keys (JWKS) could not be fetched; retry shortly.', { headers: retryAfter(retryAfterSeconds) });
  }
}
