import { callJsonFunction, type ClaimOutcome, commitmentKit, inOneStatement, replayOf } from 'service-platform';
import type { Prisma } from '../generated/prisma/client';
import type { AccountRecord, HoldRecord, HoldRefusal, HoldRequest, HoldStatus, HoldStore } from '../domain/ports';
import type { AccountDb } from './account-db';

type Tx = Prisma.TransactionClient;

/**
 * Gives the amounts of a set of holds back to their accounts. The accounts are locked in id order
 * first: a sweep touches several, and two sweeps locking them in different orders could deadlock.
 */
async function returnCredit(tx: Tx, holdIds: string[]): Promise<void> {
  await tx.$queryRaw`
    SELECT id FROM accounts WHERE id IN (SELECT account_id FROM holds WHERE id = ANY(${holdIds}::varchar[]))
     ORDER BY id FOR UPDATE`;
  await tx.$executeRaw`
    UPDATE accounts a SET held_cents = a.held_cents - back.amount, updated_at = now()
      FROM (SELECT account_id, SUM(amount_cents)::int AS amount FROM holds
             WHERE id = ANY(${holdIds}::varchar[]) GROUP BY account_id) back
     WHERE a.id = back.account_id`;
}

/** A hold as `hold_json` (the migration's SQL) writes it. */
type HoldJson = Omit<HoldRecord, 'expiresAt'> & { expiresAt: string };
const fromJson = (h: HoldJson): HoldRecord => ({ ...h, expiresAt: new Date(h.expiresAt) });

/** What `place_hold` answers (see its migration). */
type HoldAnswer = { outcome: 'created' | 'existing'; record: HoldJson } | { outcome: 'refused'; account: AccountRecord | null };

export function holdRepository(db: AccountDb) {
  const kit = commitmentKit<Tx>(db, { table: 'holds', giveBack: returnCredit });
  return {
    /** The hold as `hold_json` (its migration) answers it, the same as place and capture do. */
    find: async (id: string): Promise<HoldRecord | null> => {
      const record = await callJsonFunction<HoldJson | null>(db, 'SELECT hold_json($1)', id);
      return record && fromJson(record);
    },

    /**
     * Claims the id and takes the credit in one call of `place_hold` (its migration): one round trip,
     * one commit. A refusal changes nothing and carries the account as it stood under its lock.
     */
    async create(id: string, requestHash: string, ttlSeconds: number, request: HoldRequest): Promise<ClaimOutcome<HoldRecord, HoldRefusal>> {
      const answer = await inOneStatement((lockMs) => callJsonFunction<HoldAnswer>(db,
        'SELECT place_hold($1, $2, $3::int, $4, $5::int, $6, $7::int) ',
        id, requestHash, ttlSeconds, request.accountId, request.amountCents, request.currency, lockMs));
      switch (answer.outcome) {
        case 'created': return { kind: 'created', record: fromJson(answer.record) };
        case 'existing': return replayOf(fromJson(answer.record), requestHash);
        case 'refused': return { kind: 'refused', refusal: { account: answer.account } };
      }
    },

    /**
     * held → captured (its amount moved from held to used credit), or expired by time → captured
     * with the credit taken again by one conditional UPDATE within the limit, in one call. Whether
     * this call captured it, the hold as it now stands (null: unknown id), and for a lapsed one
     * whose credit is gone meanwhile, the credit available (nothing changed).
     */
    capture: async (id: string): Promise<{ captured: boolean; record: HoldRecord | null; availableCreditCents?: number }> => {
      const answer = await inOneStatement((lockMs) => callJsonFunction<{ captured: boolean; record: HoldJson | null; availableCreditCents?: number }>(db,
        'SELECT capture_hold($1, $2::int) ', id, lockMs));
      return { captured: answer.captured, record: answer.record && fromJson(answer.record), availableCreditCents: answer.availableCreditCents };
    },

    /** held → released with its credit back, expired → released; an unknown id is closed. The status it had, or null. */
    release: (id: string) => kit.release(id) as Promise<HoldStatus | null>,

    expireDue: (batchSize?: number): Promise<number> => kit.expireDue(batchSize),
  } satisfies HoldStore & Record<string, unknown>;
}

export type HoldRepository = ReturnType<typeof holdRepository>;
