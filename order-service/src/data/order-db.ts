import { PrismaPg } from '@prisma/adapter-pg';
import { createSqlPool, type ServiceDb, serviceDb } from 'service-platform';
import { PrismaClient } from '../generated/prisma/client';

/** Prisma (the schema's types, the admin paths) and plain SQL for the order's own statements, over one pool. */
export type OrderDb = ServiceDb<PrismaClient>;

/**
 * Every wait on the database is bounded (`timeoutMs`): getting a connection from the pool, a
 * statement, a lock. The database enforces the statement and lock timeouts itself (a client-side
 * timeout would leave the statement running and holding its locks), so no request outlives its
 * budget by more than the answer reserve.
 */
export function createOrderDb(databaseUrl: string, poolSize = 10, timeoutMs?: number): OrderDb {
  const bounds = timeoutMs === undefined ? {} : { connectionTimeoutMillis: timeoutMs, statementTimeoutMs: timeoutMs, lockTimeoutMs: timeoutMs };
  const pool = createSqlPool(databaseUrl, { max: poolSize, ...bounds });
  // As in Catalog and Account: no call site captured per query (an Error each) for a code frame nobody reads.
  return serviceDb(pool, new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: 'minimal' }));
}
