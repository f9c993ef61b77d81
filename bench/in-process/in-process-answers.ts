// What an in-process call answers, in the shapes the HTTP clients give the saga: a value, a
// refusal made from the same problem body the service would have sent, or unavailable.
import type { NextFunction, Request, Response } from 'express';
import { BUDGET_HEADER, deadlineOf, domainProblem, isProblem, MIN_USEFUL_ATTEMPT_MS, passedOnHeaders, problemBody, requestContext } from 'service-platform';
import type { Deadline } from 'service-platform';
import { accepted, answered, refused } from '../../order-service/src/clients/dependency-answers';
import { DependencyUnavailable } from '../../order-service/src/clients/resilience/dependency-unavailable';
import type { Result } from '../../order-service/src/domain/ports';
import { ACCOUNT_PROBLEMS } from '../../account-service/src/routes/problems';
import { CATALOG_PROBLEMS } from '../../catalog-service/src/routes/problems';

const PROBLEM_TABLES = { catalog: CATALOG_PROBLEMS, account: ACCOUNT_PROBLEMS };


/**
 * Runs `work` as Catalog's or Account's HTTP app would run the call: the request id Order passes on
 * and the budget its client sends as X-Request-Budget-Ms go through the very middleware that reads
 * them, and `work` gets the deadline that middleware made, as a route does (`deadlineOf`), so that
 * their transactions are bounded (SET LOCAL timeouts) as over HTTP.
 */
function asCallee<T>(budgetMs: number, work: (deadline: Deadline | undefined) => Promise<T>): Promise<T> {
  const req = { headers: { ...passedOnHeaders(), [BUDGET_HEADER]: String(Math.floor(budgetMs)) } } as unknown as Request;
  const res = { setHeader: () => undefined, locals: {} } as unknown as Response;
  let started: Promise<T> | undefined;
  let refused: unknown;
  requestContext(req, res, ((err?: unknown) => {
    if (err) refused = err;
    else started = work(deadlineOf(res));
  }) as NextFunction);
  return started ?? Promise.reject(refused);
}

/**
 * Runs one use-case call of Catalog or Account as the HTTP client would see it: a 4xx problem is
 * a refusal; anything else (a 5xx problem, a database error) is the dependency failing, as a 5xx
 * is after the client's retries. A budget too small to start refuses before anything is done.
 */
export function answerOf<T>(dependency: 'catalog' | 'account', instance: string, deadline: Deadline, work: (callee: Deadline | undefined) => Promise<T>): Promise<Result<T>> {
  return answered(async () => {
    if (deadline.remainingMs() < MIN_USEFUL_ATTEMPT_MS) throw new DependencyUnavailable(dependency, 'budget_exhausted', 1, false);
    try {
      return accepted(await asCallee(deadline.remainingMs(), work));
    } catch (thrown) {
      const err = domainProblem(thrown, PROBLEM_TABLES[dependency]) ?? thrown; // what the service's problem middleware would answer
      if (isProblem(err) && err.status >= 400 && err.status < 500) return refused(err.status, problemBody(err, instance));
      throw new DependencyUnavailable(dependency, 'failed', 1);
    }
  });
}
