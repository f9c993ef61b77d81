// What an in-process call answers, in the shapes the HTTP clients give the saga: a value, a
// refusal carrying the same problem body the service would have sent, or DependencyUnavailable.
import type { NextFunction, Request, Response } from 'express';
import { BUDGET_HEADER, domainProblem, isProblem, passedOnHeaders, requestContext } from 'service-platform';
import { accepted, type Answer, type RefusalProblem, refused } from '../../order-service/src/clients/answers';
import type { Deadline } from '../../order-service/src/clients/resilience/deadline';
import { MIN_USEFUL_BUDGET_MS } from '../../order-service/src/clients/resilience/dependency';
import { DependencyUnavailable } from '../../order-service/src/clients/resilience/dependency-unavailable';
import { ACCOUNT_PROBLEMS } from '../../account-service/src/routes/problems';
import { CATALOG_PROBLEMS } from '../../catalog-service/src/routes/problems';

const PROBLEM_TABLES = { catalog: CATALOG_PROBLEMS, account: ACCOUNT_PROBLEMS };

/** The body sendProblem (service-platform) writes for a refusal: extensions first, then the standard members. */
function problemBody(err: { status: number; code: string; title: string; detail?: string; extensions: Record<string, unknown> }, instance: string): RefusalProblem {
  return {
    ...err.extensions,
    type: `urn:problem-type:${err.code}`, title: err.title, status: err.status, ...(err.detail ? { detail: err.detail } : {}), instance, code: err.code,
  };
}

/**
 * Runs `work` in the request context Catalog's or Account's HTTP app would give the call: the
 * request id Order passes on and the budget its client sends as X-Request-Budget-Ms, through the
 * very middleware that reads them, so that their transactions are bounded (SET LOCAL timeouts) as
 * over HTTP rather than left to Order's context, which carries no deadline.
 */
function asCallee<T>(budgetMs: number, work: () => Promise<T>): Promise<T> {
  const req = { headers: { ...passedOnHeaders(), [BUDGET_HEADER]: String(Math.floor(budgetMs)) } } as unknown as Request;
  const res = { setHeader: () => undefined } as unknown as Response;
  let started: Promise<T> | undefined;
  let refused: unknown;
  requestContext(req, res, ((err?: unknown) => {
    if (err) refused = err;
    else started = work();
  }) as NextFunction);
  return started ?? Promise.reject(refused);
}

/**
 * Runs one use-case call of Catalog or Account as the HTTP client would see it: a 4xx problem is
 * a refusal; anything else (a 5xx problem, a database error) is the dependency failing, as a 5xx
 * is after the client's retries. A budget too small to start refuses before anything is done.
 */
export async function answerOf<T>(dependency: 'catalog' | 'account', instance: string, deadline: Deadline, work: () => Promise<T>): Promise<Answer<T>> {
  if (deadline.remainingMs() < MIN_USEFUL_BUDGET_MS) throw new DependencyUnavailable(dependency, 'budget_exhausted', 1, false);
  try {
    return accepted(await asCallee(deadline.remainingMs(), work));
  } catch (thrown) {
    const err = domainProblem(thrown, PROBLEM_TABLES[dependency]) ?? thrown; // what the service's problem middleware would answer
    if (isProblem(err) && err.status >= 400 && err.status < 500) return refused(err.status, problemBody(err, instance));
    throw new DependencyUnavailable(dependency, 'failed', 1);
  }
}

/** A read of something that does not exist: the HTTP clients answer null for the 404. */
export async function foundOrNull<T>(answer: Promise<Answer<T>>): Promise<Answer<T | null>> {
  const a = await answer;
  return !a.ok && a.status === 404 ? accepted(null) : a;
}
