import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type CatalogDb = PrismaClient;

export function createCatalogDb(databaseUrl: string, poolSize = 10): CatalogDb {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }),
    // Not 'pretty': rendering a code frame reads source files on every error, costing budget on the error path.
    errorFormat: 'minimal',
  });
}
