import { Problem } from './errors';

/** A bearer token that is not a valid access token for this service (RFC 6750 `invalid_token`). */
export class InvalidToken extends Problem {
  constructor(why: string) {
    super(401, 'unauthorized', 'Credentials are missing or wrong', `The access token was refused (${why}).`, {}, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
}

export class Forbidden extends Problem {
  constructor(detail: string) {
    super(403, 'forbidden', 'Not allowed for this credential', detail);
  }
}

/** The identity provider's keys could not be fetched, and none is cached for this token. */
export class IdentityProviderUnavailable extends Problem {
  constructor() {
    super(503, 'identity_provider_unavailable', 'Tokens cannot be verified now', 'The identity provider\'s keys (JWKS) could not be fetched; retry shortly.', {}, {
      'Retry-After': '5',
    });
  }
}
