import { commitmentKit, effectiveStatus, type SqlRunner, type Taken } from 'service-platform';
import type { Prisma } from '../generated/prisma/client';
import type { AccountDb } from './account-db';
import type { AccountRecord } from './account-repository';

export type HoldStatus = 'held' | 'captured' | 'released' | 'expired';

export interface HoldRequest {
  accountId: string;
  amountCents: number;
  currency: string;
}

/** A stored hold; `requestHash` null marks a tombstone: an id released before it was held. */
export interface HoldRecord {
  id: string;
  accountId: string | null;
  amountCents: number | null;
  currency: string | null;
  status: HoldStatus;
  requestHash: string | null;
  expiresAt: Date;
}

/** Why the account would not take the hold, read from the account as it stands (null: no such account). */
export interface HoldRefusal {
  account: AccountRecord | null;
}

type Tx = Prisma.TransactionClient;

async function readHold(db: SqlRunner, id: string): Promise<HoldRecord | null> {
  const rows = await db.$queryRawUnsafe<HoldRecord[]>(
    `SELECT id, ${effectiveStatus()} AS status, account_id AS "accountId", amount_cents AS "amountCents", currency,
            request_hash AS "requestHash", expires_at AS "expiresAt"
       FROM holds WHERE id = $1`, id);
  return rows[0] ?? null;
}

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

/** Takes the credit with one conditional UPDATE (one account row: no lock order to keep); else why not. */
function takeCredit(id: string, request: HoldRequest) {
  return async (tx: Tx): Promise<Taken<HoldRefusal>> => {
    const taken = await tx.$executeRaw`
      UPDATE accounts SET held_cents = held_cents + ${request.amountCents}, updated_at = now()
       WHERE id = ${request.accountId} AND currency = ${request.currency}
         AND credit_limit_cents - held_cents - used_cents >= ${request.amountCents}`;
    if (taken === 0) {
      const account = await tx.account.findUnique({ where: { id: request.accountId } });
      return { ok: false, refusal: { account } };
    }
    // The account is attached only once its credit is taken: an unknown account is a refusal, not a foreign-key error.
    await tx.$executeRaw`UPDATE holds SET account_id = ${request.accountId} WHERE id = ${id}`;
    return { ok: true };
  };
}

/** Moves a captured hold's amount from held to used credit. */
async function useCredit(tx: Tx, id: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE accounts a SET held_cents = a.held_cents - h.amount_cents, used_cents = a.used_cents + h.amount_cents,
           updated_at = now()
      FROM holds h WHERE h.id = ${id} AND a.id = h.account_id`;
}

export function holdRepository(db: AccountDb) {
  const kit = commitmentKit<Tx, HoldRecord>(db, { table: 'holds', settled: 'captured', giveBack: returnCredit }, readHold);
  return {
    find: (id: string) => readHold(db, id),

    /** Claims the id and takes the credit, in one transaction (see the kit); a refusal rolls the claim back. */
    create: (id: string, requestHash: string, ttlSeconds: number, request: HoldRequest) =>
      kit.claim(id, requestHash, ttlSeconds, takeCredit(id, request), { amount_cents: request.amountCents, currency: request.currency }),

    /** held (and not past expiry) → captured, its amount moved from held to used credit. */
    capture: (id: string): Promise<boolean> => kit.settle(id, useCredit),

    /** held → released with its credit back; an unknown id is closed. The status it had, or null. */
    release: (id: string) => kit.release(id) as Promise<HoldStatus | null>,

    expireDue: (batchSize?: number): Promise<number> => kit.expireDue(batchSize),
  };
}

export type HoldRepository = ReturnType<typeof holdRepository>;
