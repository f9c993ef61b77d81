import type { Logger } from 'service-platform';
import type { AccountDb } from './data/account-db';
import { accountRepository } from './data/account-repository';

/** Demo accounts, the ones the README and Swagger UI examples use. Written only into an empty table. */
export const DEMO_ACCOUNTS = [
  { id: 'acc-alice', name: 'Alice Andersen', currency: 'EUR', creditLimitCents: 100_000 },
  { id: 'acc-bob', name: 'Bob Brennan', currency: 'EUR', creditLimitCents: 20_000 },
  { id: 'acc-carol', name: 'Carol Castillo', currency: 'EUR', creditLimitCents: 5_000 },
];

export async function seedAccounts(db: AccountDb, logger: Logger): Promise<void> {
  const accounts = accountRepository(db);
  if ((await accounts.count()) > 0) return;
  for (const account of DEMO_ACCOUNTS) await accounts.upsert(account);
  logger.info({ accounts: DEMO_ACCOUNTS.length }, 'demo accounts seeded');
}
