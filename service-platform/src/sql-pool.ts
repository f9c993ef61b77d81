import { createHash } from 'node:crypto';
import { Pool, type QueryResultRow } from 'pg';

/**
 * Statements sent straight to the `pg` pool, for the request path: Prisma's runtime about doubles
 * the CPU of a raw query (docs/architecture.md, "Database access"). Values are bound as $1, $2, …
 * and never spliced into the text. What pg hands back: timestamptz as Date, json and jsonb parsed,
 * int4 as number, int8 and numeric as string.
 */
export interface Sql {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface PoolBounds {
  /** Connections, shared by Prisma and the plain statements. */
  max: number;
  /** How long a request may wait for a connection (undefined: no bound). */
  connectionTimeoutMillis?: number;
  /** statement_timeout and lock_timeout of every connection (undefined: the server's defaults). */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

/** The one connection pool of a service: Prisma's adapter is given it (`new PrismaPg(pool)`), the hot path queries it. */
export function createSqlPool(databaseUrl: string, bounds: PoolBounds): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: bounds.max,
    ...(bounds.connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis: bounds.connectionTimeoutMillis }),
    ...(bounds.statementTimeoutMs === undefined ? {} : { statement_timeout: bounds.statementTimeoutMs }),
    ...(bounds.lockTimeoutMs === undefined ? {} : { lock_timeout: bounds.lockTimeoutMs }),
  });
  // An idle connection the server closed (a restart, a terminated backend): the pool drops it and the
  // next query opens another. Without a listener, the 'error' event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Distinct statement texts prepared by name at most; past it (a bug making texts per value) they go unnamed. */
const MAX_PREPARED = 200;

/** `SELECT-3f9a…`: the command, for whoever reads a trace (pg's span is `pg.query:<name>`), and a digest of the text. */
const statementName = (text: string) => `${(/^\s*(\w+)/.exec(text)?.[1] ?? 'SQL').toUpperCase()}-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;

/**
 * The pool, each distinct statement text sent as a named prepared statement: PostgreSQL parses and
 * plans it once per connection instead of on every call (pg prepares it on first use on each
 * connection). Measured with bench/prepared-cost.ts: Order's three statements of an order cost its
 * backend 2.1 ms unnamed and 1.2 ms named. The name is the command and a digest of the text, so one
 * name never stands for two texts, whichever wrapper of the pool prepared it on a connection. Values
 * stay bound parameters either way.
 */
export function preparedStatements(pool: Pool): Sql {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) names.set(text, (name = statementName(text)));
    return name;
  };
  return {
    query: <R extends object>(text: string, values?: unknown[]) => pool.query<R & QueryResultRow>({ name: nameOf(text), text, values }),
  };
}

/** A service's database: Prisma for the schema's types and the admin paths, and plain SQL over the same pool. */
export interface ServiceDb<P extends { $disconnect(): Promise<void> }> {
  prisma: P;
  /** The hot path's statements, prepared by name (`preparedStatements`). */
  sql: Sql;
  /** The one pool under both (for its counters and for tests). */
  pool: Pool;
  /** Closes Prisma, then ends the pool; once, however often it is called (SIGTERM and a test's close may both). */
  $disconnect(): Promise<void>;
}

/** `prisma` must have been built over `pool` (its adapter leaves an external pool open: ending it is ours). */
export function serviceDb<P extends { $disconnect(): Promise<void> }>(pool: Pool, prisma: P): ServiceDb<P> {
  let closing: Promise<void> | undefined;
  return {
    prisma,
    sql: preparedStatements(pool),
    pool,
    $disconnect: () => (closing ??= prisma.$disconnect().finally(() => pool.end())),
  };
}
