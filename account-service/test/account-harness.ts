import path from 'node:path';
import { loadConfig } from 'service-platform';
import { type StartOptions, startService } from '../../test-support/service-under-test';
import { uniqueId } from '../../test-support/unique-id';
import { buildAccountApp } from '../src/app';
import { accountConfigSchema } from '../src/config/account-config';
import { createAccountDb } from '../src/data/account-db';

export const MIGRATIONS = path.resolve(__dirname, '../prisma/migrations');

export interface AccountBody {
  name: string;
  currency: string;
  creditLimitCents: number;
}

/** The real Account service over real HTTP on an ephemeral port, on its own fresh database. */
export async function startAccount(env: Record<string, string> = {}, opts: StartOptions = {}) {
  const account = await startService({
    name: 'account',
    migrations: MIGRATIONS,
    config: (vars) => loadConfig(accountConfigSchema, vars),
    createDb: (url) => createAccountDb(url, 20),
    buildApp: buildAccountApp,
  }, env, opts);
  const { call } = account;
  return {
    ...account,
    putAccount: (id: string, body: Partial<AccountBody> = {}) =>
      call('PUT', `/accounts/${id}`, { name: `Account ${id}`, currency: 'EUR', creditLimitCents: 10_000, ...body }),
    accountOf: async (id: string) => (await call('GET', `/accounts/${id}`)).body,
    hold: (id: string, accountId: string, amountCents: number, extra: Record<string, unknown> = {}) =>
      call('PUT', `/holds/${id}`, { accountId, amountCents, currency: 'EUR', ...extra }),
    capture: (id: string) => call('POST', `/holds/${id}/capture`),
    release: (id: string) => call('POST', `/holds/${id}/release`),
  };
}

export type AccountUnderTest = Awaited<ReturnType<typeof startAccount>>;

/** An id no other test uses. */
export const newId = (prefix = 'acc') => uniqueId(prefix);
