import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type AccountDb = PrismaClient;

export function createAccountDb(databaseUrl: string, poolSize = 10): AccountDb {
  return new PrismaClient({
    // A connection that cannot be had in 2 s (a database that accepts but does not answer, a pool
    // exhausted for that long) fails the request as database_unavailable instead of hanging it.
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 2_000 }),
    // Not 'pretty': rendering a code frame reads source files on every error, costing budget on the error path.
    errorFormat: 'minimal',
  });
}
