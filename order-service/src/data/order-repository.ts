import { randomUUID } from 'node:crypto';
import { decodeCursor, InvalidCursor, type Page, toPage } from 'service-platform';

/** What a cursor we issued holds: a time since 1970 (before year 10000) and an order id. */
const MAX_TIME = Date.UTC(10000, 0, 1);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
import type { Order as OrderRow, Prisma } from '../generated/prisma/client';
import type { OrderDb } from './order-db';

export type OrderStatus = 'pending' | 'confirmed' | 'rejected' | 'failed';

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents?: number;
  lineTotalCents?: number;
}

/** The problem a rejected or failed order was answered with, kept so a replay answers the same. */
export interface StoredProblem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  [extension: string]: unknown;
}

export interface OrderRecord {
  id: string;
  requestHash: string;
  accountId: string;
  status: OrderStatus;
  step: 'started' | 'committing' | 'done';
  lines: OrderLine[];
  totalCents: number | null;
  currency: string | null;
  problem: StoredProblem | null;
  compensationPending: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const toRecord = (row: OrderRow): OrderRecord => ({
  ...row,
  status: row.status as OrderStatus,
  step: row.step as OrderRecord['step'],
  lines: row.lines as unknown as OrderLine[],
  problem: row.problem as StoredProblem | null,
});

const cursorKey = (o: OrderRecord) => `${o.createdAt.toISOString()}|${o.id}`;

export function orderRepository(db: OrderDb) {
  const update = async (id: string, where: Prisma.OrderWhereInput, data: Prisma.OrderUpdateManyMutationInput) =>
    (await db.order.updateMany({ where: { id, ...where }, data: { ...data, updatedAt: new Date() } })).count === 1;

  return {
    /**
     * Claims the Idempotency-Key and records the order `pending` in one statement: of two
     * concurrent requests with one key, exactly one inserts. A key past its retention is freed first.
     */
    async claim(key: string, requestHash: string, accountId: string, lines: OrderLine[], keyTtlSeconds: number) {
      return db.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE orders SET idempotency_key = NULL WHERE idempotency_key = ${key} AND idempotency_expires_at < now()`;
        const inserted = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO orders (id, idempotency_key, idempotency_expires_at, request_hash, account_id, status, lines)
          VALUES (${randomUUID()}::uuid, ${key}, now() + make_interval(secs => ${keyTtlSeconds}::int), ${requestHash},
                  ${accountId}, 'pending', ${JSON.stringify(lines)}::jsonb)
          ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text`;
        const row = inserted.length === 1
          ? await tx.order.findUniqueOrThrow({ where: { id: inserted[0].id } })
          : await tx.order.findUniqueOrThrow({ where: { idempotencyKey: key } });
        return { claimed: inserted.length === 1, order: toRecord(row) };
      });
    },

    find: async (id: string) => {
      const row = await db.order.findUnique({ where: { id } });
      return row && toRecord(row);
    },

    async list(filter: { accountId?: string; status?: OrderStatus }, limit: number, cursor?: string): Promise<Page<OrderRecord>> {
      const after = decodeCursor(cursor);
      const [at, id] = after?.split('|') ?? [];
      if (after !== undefined && !(Date.parse(at) >= 0 && Date.parse(at) < MAX_TIME && UUID.test(id ?? ''))) throw new InvalidCursor();
      const before: Prisma.OrderWhereInput = after
        ? { OR: [{ createdAt: { lt: new Date(at) } }, { createdAt: new Date(at), id: { lt: id } }] }
        : {};
      const rows = await db.order.findMany({
        where: { ...filter, ...before },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      return toPage(rows.map(toRecord), limit, cursorKey);
    },

    markPriced: (id: string, lines: OrderLine[], totalCents: number, currency: string) =>
      update(id, { status: 'pending' }, { lines: lines as unknown as Prisma.InputJsonValue, totalCents, currency }),

    /** The point of no return, recorded before the first confirmation is sent. */
    markCommitting: (id: string) => update(id, { status: 'pending' }, { step: 'committing' }),

    /**
     * pending → final, once: null if the order was decided already (by a recovery worker) or, for
     * `beforeCommit`, if it has passed the point of no return. Returns the order as it now is.
     */
    async finish(id: string, status: Exclude<OrderStatus, 'pending'>, problem: StoredProblem | null, compensationPending: boolean, beforeCommit = false) {
      try {
        const row = await db.order.update({
          where: { id, status: 'pending', ...(beforeCommit ? { step: 'started' } : {}) },
          data: {
            status, step: 'done', compensationPending, leaseUntil: null, updatedAt: new Date(),
            problem: problem === null ? undefined : (problem as unknown as Prisma.InputJsonValue),
          },
        });
        return toRecord(row);
      } catch (err) {
        if ((err as { code?: string }).code === 'P2025') return null; // no pending order matched
        throw err;
      }
    },

    markCompensated: (id: string) => update(id, {}, { compensationPending: false, leaseUntil: null }),

    releaseLease: (id: string) => db.order.updateMany({ where: { id }, data: { leaseUntil: null } }),

    /**
     * Orders the recovery worker must drive: pending past the grace period (their request died)
     * or with releases still to send. SKIP LOCKED and a lease let several instances share the work.
     */
    async leaseForRecovery(graceSeconds: number, leaseSeconds: number, batch: number): Promise<OrderRecord[]> {
      const ids = await db.$queryRaw<Array<{ id: string }>>`
        UPDATE orders SET lease_until = now() + make_interval(secs => ${leaseSeconds}::int)
         WHERE id IN (
           SELECT id FROM orders
            WHERE ((status = 'pending' AND updated_at < now() - make_interval(secs => ${graceSeconds}::int))
                   OR compensation_pending)
              AND (lease_until IS NULL OR lease_until < now())
            ORDER BY updated_at LIMIT ${batch}::int FOR UPDATE SKIP LOCKED)
        RETURNING id::text`;
      if (ids.length === 0) return [];
      const rows = await db.order.findMany({ where: { id: { in: ids.map((r) => r.id) } } });
      return rows.map(toRecord);
    },

    purgeExpiredKeys: () =>
      db.$executeRaw`UPDATE orders SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL AND idempotency_expires_at < now()`,
  };
}

export type OrderRepository = ReturnType<typeof orderRepository>;
