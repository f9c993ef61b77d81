import type { FieldError } from './domain-error';
import { PLATFORM_PROBLEMS, type ProblemCode } from './problem-catalogue';

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

export interface ProblemOptions {
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** One of the platform's own problems: its status and title come from PLATFORM_PROBLEMS (problem-catalogue.ts). */
export class CataloguedProblem extends Problem {
  constructor(code: ProblemCode, detail?: string, opts: ProblemOptions = {}) {
    super(PLATFORM_PROBLEMS[code].status, code, PLATFORM_PROBLEMS[code].title, detail, opts.extensions, opts.headers);
  }
}

export const retryAfter = (seconds: number): Record<string, string> => ({ 'Retry-After': String(Math.max(1, Math.ceil(seconds))) });

export class ValidationFailed extends CataloguedProblem {
  constructor(errors: FieldError[]) {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    super('validation_failed', detail, { extensions: { errors } });
  }
}

export class MalformedBody extends CataloguedProblem {
  constructor(detail: string) {
    super('malformed_body', detail);
  }
}

export class InvalidCursor extends CataloguedProblem {
  constructor() {
    super('invalid_cursor', 'Pass back the nextCursor of a previous page unchanged.');
  }
}

export class Unauthorized extends CataloguedProblem {
  constructor(realm: string) {
    super('unauthorized', `This operation needs "Authorization: Bearer <${realm}>".`, { headers: { 'WWW-Authenticate': `Bearer realm="${realm}"` } });
  }
}

export class RouteNotFound extends CataloguedProblem {
  constructor(method: string, path: string) {
    super('route_not_found', `${method} ${path} is not an operation of this service (paths are matched exactly: letter case as documented, no trailing slash); see /docs.`);
  }
}

/** RFC 9110 §15.5.6: a 405 lists the methods the path has, in `Allow`. */
export class MethodNotAllowed extends CataloguedProblem {
  constructor(method: string, path: string, allow: string[]) {
    super('method_not_allowed', `${method} is not allowed on ${path}; it allows ${allow.join(', ')}. See /docs.`, { headers: { Allow: allow.join(', ') } });
  }
}

/** If-Match named a version that is no longer current: nothing was changed. */
export class PreconditionFailed extends CataloguedProblem {
  constructor(detail: string, currentEtag?: string) {
    super('precondition_failed', detail, { headers: currentEtag ? { ETag: currentEtag } : {} });
  }
}

/** A change that could lose a concurrent update was sent without If-Match. */
export class PreconditionRequired extends CataloguedProblem {
  constructor(detail: string) {
    super('precondition_required', detail);
  }
}

export class PayloadTooLarge extends CataloguedProblem {
  constructor(limit: string) {
    super('payload_too_large', `Bodies are limited to ${limit}.`);
  }
}

export class UnsupportedMediaType extends CataloguedProblem {
  constructor(detail: string) {
    super('unsupported_media_type', detail);
  }
}

export class ServiceUnavailable extends CataloguedProblem {
  constructor(detail: string, retryAfterSeconds = 1, extensions: Record<string, unknown> = {}) {
    super('service_unavailable', detail, { extensions, headers: retryAfter(retryAfterSeconds) });
  }
}

/** The caller's X-Request-Budget-Ms ran out while the database worked: the work was cancelled and rolled back. */
export class BudgetExhausted extends CataloguedProblem {
  constructor(detail = 'The caller\'s time budget (X-Request-Budget-Ms) ran out; nothing was changed.', retryAfterSeconds = 1) {
    super('budget_exhausted', detail, { headers: retryAfter(retryAfterSeconds) });
  }
}

/** The database cannot be reached or went away: an outage, worth a retry later. */
export class DatabaseUnavailable extends CataloguedProblem {
  constructor(retryAfterSeconds = 2) {
    super('database_unavailable', 'The service cannot reach its database right now; retry later.', { headers: retryAfter(retryAfterSeconds) });
  }
}

export class InternalError extends CataloguedProblem {
  constructor() {
    super('internal_error', 'The error was logged; the request may be retried.');
  }
}
