import path from 'node:path';
import { createLogger, loadConfig } from 'service-platform';
import { createTestDatabase } from '../../test-support/test-database';
import { listen, request } from '../../test-support/http';
import { buildAccountApp } from '../src/app';
import { type AccountConfig, accountConfigSchema } from '../src/config/account-config';
import { createAccountDb } from '../src/data/account-db';

export const MIGRATIONS = path.resolve(__dirname, '../prisma/migrations');

export interface AccountBody {
  name: string;
  currency: string;
  creditLimitCents: number;
}

/** The real Account service over real HTTP on an ephemeral port, on its own fresh database. */
export async function startAccount(env: Record<string, string> = {}) {
  const databaseUrl = await createTestDatabase('account', MIGRATIONS);
  const config: AccountConfig = loadConfig(accountConfigSchema, { NODE_ENV: 'test', ...env });
  const db = createAccountDb(databaseUrl, 20);
  const app = buildAccountApp({ config, db, logger: createLogger('account-test', process.env.TEST_LOG_LEVEL ?? 'silent'), validateResponses: true });
  const server = await listen(app.app);
  const call = (method: string, p: string, body?: unknown, headers?: Record<string, string>) =>
    request(server.baseUrl, method, p, { body, headers });
  return {
    ...server,
    db,
    databaseUrl,
    app,
    call,
    putAccount: (id: string, account: Partial<AccountBody> = {}) =>
      call('PUT', `/accounts/${id}`, { name: `Account ${id}`, currency: 'EUR', creditLimitCents: 10_000, ...account }),
    accountOf: async (id: string) => (await call('GET', `/accounts/${id}`)).body,
    hold: (id: string, accountId: string, amountCents: number, extra: Record<string, unknown> = {}) =>
      call('PUT', `/holds/${id}`, { accountId, amountCents, currency: 'EUR', ...extra }),
    capture: (id: string) => call('POST', `/holds/${id}/capture`),
    release: (id: string) => call('POST', `/holds/${id}/release`),
    async close() {
      await server.close();
      await db.$disconnect();
    },
  };
}

export type AccountUnderTest = Awaited<ReturnType<typeof startAccount>>;

let counter = 0;
/** An id no other test uses. */
export const newId = (prefix = 'acc') => `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
