import { PrismaPg } from '@prisma/adapter-pg';
import { createSqlPool, type ServiceDb, serviceDb } from 'service-platform';
import { PrismaClient } from '../generated/prisma/client';

/** Prisma (the schema's types, accounts) and plain SQL for the hold functions, over one pool. */
export type AccountDb = ServiceDb<PrismaClient>;

export function createAccountDb(databaseUrl: string, poolSize = 10): AccountDb {
  // A connection that cannot be had in 2 s (a database that accepts but does not answer, a pool
  // exhausted for that long) fails the request as database_unavailable instead of hanging it.
  const pool = createSqlPool(databaseUrl, { max: poolSize, connectionTimeoutMillis: 2_000 });
  // Not 'pretty': rendering a code frame reads source files on every error, costing budget on the error path.
  return serviceDb(pool, new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: 'minimal' }));
}
