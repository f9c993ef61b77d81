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

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ValidatorError {
  status: number;
  message?: string;
  errors?: Array<{ path?: string; message?: string }>;
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

/** Turns any thrown value into a Problem: ours as they are, the validator's and body-parser's by status. */
export function toProblem(err: unknown, req: Request, bodyLimit: string): Problem {
  if (isProblem(err)) return err;
  if (isValidatorError(err)) {
    const errors = (err.errors ?? []).map((e) => ({ field: fieldName(e.path), message: e.message ?? 'is not valid' }));
    switch (err.status) {
      case 400: return new ValidationFailed(errors);
      case 404: return new RouteNotFound(req.method, req.path);
      case 405: return new MethodNotAllowed(req.method, req.path, (err.headers?.Allow ?? '').split(',').map((m) => m.trim().toUpperCase()).filter(Boolean));
      case 413: return new PayloadTooLarge(bodyLimit);
      case 415: return new UnsupportedMediaType(err.message ?? 'Send application/json.');
    }
  }
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.too.large') return new PayloadTooLarge(bodyLimit);
  if (type === 'entity.parse.failed') return new MalformedBody('The body is not valid JSON.');
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

export function sendProblem(res: Parameters<RequestHandler>[1], req: Request, problem: Problem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    // res.json keeps the problem+json type set above, and lets response validation (in tests) check the body.
    .json({
      ...problem.extensions, // first, so that an extension can never overwrite a standard member
      type: `urn:problem-type:${problem.code}`,
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      instance: req.originalUrl,
      code: problem.code,
    });
}

/** The one place errors become responses. 5xx are logged at error with the stack; 4xx at info. */
export function problemHandler(logger: Logger, bodyLimit: string): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const problem = toProblem(err, req, bodyLimit);
    const log = (req as { log?: Logger }).log ?? logger;
    if (problem.status >= 500) log.error({ err, code: problem.code }, 'request failed');
    else log.info({ code: problem.code, detail: problem.detail }, 'request refused');
    sendProblem(res, req, problem);
  };
}

export const routeNotFound: RequestHandler = (req, _res, next) => next(new RouteNotFound(req.method, req.path));
