import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type OrderDb = PrismaClient;

/**
 * Every wait on the database is bounded (`timeoutMs`): getting a connection from the pool, a
 * statement, a lock. The database enforces the statement and lock timeouts itself (a client-side
 * timeout would leave the statement running and holding its locks), so no request outlives its
 * budget by more than the answer reserve.
 */
export function createOrderDb(databaseUrl: string, poolSize = 10, timeoutMs?: number): OrderDb {
  const bounds = timeoutMs === undefined ? {} : { connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, lock_timeout: timeoutMs };
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize, ...bounds }),
    // As in Catalog and Account: no call site captured per query (an Error each) for a code frame nobody reads.
    errorFormat: 'minimal',
  });
}
