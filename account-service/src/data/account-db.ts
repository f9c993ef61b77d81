import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type AccountDb = PrismaClient;

export function createAccountDb(databaseUrl: string, poolSize = 10): AccountDb {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
}

/** Interactive transactions may wait for row locks under contention: give them room. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;
