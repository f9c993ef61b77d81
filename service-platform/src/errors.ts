/**
 * The base of every error a service answers with: an RFC 9457 problem with a stable `code`.
 * Recognised with `isProblem` (a marker, not `instanceof`, so it works across packages).
 */
export class Problem extends Error {
  readonly isProblem = true as const;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }
}

export const isProblem = (e: unknown): e is Problem =>
  typeof e === 'object' && e !== null && (e as { isProblem?: unknown }).isProblem === true;

export interface FieldError {
  field: string;
  message: string;
}

export class ValidationFailed extends Problem {
  constructor(errors: FieldError[]) {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    super(400, 'validation_failed', 'The request is not valid', detail, { errors });
  }
}

export class MalformedBody extends Problem {
  constructor(detail: string) {
    super(400, 'malformed_body', 'The request body could not be read', detail);
  }
}

export class InvalidCursor extends Problem {
  constructor() {
    super(400, 'invalid_cursor', 'The cursor is not valid', 'Pass back the nextCursor of a previous page unchanged.');
  }
}

export class Unauthorized extends Problem {
  constructor(realm: string) {
    super(401, 'unauthorized', 'Credentials are missing or wrong', `This operation needs "Authorization: Bearer <${realm}>".`, {}, {
      'WWW-Authenticate': `Bearer realm="${realm}"`,
    });
  }
}

export class RouteNotFound extends Problem {
  constructor(method: string, path: string) {
    super(404, 'route_not_found', 'No such route', `${method} ${path} is not an operation of this service; see /docs.`);
  }
}

export class MethodNotAllowed extends Problem {
  constructor(method: string, path: string) {
    super(405, 'method_not_allowed', 'Method not allowed', `${method} is not allowed on ${path}; see /docs.`);
  }
}

export class PayloadTooLarge extends Problem {
  constructor(limit: string) {
    super(413, 'payload_too_large', 'The request body is too large', `Bodies are limited to ${limit}.`);
  }
}

export class UnsupportedMediaType extends Problem {
  constructor(detail: string) {
    super(415, 'unsupported_media_type', 'Unsupported content type', detail);
  }
}

export class ServiceUnavailable extends Problem {
  constructor(detail: string, retryAfterSeconds = 1, extensions: Record<string, unknown> = {}) {
    super(503, 'service_unavailable', 'Service unavailable', detail, extensions, { 'Retry-After': String(retryAfterSeconds) });
  }
}

export class InternalError extends Problem {
  constructor() {
    super(500, 'internal_error', 'Internal server error', 'The error was logged; the request may be retried.');
  }
}
