/** A problem table: one row per code with its HTTP status and title (fastify's lib/errors.js is the model). */
export type ProblemTable = Readonly<Record<string, { readonly status: number; readonly title: string }>>;

/**
 * The platform's own codes, answered on any route of any service (the edge's validation, auth,
 * routing, budgets, the database). Each service owns a table of its own codes (Catalog's and
 * Account's `src/routes/problems.ts`) and passes it to createHttpApp; the problem middleware looks
 * a domain error's code up there, then here. The classes in errors.ts only add the detail and
 * extensions of one case.
 */
export const PLATFORM_PROBLEMS = {
  // The platform: any route of any service
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_body: { status: 400, title: 'The request body could not be read' },
  invalid_cursor: { status: 400, title: 'The cursor is not valid' },
  unauthorized: { status: 401, title: 'Credentials are missing or wrong' },
  forbidden: { status: 403, title: 'Not allowed for this credential' },
  route_not_found: { status: 404, title: 'No such route' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  precondition_failed: { status: 412, title: 'The resource changed since you read it' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  precondition_required: { status: 428, title: 'This change needs If-Match' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  budget_exhausted: { status: 503, title: 'The caller\'s time budget ran out' },
  database_unavailable: { status: 503, title: 'The database is unavailable' },
  identity_provider_unavailable: { status: 503, title: 'Tokens cannot be verified now' },
} as const satisfies ProblemTable;

export type ProblemCode = keyof typeof PLATFORM_PROBLEMS;
