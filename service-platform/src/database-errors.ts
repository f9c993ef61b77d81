import { BudgetExhausted, DatabaseUnavailable, type Problem } from './errors';

/**
 * What a database error means for the caller, read from the shapes the drivers surface: Prisma's
 * known request errors (`code` P…, and `meta.driverAdapterError.cause` from @prisma/adapter-pg
 * with `kind` and the server's SQLSTATE as `originalCode`), and plain `pg` / socket errors (pg's
 * `DatabaseError` carries the SQLSTATE as `code`: the statements sent to the pool directly).
 * Checked against a real server: a refused connection gives P1001/P2010 with kind
 * DatabaseNotReachable; a server shut down or a backend terminated gives 57P01; a cancelled
 * statement 57014; 40001/40P01 become kind TransactionWriteConflict (P2034).
 */

interface Cause {
  kind?: string;
  originalCode?: string;
  code?: string;
}

const causeOf = (err: unknown): Cause | undefined =>
  (err as { meta?: { driverAdapterError?: { cause?: Cause } } } | null)?.meta?.driverAdapterError?.cause;

/** The SQLSTATE of a database error, wherever the driver put it. */
export function sqlState(err: unknown): string | undefined {
  const cause = causeOf(err);
  const code = cause?.originalCode ?? cause?.code ?? (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
// P1001 can't reach, P1002 timed out reaching, P1017 server closed the connection, P2024 no pool connection in time.
const UNREACHABLE_PRISMA = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
// 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections.
const UNREACHABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
// pg and pg-pool errors that carry no code.
const UNREACHABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Can't reach database server|Client has encountered a connection error/i;

/** The database cannot be used right now: not the request's fault, and not a bug. */
export function isDatabaseUnreachable(err: unknown): boolean {
  const cause = causeOf(err);
  if (cause?.kind && UNREACHABLE_KINDS.has(cause.kind)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_PRISMA.has(code)) return true;
  // A socket error of the database driver (an HTTP client's own errors are its caller's to map).
  const isHttpClientError = (err as { isAxiosError?: unknown } | null)?.isAxiosError === true;
  if (typeof code === 'string' && SOCKET_CODES.has(code) && !isHttpClientError) return true;
  const state = sqlState(err);
  if (state && (UNREACHABLE_STATES.has(state) || state.startsWith('08'))) return true;
  return UNREACHABLE_MESSAGES.test(String((err as { message?: unknown } | null)?.message ?? ''));
}

/** A serialization failure or a deadlock: the transaction was rolled back and may simply be run again. */
export function isRetryableConflict(err: unknown): boolean {
  const state = sqlState(err);
  return state === '40001' || state === '40P01' || causeOf(err)?.kind === 'TransactionWriteConflict'
    || (err as { code?: unknown } | null)?.code === 'P2034';
}

/** Cancelled by statement_timeout (57014) or lock_timeout (55P03): only the request budget sets them. */
export function isBudgetTimeout(err: unknown): boolean {
  const state = sqlState(err);
  return state === '57014' || state === '55P03';
}

/** The problem a database error is for the caller, or undefined when it is a bug (a plain 500). */
export function databaseProblem(err: unknown): Problem | undefined {
  if (isDatabaseUnreachable(err)) return new DatabaseUnavailable();
  if (isBudgetTimeout(err)) return new BudgetExhausted();
  return undefined;
}
