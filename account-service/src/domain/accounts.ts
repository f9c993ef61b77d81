import { checkCurrency, type Deadline, type DomainError, type Page } from 'service-platform';
import { CreditLimitBelowCommitments, CurrencyInUse, UnknownAccount } from './account-errors';
import type { AccountInput, AccountRecord, AccountStore } from './ports';

export interface Account extends AccountRecord {
  availableCreditCents: number;
}

/** What can still be held; never negative, even were a limit ever below its commitments. */
export const withAvailable = (a: AccountRecord): Account => ({
  ...a,
  availableCreditCents: Math.max(0, a.creditLimitCents - a.heldCents - a.usedCents),
});

/** Why a replacement was refused, read from the row as it stands. */
function refusePut(wanted: AccountInput, current: AccountRecord): DomainError {
  const committed = current.heldCents + current.usedCents;
  if (wanted.currency !== current.currency && committed > 0) {
    return new CurrencyInUse(current.currency, current.heldCents, current.usedCents);
  }
  return new CreditLimitBelowCommitments(wanted.creditLimitCents, current.heldCents, current.usedCents);
}

export function accountService(repo: AccountStore) {
  return {
    async get(id: string): Promise<Account> {
      const account = await repo.find(id);
      if (!account) throw new UnknownAccount(id);
      return withAvailable(account);
    },

    async list(limit: number, cursor?: string): Promise<Page<Account>> {
      const page = await repo.list(limit, cursor);
      return { ...page, items: page.items.map(withAvailable) };
    },

    /** Creates or replaces; held and used credit stay as they are. */
    async put(account: AccountInput, deadline?: Deadline): Promise<{ account: Account; created: boolean }> {
      checkCurrency(account.currency);
      const saved = await repo.upsert(account, deadline);
      if (!saved.ok) throw refusePut(account, saved.current);
      return { account: withAvailable(saved.account), created: saved.created };
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;
