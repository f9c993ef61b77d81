import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type AccountDb = PrismaClient;

export function createAccountDb(databaseUrl: string, poolSize = 10): AccountDb {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }),
    // Not 'pretty': rendering a code frame reads source files on every error, costing budget on the error path.
    errorFormat: 'minimal',
  });
}
