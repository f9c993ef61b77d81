// Every margin a request's time budget is cut by, in one place, each with why. A budget is one
// Deadline (deadline.ts): made once per request, from X-Request-Budget-Ms or the service's own
// budget, and handed on, never re-derived with margins of its own.

/**
 * Order's database timeout when none is configured: an eighth of the request budget, at most 250 ms.
 * Every wait of Order on its database (connection, statement, lock) is bounded by it.
 */
export const defaultDbTimeoutMs = (requestBudgetMs: number) => Math.min(250, Math.floor(requestBudgetMs / 8));

/**
 * Kept back from Order's request budget to record the outcome and answer: the one database write
 * that may come after the saga's deadline is bounded by the pool's connection and statement
 * timeouts, twice the database timeout.
 */
export const answerReserveMs = (dbTimeoutMs: number) => 2 * dbTimeoutMs;

/** What is kept back from a request's budget for the answer: its reserve, but at most a quarter (a caller who gives little still gets three quarters for the work). */
export const answerKeptMs = (budgetMs: number, reserveMs: number) => Math.min(reserveMs, budgetMs / 4);

/**
 * Below this, an attempt at a dependency cannot usefully start: answer 503 now rather than time out
 * later. It is also what keeps a breaker fair: an attempt is fired only with at least this much
 * time, so a timeout the breaker counts is one the dependency had a fair chance to avoid, never a
 * caller's budget that was all but spent (a slow Catalog must not open Account's breaker).
 */
export const MIN_USEFUL_ATTEMPT_MS = 25;

/**
 * Below this, an attempt is still sent (it may well succeed) but its outcome says more about the
 * caller's budget than about the dependency: while the breaker is closed it bypasses the breaker's
 * statistics. With the breaker half-open or open every attempt goes through it.
 */
export const FAIR_ATTEMPT_MS = 100;

/** Below this, an ended order's releases are not worth starting within the request: they go to the background. */
export const MIN_RELEASE_BUDGET_MS = 20;

/**
 * The milliseconds a callee's database may spend of what is left of its caller's budget. A
 * statement's timeout starts when the statement does, after the ones before it, and the cancel, the
 * rollback and the answer take round trips too (30-60 ms each through Prisma on a loaded two-core
 * machine): a third of the budget, at most 100 ms, is kept for them.
 */
export const databaseShareMs = (remainingMs: number, capMs: number) =>
  Math.max(1, Math.floor(Math.min(remainingMs - Math.min(100, remainingMs / 3), capMs)));

/** Prisma's own (client-side) transaction timer fires this long after the database's: the database's wins. */
export const CLIENT_TIMER_SLACK_MS = 1_000;
