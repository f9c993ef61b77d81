import { CLIENT_TIMER_SLACK_MS, databaseShareMs } from './budget-policy';
import { BudgetExhausted } from './errors';
import { isBudgetTimeout, isRetryableConflict } from './database-errors';
import type { Deadline } from './deadline';
import type { Sql } from './sql-pool';

/** The raw-SQL part of a Prisma client or transaction client (structural: no Prisma import here). */
export interface SqlRunner {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface TransactionRunner<Tx extends SqlRunner> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

export interface TransactionOptions {
  /** The caller's deadline (`deadlineOf` in a route), passed down explicitly; none: the bounds below. */
  deadline?: Deadline;
  /** Runs of the whole transaction when PostgreSQL rolls it back as a deadlock or serialization failure. */
  maxAttempts?: number;
  /** Bounds without a caller's budget (a sweep, a request without X-Request-Budget-Ms). */
  maxWaitMs?: number;
  timeoutMs?: number;
}

/** Thrown inside a transaction to roll it back and hand `value` to the caller as the answer. */
class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rollback');
  }
}

/** Rolls the current transaction back; `inTransaction` returns `value` (a refusal, say) instead of throwing. */
export function rollbackWith<T>(value: T): never {
  throw new Rollback(value);
}

const DEFAULTS = { maxAttempts: 3, maxWaitMs: 10_000, timeoutMs: 15_000 } as const;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in one transaction bounded by what is left of the caller's deadline (`options.deadline`):
 * `SET LOCAL statement_timeout` and `lock_timeout`, so PostgreSQL itself cancels a statement that
 * waits on a lock or runs past the budget and the rollback frees every lock (Prisma's timeout only
 * runs in the client). Out of budget → BudgetExhausted (503). A deadlock or serialization failure
 * runs the whole transaction again, up to `maxAttempts`, within the same budget.
 */
export async function inTransaction<Tx extends SqlRunner, R>(
  db: TransactionRunner<Tx>,
  work: (tx: Tx) => Promise<R>,
  options: TransactionOptions = {},
): Promise<R> {
  const { maxAttempts, maxWaitMs, timeoutMs, deadline } = { ...DEFAULTS, ...options };
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline === undefined ? undefined : deadline.at - Date.now();
    if (remaining !== undefined && remaining <= 0) throw new BudgetExhausted();
    try {
      return await db.$transaction(async (tx) => {
        if (remaining !== undefined) {
          const ms = String(databaseShareMs(remaining, timeoutMs));
          await tx.$queryRawUnsafe(`SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)`, ms);
        }
        return work(tx);
      }, {
        maxWait: remaining === undefined ? maxWaitMs : Math.max(1, Math.min(maxWaitMs, remaining)),
        timeout: remaining === undefined ? timeoutMs : Math.min(timeoutMs, remaining + CLIENT_TIMER_SLACK_MS),
      });
    } catch (err) {
      if (err instanceof Rollback) return err.value as R;
      if (isBudgetTimeout(err) || (deadline !== undefined && Date.now() >= deadline.at && isTransactionApiError(err))) throw new BudgetExhausted();
      if (!isRetryableConflict(err) || attempt >= maxAttempts) throw err;
      await pause(Math.random() * 10 * attempt);
    }
  }
}

/**
 * Runs one statement that is a whole all-or-nothing change (a commitment step written as a SQL
 * function: one round trip and one commit instead of an interactive transaction). `run` gets the
 * milliseconds its lock waits may take, from what is left of the caller's deadline with the same
 * margin as `inTransaction` (the function sets them as `lock_timeout`); out of budget, or a lock wait
 * cut short → BudgetExhausted (503). A deadlock or serialization failure runs it again.
 */
export async function inOneStatement<R>(run: (lockTimeoutMs: number) => Promise<R>, options: TransactionOptions = {}): Promise<R> {
  const { maxAttempts, timeoutMs, deadline } = { ...DEFAULTS, ...options };
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline === undefined ? undefined : deadline.at - Date.now();
    if (remaining !== undefined && remaining <= 0) throw new BudgetExhausted();
    const ms = remaining === undefined ? timeoutMs : databaseShareMs(remaining, timeoutMs);
    try {
      return await run(ms);
    } catch (err) {
      if (isBudgetTimeout(err)) throw new BudgetExhausted();
      if (!isRetryableConflict(err) || attempt >= maxAttempts) throw err;
      await pause(Math.random() * 10 * attempt);
    }
  }
}

/** Calls a SQL function that answers one JSON value (`SELECT f(…)`) on the pool, parsed whichever way the driver hands it over. */
export async function callJsonFunction<T>(sql: Sql, text: string, ...values: unknown[]): Promise<T> {
  const { rows } = await sql.query<{ answer: unknown }>(`${text} AS answer`, values);
  const answer = rows[0].answer;
  return (typeof answer === 'string' ? JSON.parse(answer) : answer) as T;
}

/** Prisma's P2028: the transaction could not start in maxWait, or its client-side timeout closed it. */
const isTransactionApiError = (err: unknown) => (err as { code?: unknown } | null)?.code === 'P2028';
