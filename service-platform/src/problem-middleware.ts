import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import {
  InternalError,
  isProblem,
  MalformedBody,
  MethodNotAllowed,
  PayloadTooLarge,
  Problem,
  RouteNotFound,
  UnsupportedMediaType,
  ValidationFailed,
} from './errors';
import { databaseProblem } from './database-errors';
import { AnsweredAs, type DomainError, isDomainError } from './domain-error';
import { PLATFORM_PROBLEMS, type ProblemTable } from './problem-catalogue';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ValidatorError {
  status: number;
  message?: string;
  errors?: Array<{ path?: string; message?: string; errorCode?: string }>;
  headers?: Record<string, string>;
}

const isValidatorError = (e: unknown): e is ValidatorError =>
  typeof e === 'object' && e !== null && typeof (e as ValidatorError).status === 'number' && Array.isArray((e as ValidatorError).errors);

/** express-openapi-validator paths look like "/body/lines/0/quantity"; people read "body.lines[0].quantity". */
const fieldName = (path = ''): string =>
  path
    .replace(/^\//, '')
    .split('/')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('') || '(request)';

/** What the request carried at a validator path ("/body/lines/0/sku", "/query/limit"). */
function sentValue(req: Request, path = ''): unknown {
  const [where, ...rest] = path.replace(/^\//, '').split('/');
  const root: unknown = { body: req.body, query: req.query, params: req.params, path: req.params, headers: req.headers }[where];
  return rest.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

/**
 * The validator's message, made readable: ajv says "must NOT be valid" for a `not` schema (delta:
 * `not: { const: 0 }`), which names no rule; the value sent is the clearest word for what is refused.
 */
function messageOf(req: Request, e: { path?: string; message?: string; errorCode?: string }): string {
  if (e.errorCode === 'not.openapi.validation') return `must not be ${JSON.stringify(sentValue(req, e.path))}`;
  // A long enum (the 162 currencies) would fill the problem: the first few, and where the rest are.
  if (e.errorCode === 'enum.openapi.validation' && (e.message ?? '').length > 160) {
    return `${e.message!.slice(0, 100).replace(/,[^,]*$/, '')}, … (the document lists them all)`;
  }
  return e.message ?? 'is not valid';
}

/** What a body is that is JSON, but not an object or array (body-parser's strict mode refuses it as unparsable). */
function notAnObject(err: unknown): string | undefined {
  const body = (err as { body?: unknown }).body;
  if (typeof body !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value === null || typeof value === 'boolean' ? String(value) : `a ${typeof value}`;
  } catch {
    return undefined;
  }
}

/** The 415 for a body without Content-Type or with another one: says what to send. */
function unsupportedMediaType(req: Request): UnsupportedMediaType {
  const sent = req.get('content-type');
  return new UnsupportedMediaType(sent
    ? `Content-Type ${sent} is not accepted: send the body as JSON with Content-Type: application/json.`
    : 'The request has a body but no Content-Type: send it as JSON with Content-Type: application/json.');
}

/** A domain error as its row says, in the service's table or the platform's (a code in neither is a bug: 500). */
function fromTable(problems: ProblemTable, err: DomainError, status?: number): Problem {
  const row = Object.hasOwn(problems, err.code) ? problems[err.code]
    : Object.hasOwn(PLATFORM_PROBLEMS, err.code) ? (PLATFORM_PROBLEMS as ProblemTable)[err.code] : undefined;
  if (!row) return new InternalError();
  // When a retry can succeed is the domain's to say; in HTTP it is the Retry-After header.
  const { retryAfterSeconds, ...details } = err.details;
  const headers: Record<string, string> = typeof retryAfterSeconds === 'number' ? { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } : {};
  return new Problem(status ?? row.status, err.code, row.title, err.detail || undefined, details, headers);
}

/**
 * A domain error (or one a route answered with its own status) as its problem, from the service's
 * table `problems` (then the platform's); undefined for anything else.
 */
export function domainProblem(err: unknown, problems: ProblemTable = {}): Problem | undefined {
  if (isDomainError(err)) return fromTable(problems, err);
  if (err instanceof AnsweredAs) return fromTable(problems, err.error, err.status);
  return undefined;
}

/** Turns any thrown value into a Problem: ours as they are, the validator's and body-parser's by status. */
export function toProblem(err: unknown, req: Request, bodyLimit: string, problems: ProblemTable = {}): Problem {
  if (isProblem(err)) return err;
  const refusal = domainProblem(err, problems);
  if (refusal) return refusal;
  if (isValidatorError(err)) {
    const errors = (err.errors ?? []).map((e) => ({ field: fieldName(e.path), message: messageOf(req, e) }));
    switch (err.status) {
      case 400: return new ValidationFailed(errors);
      case 404: return new RouteNotFound(req.method, req.path);
      case 405: return new MethodNotAllowed(req.method, req.path, (err.headers?.Allow ?? '').split(',').map((m) => m.trim().toUpperCase()).filter(Boolean));
      case 413: return new PayloadTooLarge(bodyLimit);
      case 415: return unsupportedMediaType(req);
    }
  }
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new PayloadTooLarge(bodyLimit);
  if (type === 'entity.parse.failed') {
    const json = notAnObject(err);
    return new MalformedBody(json === undefined ? 'The body is not valid JSON.' : `The body must be a JSON object; this one is valid JSON, but ${json}.`);
  }
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new UnsupportedMediaType('Send UTF-8 JSON.');
  // Other client errors from the body parser (http-errors mark them `expose`), e.g. a body declared
  // gzip that is not: the client's mistake, never a 500.
  const status = (err as { status?: unknown; expose?: unknown } | null)?.status;
  if ((err as { expose?: unknown } | null)?.expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return new MalformedBody('The body could not be read as declared (content encoding or length).');
  }
  // An unreachable database is an outage (503 database_unavailable), a cancelled statement a spent budget.
  return databaseProblem(err) ?? new InternalError();
}

/** The RFC 9457 body of a problem answered for `instance` (the request's path). */
export function problemBody(problem: Problem, instance: string): Record<string, unknown> & { code: string } {
  return {
    ...problem.extensions, // first, so that an extension can never overwrite a standard member
    type: `urn:problem-type:${problem.code}`,
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance,
    code: problem.code,
  };
}

export function sendProblem(res: Parameters<RequestHandler>[1], req: Request, problem: Problem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  // res.json keeps the problem+json type set here, and lets response validation (in tests) check the body.
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).json(problemBody(problem, req.originalUrl));
}

/** Whether `problem` is the row of the domain error `err` (not the 500 of a code no table has). */
const answeredOnPurpose = (err: unknown, problem: Problem): boolean =>
  problem.code === (isDomainError(err) ? err.code : err instanceof AnsweredAs ? err.error.code : undefined);

/**
 * The one place errors become responses, a domain error's status and title looked up in the
 * service's table `problems`. A 5xx nobody chose (a bug, the database) is logged at error with its
 * stack; a 5xx the domain answered on purpose (its table's row: a dependency unavailable, a breaker
 * open) at warn with its code and detail, as a 4xx is at info: its stack only names the line that
 * threw it, and while a dependency is down Order answers it at full rate (serializing each stack was
 * about a tenth of Order's CPU per fail-fast 503). The request log still writes each 5xx at error.
 */
export function problemHandler(logger: Logger, bodyLimit: string, problems: ProblemTable = {}): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err, req, bodyLimit, problems);
    const log = (req as { log?: Logger }).log ?? logger;
    const refusal = { code: problem.code, detail: problem.detail };
    if (problem.status < 500) log.info(refusal, 'request refused');
    else if (answeredOnPurpose(err, problem)) log.warn(refusal, 'request refused');
    else log.error({ err, code: problem.code }, 'request failed');
    sendProblem(res, req, problem);
  };
}

export const routeNotFound: RequestHandler = (req, _res, next) => next(new RouteNotFound(req.method, req.path));
