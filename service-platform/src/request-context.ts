import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ServiceUnavailable } from './errors';

/** The header a caller uses to pass on how many milliseconds it will still wait for the answer. */
export const BUDGET_HEADER = 'x-request-budget-ms';

export interface RequestContext {
  requestId: string;
  /** W3C trace id (32 hex) shared by every hop of one request. */
  traceId: string;
  /** Epoch ms after which the caller no longer waits; undefined when the caller gave none. */
  deadline?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const currentContext = (): RequestContext | undefined => storage.getStore();

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** A traceparent for an outbound call: same trace, a new span id. */
export function outboundTraceparent(ctx = currentContext()): string {
  const traceId = ctx?.traceId ?? randomBytes(16).toString('hex');
  return `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
}

/**
 * Gives each request an id (from `X-Request-Id` or new), a trace id (from `traceparent` or new)
 * and the caller's deadline (from `X-Request-Budget-Ms`); a request whose budget is already spent
 * is refused at once rather than worked on for nobody.
 */
export const requestContext: RequestHandler = (req, res, next) => {
  const incomingId = req.headers['x-request-id'];
  const requestId = typeof incomingId === 'string' && /^[\w.:-]{1,128}$/.test(incomingId) ? incomingId : randomUUID();
  const trace = TRACEPARENT.exec(String(req.headers.traceparent ?? ''));
  const rawBudget = req.headers[BUDGET_HEADER];
  const budget = Number(rawBudget);
  // An empty or non-numeric header is as good as none (Number('') would be a spent budget).
  const hasBudget = typeof rawBudget === 'string' && rawBudget.trim() !== '' && Number.isFinite(budget);
  res.setHeader('X-Request-Id', requestId);
  const ctx: RequestContext = {
    requestId,
    traceId: trace ? trace[1] : randomBytes(16).toString('hex'),
    deadline: hasBudget ? Date.now() + budget : undefined,
  };
  if (hasBudget && budget <= 0) {
    return next(new ServiceUnavailable('The caller\'s time budget was already spent.', 1));
  }
  storage.run(ctx, () => next());
};
