import { Pool } from 'pg';

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

/** A service's database: Prisma for the schema's types and the admin paths, and plain SQL over the same pool. */
export interface ServiceDb<P extends { $disconnect(): Promise<void> }> {
  prisma: P;
  sql: Sql;
  /** Closes Prisma, then ends the pool; once, however often it is called (SIGTERM and a test's close may both). */
  $disconnect(): Promise<void>;
}

/** `prisma` must have been built over `pool` (its adapter leaves an external pool open: ending it is ours). */
export function serviceDb<P extends { $disconnect(): Promise<void> }>(pool: Pool, prisma: P): ServiceDb<P> {
  let closing: Promise<void> | undefined;
  return {
    prisma,
    sql: pool,
    $disconnect: () => (closing ??= prisma.$disconnect().finally(() => pool.end())),
  };
}
