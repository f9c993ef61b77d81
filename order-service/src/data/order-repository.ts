import { randomUUID } from 'node:crypto';
import { decodeCursor, InvalidCursor, type Page, toPage } from 'service-platform';
import { Prisma } from '../generated/prisma/client';
import type { KeyClaim, KeyTerms, MoveData, OrderLine, OrderRecord, OrderStore, Reason, Settlement, Writer } from '../domain/order';
import { type Move, type OrderState, statesOf, type PublicStatus } from '../domain/order-state';
import type { OrderDb } from './order-db';

/** What a cursor we issued holds: a time since 1970 (before year 10000) and an order id. */
const MAX_TIME = Date.UTC(10000, 0, 1);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const COLUMNS = Prisma.sql`id::text AS id, request_hash AS "requestHash", account_id AS "accountId", state, lines,
  total_cents AS "totalCents", currency, reason, releases_owed AS "releasesOwed", settlement, created_at AS "createdAt", updated_at AS "updatedAt"`;

type Row = Omit<OrderRecord, 'lines' | 'reason' | 'settlement'> & { lines: unknown; reason: unknown; settlement: unknown };
const toRecord = (row: Row): OrderRecord => ({
  ...row, lines: row.lines as OrderLine[], reason: row.reason as Reason | null, settlement: row.settlement as Settlement | null,
});

const guard = (writer: Writer) =>
  writer.kind === 'lease' ? Prisma.sql`AND lease_owner = ${writer.owner}::uuid AND lease_until > now()` : Prisma.empty;

/** A key may be freed only once its order is final and owes nothing (needs_attention is not final). */
const KEY_FREEABLE = Prisma.sql`state IN ('confirmed', 'rejected', 'failed') AND NOT releases_owed`;

const cursorKey = (o: OrderRecord) => `${o.createdAt.toISOString()}|${o.id}`;

/**
 * The orders table, through the pool (`db.sql`, not Prisma's runtime: docs/architecture.md, "Database
 * access"); `Prisma.sql` only builds each statement, its values bound as $1, $2, ….
 */
