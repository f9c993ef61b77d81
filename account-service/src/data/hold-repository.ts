import type { Prisma } from '../generated/prisma/client';
import { type AccountDb, TX_OPTIONS } from './account-db';
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

/** Decides why the account refused the hold (null: no such account), under the claim; throws. */
export type RefuseHold = (account: AccountRecord | null) => never;

type Tx = Prisma.TransactionClient;

// A held hold past its expiry reads as expired even before the sweeper has returned its credit.
const READ_HOLD = `
  SELECT id, CASE WHEN status = 'held' AND expires_at <= now() THEN 'expired' ELSE status END AS status,
         account_id AS "accountId", amount_cents AS "amountCents", currency, request_hash AS "requestHash",
         expires_at AS "expiresAt"
    FROM holds WHERE id = $1`;

async function readHold(db: AccountDb | Tx, id: string): Promise<HoldRecord | null> {
  const rows = await db.$queryRawUnsafe<HoldRecord[]>(READ_HOLD, id);
  return rows[0] ?? null;
}

/**
 * Gives the amounts of a set of holds back to their accounts. The accounts are locked in id order
 * first: a sweep touches several, and two sweeps locking them in different orders could deadlock.
 */
async function returnCredit(tx: Tx, holdIds: string[]): Promise<void> {
  if (holdIds.length === 0) return;
  await tx.$queryRaw`
    SELECT id FROM accounts WHERE id IN (SELECT account_id FROM holds WHERE id = ANY(${holdIds}::varchar[]))
     ORDER BY id FOR UPDATE`;
  await tx.$executeRaw`
    UPDATE accounts a SET held_cents = a.held_cents - back.amount, updated_at = now()
      FROM (SELECT account_id, SUM(amount_cents)::int AS amount FROM holds
             WHERE id = ANY(${holdIds}::varchar[]) GROUP BY account_id) back
     WHERE a.id = back.account_id`;
}

/** held → released with its credit back; false when it was not held. */
async function releaseHeld(tx: Tx, id: string): Promise<boolean> {
  const released = await tx.$queryRaw<Array<{ id: string }>>`
    UPDATE holds SET status = 'released', updated_at = now() WHERE id = ${id} AND status = 'held' RETURNING id`;
  await returnCredit(tx, released.map((h) => h.id));
  return released.length === 1;
}

export function holdRepository(db: AccountDb) {
  return {
    find: (id: string) => readHold(db, id),

    /**
     * Claims the id, then takes the credit with one conditional UPDATE, in one transaction. When the
     * account refuses, `refuse` throws and the claim rolls back with it. Returns null when the id was
     * already claimed (the caller then reads what is there).
     */
    async create(id: string, requestHash: string, ttlSeconds: number, request: HoldRequest, refuse: RefuseHold) {
      return db.$transaction(async (tx) => {
        // The account is attached only once its credit is taken (below): an unknown account is then
        // explained by `refuse` rather than failing on the foreign key.
        const claimed = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO holds (id, status, request_hash, amount_cents, currency, expires_at)
          VALUES (${id}, 'held', ${requestHash}, ${request.amountCents}, ${request.currency},
                  now() + make_interval(secs => ${ttlSeconds}::int))
          ON CONFLICT (id) DO NOTHING RETURNING id`;
        if (claimed.length === 0) return null;
        const taken = await tx.$executeRaw`
          UPDATE accounts SET held_cents = held_cents + ${request.amountCents}, updated_at = now()
           WHERE id = ${request.accountId} AND currency = ${request.currency}
             AND credit_limit_cents - held_cents - used_cents >= ${request.amountCents}`;
        if (taken === 0) refuse(await tx.account.findUnique({ where: { id: request.accountId } }));
        await tx.$executeRaw`UPDATE holds SET account_id = ${request.accountId} WHERE id = ${id}`;
        return readHold(tx, id);
      }, TX_OPTIONS);
    },

    /** held (and not past expiry) → captured, its amount moved from held to used credit. */
    async capture(id: string): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const captured = await tx.$queryRaw<Array<{ accountId: string; amountCents: number }>>`
          UPDATE holds SET status = 'captured', updated_at = now()
           WHERE id = ${id} AND status = 'held' AND expires_at > now()
          RETURNING account_id AS "accountId", amount_cents AS "amountCents"`;
        if (captured.length === 0) return false;
        const { accountId, amountCents } = captured[0];
        await tx.$executeRaw`
          UPDATE accounts SET held_cents = held_cents - ${amountCents}, used_cents = used_cents + ${amountCents},
                 updated_at = now()
           WHERE id = ${accountId}`;
        return true;
      }, TX_OPTIONS);
    },

    /**
     * held → released with its credit back. An unknown id is recorded as released (a tombstone), so
     * a hold that arrives after its own compensation holds nothing. Returns the status the hold had,
     * or null for an unknown id.
     */
    async release(id: string): Promise<HoldStatus | null> {
      return db.$transaction(async (tx) => {
        if (await releaseHeld(tx, id)) return 'held';
        const existing = await tx.$queryRaw<Array<{ status: HoldStatus }>>`SELECT status FROM holds WHERE id = ${id}`;
        if (existing.length === 1) return existing[0].status;
        const tombstone = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO holds (id, status, expires_at) VALUES (${id}, 'released', now())
          ON CONFLICT (id) DO NOTHING RETURNING id`;
        if (tombstone.length === 1) return null;
        // A hold with this id committed while we waited on its claim: release that one instead.
        if (await releaseHeld(tx, id)) return 'held';
        return (await tx.$queryRaw<Array<{ status: HoldStatus }>>`SELECT status FROM holds WHERE id = ${id}`)[0].status;
      }, TX_OPTIONS);
    },

    /**
     * Expires held holds past their time and returns their credit. SKIP LOCKED lets several Account
     * instances sweep side by side without waiting on, or double-counting, each other.
     */
    async expireDue(batchSize = 500): Promise<number> {
      return db.$transaction(async (tx) => {
        const expired = await tx.$queryRaw<Array<{ id: string }>>`
          UPDATE holds SET status = 'expired', updated_at = now()
           WHERE id IN (SELECT id FROM holds WHERE status = 'held' AND expires_at <= now()
                         ORDER BY expires_at LIMIT ${batchSize}::int FOR UPDATE SKIP LOCKED)
          RETURNING id`;
        await returnCredit(tx, expired.map((h) => h.id));
        return expired.length;
      }, TX_OPTIONS);
    },
  };
}

export type HoldRepository = ReturnType<typeof holdRepository>;
