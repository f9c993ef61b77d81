import { type Deadline, decodeCursor, inTransaction, type Page, toPage } from 'service-platform';
import type { AccountInput, AccountRecord, AccountStore, PutOutcome } from '../domain/ports';
import type { AccountDb } from './account-db';

const select = { id: true, name: true, currency: true, creditLimitCents: true, heldCents: true, usedCents: true } as const;

export function accountRepository(db: AccountDb) {
  return {
    find: (id: string): Promise<AccountRecord | null> => db.prisma.account.findUnique({ where: { id }, select }),

    async list(limit: number, cursor?: string): Promise<Page<AccountRecord>> {
      const after = decodeCursor(cursor);
      const rows = await db.prisma.account.findMany({
        select,
        where: after === undefined ? {} : { id: { gt: after } },
        orderBy: { id: 'asc' },
        take: limit + 1,
      });
      return toPage(rows, limit, (a) => a.id);
    },

    /**
     * Creates or replaces in one conditional statement: an existing account is replaced only when
     * the new limit still covers what is held and used, and its currency changes only while nothing
     * is. Otherwise the row as it stands is returned; ON CONFLICT has locked it, so it reads what refused.
     */
    async upsert(account: AccountInput, deadline?: Deadline): Promise<PutOutcome> {
      return inTransaction(db.prisma, async (tx): Promise<PutOutcome> => {
        const rows = await tx.$queryRaw<Array<AccountRecord & { created: boolean }>>`
          INSERT INTO accounts AS a (id, name, currency, credit_limit_cents, updated_at)
          VALUES (${account.id}, ${account.name}, ${account.currency}, ${account.creditLimitCents}, now())
          ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, currency = EXCLUDED.currency,
            credit_limit_cents = EXCLUDED.credit_limit_cents, updated_at = now()
           WHERE a.held_cents + a.used_cents <= EXCLUDED.credit_limit_cents
             AND (a.currency = EXCLUDED.currency OR a.held_cents + a.used_cents = 0)
          RETURNING id, name, currency, credit_limit_cents AS "creditLimitCents", held_cents AS "heldCents",
                    used_cents AS "usedCents", (xmax = 0) AS created`;
        if (rows.length === 0) return { ok: false, current: await tx.account.findUniqueOrThrow({ where: { id: account.id }, select }) };
        const { created, ...saved } = rows[0];
        return { ok: true, account: saved, created };
      }, { deadline });
    },

    count: (): Promise<number> => db.prisma.account.count(),
  } satisfies AccountStore & Record<string, unknown>;
}

export type AccountRepository = ReturnType<typeof accountRepository>;
