import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { Deadline } from './deadline';
import { ServiceUnavailable } from './errors';

/** The header a caller uses to pass on how many milliseconds it will still wait for the answer. */
export const BUDGET_HEADER = 'x-request-budget-ms';

/** The header naming a request in every service's logs; Order passes its own on to its calls. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What every line a request logs carries (and what an outbound call passes on): its id. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const currentContext = (): RequestContext | undefined => storage.getStore();

/**
 * The headers an outbound call passes on from the request it is made for: the request id, so that
 * the callee's log lines carry the caller's id (tracing on or off). The W3C `traceparent` is the
 * OpenTelemetry SDK's to send, when tracing is on: made up here, it would name a span nobody records.
 */
export function passedOnHeaders(ctx = currentContext()): Record<string, string> {
  return ctx ? { [REQUEST_ID_HEADER]: ctx.requestId } : {};
}

/**
 * The caller's deadline, made once from its `X-Request-Budget-Ms` as the request arrived; undefined
 * when it gave none. A route passes it on explicitly: to its use case, the use case to its store,
 * the store to SQL (`inTransaction`, `inOneStatement`), or to the calls it makes.
 */
export const deadlineOf = (res: Response): Deadline | undefined => res.locals.deadline as Deadline | undefined;

/**
 * Gives each request an id (from `X-Request-Id` or new) and the caller's deadline (from
 * `X-Request-Budget-Ms`, see `deadlineOf`); a request whose budget is already spent is refused at
 * once rather than worked on for nobody.
 */
export const requestContext: RequestHandler = (req, res, next) => {
  const incomingId = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof incomingId === 'string' && /^[\w.:-]{1,128}$/.test(incomingId) ? incomingId : randomUUID();
  const rawBudget = req.headers[BUDGET_HEADER];
  const budget = Number(rawBudget);
  // An empty or non-numeric header is as good as none (Number('') would be a spent budget).
  const hasBudget = typeof rawBudget === 'string' && rawBudget.trim() !== '' && Number.isFinite(budget);
  res.setHeader('X-Request-Id', requestId);
  const ctx: RequestContext = { requestId };
  if (hasBudget) res.locals.deadline = Deadline.after(budget);
  if (hasBudget && budget <= 0) {
    return next(new ServiceUnavailable('The caller\'s time budget was already spent.', 1));
  }
  storage.run(ctx, () => next());
};