export function orderRepository(db: OrderDb) {
  const rows = async <R extends object>(query: Prisma.Sql) => (await db.sql.query<R>(query.text, query.values)).rows;
  const changed = async (query: Prisma.Sql) => (await db.sql.query(query.text, query.values)).rowCount ?? 0;
  const one = async (query: Prisma.Sql) => {
    const found = await rows<Row>(query);
    return found.length === 1 ? toRecord(found[0]) : null;
  };

  const byKey = async (accountId: string, key: string, budgetMs: number) => {
    const found = await rows<Row & { open: boolean }>(Prisma.sql`
      SELECT ${COLUMNS}, request_open AND created_at + make_interval(secs => ${budgetMs / 1000}::float8) > now() AS open
        FROM orders WHERE account_id = ${accountId} AND idempotency_key = ${key}`);
    if (found.length === 0) return null;
    return { claimed: false as const, order: toRecord(found[0]), firstRequestOpen: found[0].open };
  };

  return {
    /**
     * Claims the Idempotency-Key and records the order `pending` in one INSERT: of two concurrent
     * requests with one key, exactly one inserts. Recovery may look at it after `graceSeconds`
     * (database clock). `firstRequestOpen`: the first request may still be running (it is within
     * its budget), so a replay must not answer for it yet.
     */
    async claim(key: string, requestHash: string, accountId: string, lines: OrderLine[], ttl: KeyTerms): Promise<KeyClaim | null> {
      const insert = () => one(Prisma.sql`
        INSERT INTO orders (id, idempotency_key, idempotency_expires_at, request_hash, account_id, state, lines, next_attempt_at)
        VALUES (${randomUUID()}::uuid, ${key}, now() + make_interval(secs => ${ttl.keySeconds}::int), ${requestHash}, ${accountId},
                'pending', ${JSON.stringify(lines)}::jsonb, now() + make_interval(secs => ${ttl.graceSeconds}::int))
        ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`);
      const inserted = await insert();
      if (inserted) return { claimed: true as const, order: inserted, firstRequestOpen: true };
      // A key past its retention whose order is over is free: clear it, then claim again (rare, so
      // not on the common path). An order still running or owing releases keeps its key, whatever
      // the TTL: a second order under one key could charge twice.
      const freed = await changed(Prisma.sql`
        UPDATE orders SET idempotency_key = NULL
         WHERE account_id = ${accountId} AND idempotency_key = ${key} AND idempotency_expires_at < now() AND ${KEY_FREEABLE}`);
      const retried = freed > 0 ? await insert() : null;
      if (retried) return { claimed: true as const, order: retried, firstRequestOpen: true };
      // Freed between our INSERT and this read (its order failed): null, and the caller tries again.
      return byKey(accountId, key, ttl.budgetMs);
    },

    /** The account's order holding this Idempotency-Key, if any, as `claim` answers a key already taken. */
    findByKey: (accountId: string, key: string, budgetMs: number) => byKey(accountId, key, budgetMs),

    find: (id: string) => one(Prisma.sql`SELECT ${COLUMNS} FROM orders WHERE id = ${id}::uuid`),

    async list(filter: { accountId?: string; status?: PublicStatus }, limit: number, cursor?: string): Promise<Page<OrderRecord>> {
      const after = decodeCursor(cursor);
      const [at, id] = after?.split('|') ?? [];
      if (after !== undefined && !(Date.parse(at) >= 0 && Date.parse(at) < MAX_TIME && UUID.test(id ?? ''))) throw new InvalidCursor();
      const where = [
        filter.accountId !== undefined ? Prisma.sql`account_id = ${filter.accountId}` : null,
        filter.status !== undefined ? Prisma.sql`state IN (${Prisma.join(statesOf(filter.status))})` : null,
        after ? Prisma.sql`(created_at, id) < (${new Date(at)}::timestamptz, ${id}::uuid)` : null,
      ].filter((w) => w !== null);
      const found = await rows<Row>(Prisma.sql`
        SELECT ${COLUMNS} FROM orders ${where.length ? Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}` : Prisma.empty}
         ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}::int`);
      return toPage(found.map(toRecord), limit, cursorKey);
    },

    /**
     * The one way an order's state changes: a compare-and-set on `from`, along a move of the
     * order's life only (`Move<F>`: the compiler refuses any other). Returns the order as written,
     * or null when it lost (another actor moved the order, or the writer's lease is gone).
     *
     * An order that ends `rejected` or `failed` owes a release to every dependency, whoever moved
     * it: any actor may have sent a commitment for its id (a request that died, a replica, a worker
     * past its lease), and a release of an id never used is safe (it leaves a tombstone that refuses
     * a late commitment). So `releases_owed` is set here, by the move itself, not by the caller; it
     * settles only when every release is acknowledged (`settleReleases`), and only then is a failed
     * order's key given back.
     */
    move<F extends OrderState>(id: string, from: F, to: Move<F>, data: MoveData, writer: Writer): Promise<OrderRecord | null> {
      const { priced, reason } = data;
      const owesReleases = to === 'rejected' || to === 'failed';
      return one(Prisma.sql`
        UPDATE orders SET state = ${to},
               lines = COALESCE(${priced ? JSON.stringify(priced.lines) : null}::jsonb, lines),
               total_cents = COALESCE(${priced?.totalCents ?? null}::int, total_cents),
               currency = COALESCE(${priced?.currency ?? null}::char(3), currency),
               reason = COALESCE(${reason ? JSON.stringify(reason) : null}::jsonb, reason),
               settlement = COALESCE(${data.settlement ? JSON.stringify(data.settlement) : null}::jsonb, settlement),
               releases_owed = ${owesReleases}::boolean,
               next_attempt_at = now() + make_interval(secs => ${data.nextAttemptInSeconds ?? 0}::int),
               updated_at = now()
         WHERE id = ${id}::uuid AND state = ${from} ${guard(writer)}
        RETURNING ${COLUMNS}`);
    },

    /**
     * The request ended with the order undecided or owing releases: recovery may take it now
     * (no grace for a request that has answered), and duplicates no longer wait for it.
     */
    handOver: async (id: string) =>
      void await changed(Prisma.sql`
        UPDATE orders SET request_open = false, next_attempt_at = LEAST(next_attempt_at, now())
         WHERE id = ${id}::uuid AND request_open AND (state IN ('pending', 'committing') OR releases_owed)`),

    /** The releases of a rejected or failed order were acknowledged; a failed order frees its key. */
    settleReleases: (id: string, state: 'rejected' | 'failed', writer: Writer) =>
      one(Prisma.sql`
        UPDATE orders SET releases_owed = false, updated_at = now(),
               idempotency_key = CASE WHEN state = 'failed' THEN NULL ELSE idempotency_key END
         WHERE id = ${id}::uuid AND state = ${state} AND releases_owed ${guard(writer)}
        RETURNING ${COLUMNS}`),

    /**
     * Leases the next due order (database clock) to `owner` for `leaseSeconds`: unfinished past its
     * grace period, or owing releases. SKIP LOCKED and the owner token let several workers share
     * the work; a lease is never taken from a live owner, only from one whose lease lapsed.
     * needs_attention orders are never due. Null: nothing is due.
     */
    leaseNext: (owner: string, leaseSeconds: number) =>
      one(Prisma.sql`
        UPDATE orders SET lease_owner = ${owner}::uuid, lease_until = now() + make_interval(secs => ${leaseSeconds}::float8)
         WHERE id IN (
           SELECT id FROM orders
            WHERE (state IN ('pending', 'committing') OR releases_owed) AND next_attempt_at <= now()
              AND (lease_until IS NULL OR lease_until < now())
            ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`),

    /**
     * The owner is still working on the order: its lease lives `leaseSeconds` more. Only a live
     * lease is renewed (a lapsed one may be being taken over). False: the lease is gone.
     */
    renewLease: async (id: string, owner: string, leaseSeconds: number) =>
      1 === await changed(Prisma.sql`
        UPDATE orders SET lease_until = now() + make_interval(secs => ${leaseSeconds}::float8)
         WHERE id = ${id}::uuid AND lease_owner = ${owner}::uuid AND lease_until > now()`),

    /** Recovery could not finish the order now: try again after a backoff (capped), and give the lease back. False: not ours any more. */
    defer: async (id: string, owner: string, backoff: { baseSeconds: number; maxSeconds: number }) =>
      1 === await changed(Prisma.sql`
        UPDATE orders SET attempts = attempts + 1, lease_owner = NULL, lease_until = NULL,
               next_attempt_at = now() + make_interval(secs => LEAST(${backoff.maxSeconds}::float8, ${backoff.baseSeconds}::float8 * power(2, LEAST(attempts, 30))))
         WHERE id = ${id}::uuid AND lease_owner = ${owner}::uuid`),

    /** Only the owner gives a lease back. False: the lease was not ours any more. */
    releaseLease: async (id: string, owner: string) =>
      1 === await changed(Prisma.sql`UPDATE orders SET lease_owner = NULL, lease_until = NULL WHERE id = ${id}::uuid AND lease_owner = ${owner}::uuid`),

    countNeedingAttention: async () =>
      // count(*) is a bigint: pg hands it over as a string.
      Number((await rows<{ n: string }>(Prisma.sql`SELECT count(*) AS n FROM orders WHERE state = 'needs_attention'`))[0].n),

    purgeExpiredKeys: () =>
      changed(Prisma.sql`UPDATE orders SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL AND idempotency_expires_at < now() AND ${KEY_FREEABLE}`),
  } satisfies OrderStore & Record<string, unknown>;
}

export type OrderRepository = ReturnType<typeof orderRepository>;
