import type { Prisma } from '../generated/prisma/client';
import { type CatalogDb, TX_OPTIONS } from './catalog-db';

export type ReservationStatus = 'held' | 'confirmed' | 'released' | 'expired';

export interface ReservationLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Reservation {
  id: string;
  status: ReservationStatus;
  lines: ReservationLine[];
  totalCents: number;
  currency: string;
  expiresAt: Date;
}

/** A stored reservation row; `requestHash` null marks an id that was released before it was made. */
export interface ReservationRecord extends Omit<Reservation, 'totalCents' | 'currency'> {
  requestHash: string | null;
  totalCents: number | null;
  currency: string | null;
}

export interface LockedItem {
  sku: string;
  stock: number;
  priceCents: number;
  currency: string;
}

/** Whatever the reservation needs checked while the item rows are locked; throws to roll back. */
export type PriceLines = (locked: LockedItem[]) => { lines: ReservationLine[]; totalCents: number; currency: string };

type Tx = Prisma.TransactionClient;

// A held reservation past its expiry reads as expired even before the sweeper has returned its stock.
const EFFECTIVE_STATUS = `CASE WHEN r.status = 'held' AND r.expires_at <= now() THEN 'expired' ELSE r.status END`;

async function readRecord(db: CatalogDb | Tx, id: string): Promise<ReservationRecord | null> {
  const rows = await db.$queryRawUnsafe<Array<Omit<ReservationRecord, 'lines'>>>(
    `SELECT r.id, ${EFFECTIVE_STATUS} AS status, r.request_hash AS "requestHash", r.total_cents AS "totalCents",
            r.currency, r.expires_at AS "expiresAt"
       FROM reservations r WHERE r.id = $1`,
    id,
  );
  if (rows.length === 0) return null;
  const lines = await db.$queryRaw<ReservationLine[]>`
    SELECT sku, quantity, unit_price_cents AS "unitPriceCents" FROM reservation_lines
     WHERE reservation_id = ${id} ORDER BY sku`;
  return { ...rows[0], lines };
}

/** Adds the quantities of a set of reservations back to their items. */
async function returnStock(tx: Tx, reservationIds: string[]): Promise<void> {
  if (reservationIds.length === 0) return;
  await tx.$executeRaw`
    UPDATE items i SET stock = i.stock + back.quantity, updated_at = now()
      FROM (SELECT sku, SUM(quantity)::int AS quantity FROM reservation_lines
             WHERE reservation_id = ANY(${reservationIds}::varchar[]) GROUP BY sku) back
     WHERE i.sku = back.sku`;
}

export function reservationRepository(db: CatalogDb) {
  return {
    find: (id: string) => readRecord(db, id),

    /**
     * Claims the id, then locks the items (in sku order, so two reservations never deadlock), lets
     * `price` check and price the lines, and takes the stock with a conditional UPDATE, all in one
     * transaction. Returns null when the id was already claimed (the caller then reads what is there).
     */
    async create(id: string, requestHash: string, ttlSeconds: number, skus: string[], quantities: number[], price: PriceLines) {
      return db.$transaction(async (tx) => {
        const claimed = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO reservations (id, status, request_hash, expires_at)
          VALUES (${id}, 'held', ${requestHash}, now() + make_interval(secs => ${ttlSeconds}::int))
          ON CONFLICT (id) DO NOTHING RETURNING id`;
        if (claimed.length === 0) return null;
        const locked = await tx.$queryRaw<LockedItem[]>`
          SELECT sku, stock, price_cents AS "priceCents", currency FROM items
           WHERE sku = ANY(${skus}::varchar[]) ORDER BY sku FOR UPDATE`;
        const priced = price(locked);
        const taken = await tx.$executeRaw`
          UPDATE items i SET stock = i.stock - want.quantity, updated_at = now()
            FROM unnest(${skus}::varchar[], ${quantities}::int[]) AS want(sku, quantity)
           WHERE i.sku = want.sku AND i.stock >= want.quantity`;
        if (taken !== skus.length) throw new Error(`stock changed under a row lock (${taken}/${skus.length})`);
        await tx.$executeRaw`
          INSERT INTO reservation_lines (reservation_id, sku, quantity, unit_price_cents)
          SELECT ${id}, l.sku, l.quantity, l.price
            FROM unnest(${priced.lines.map((l) => l.sku)}::varchar[], ${priced.lines.map((l) => l.quantity)}::int[],
                        ${priced.lines.map((l) => l.unitPriceCents)}::int[]) AS l(sku, quantity, price)`;
        await tx.$executeRaw`
          UPDATE reservations SET currency = ${priced.currency}, total_cents = ${priced.totalCents} WHERE id = ${id}`;
        return readRecord(tx, id);
      }, TX_OPTIONS);
    },

    /** held (and not past expiry) → confirmed; exactly one of confirm, release and expiry wins. */
    async confirm(id: string): Promise<boolean> {
      const n = await db.$executeRaw`
        UPDATE reservations SET status = 'confirmed', updated_at = now()
         WHERE id = ${id} AND status = 'held' AND expires_at > now()`;
      return n === 1;
    },

    /**
     * held → released with its stock returned, in one transaction. An unknown id is recorded as
     * released (a tombstone), so a reservation that arrives after its own compensation holds nothing.
     * Returns the status the reservation had, or null for an unknown id.
     */
    async release(id: string): Promise<ReservationStatus | null> {
      return db.$transaction(async (tx) => {
        // Read committed: each statement sees what committed before it. If a reservation with this
        // id commits while we look (our tombstone insert then waits for it and conflicts), go round
        // again and release that reservation rather than leave it held behind a 204.
        for (let attempt = 0; attempt < 3; attempt++) {
          const released = await tx.$queryRaw<Array<{ id: string }>>`
            UPDATE reservations SET status = 'released', updated_at = now()
             WHERE id = ${id} AND status = 'held' RETURNING id`;
          if (released.length === 1) {
            await returnStock(tx, [id]);
            return 'held';
          }
          const existing = await tx.$queryRaw<Array<{ status: ReservationStatus }>>`
            SELECT status FROM reservations WHERE id = ${id}`;
          if (existing.length === 1) return existing[0].status;
          const tombstone = await tx.$queryRaw<Array<{ id: string }>>`
            INSERT INTO reservations (id, status, expires_at) VALUES (${id}, 'released', now())
            ON CONFLICT (id) DO NOTHING RETURNING id`;
          if (tombstone.length === 1) return null;
        }
        throw new Error(`reservation ${id} neither found nor insertable`);
      }, TX_OPTIONS);
    },

    /**
     * Expires held reservations past their time and returns their stock. SKIP LOCKED lets several
     * Catalog instances sweep side by side without waiting on, or double-counting, each other.
     */
    async expireDue(batchSize = 500): Promise<number> {
      return db.$transaction(async (tx) => {
        const expired = await tx.$queryRaw<Array<{ id: string }>>`
          UPDATE reservations SET status = 'expired', updated_at = now()
           WHERE id IN (SELECT id FROM reservations WHERE status = 'held' AND expires_at <= now()
                         ORDER BY expires_at LIMIT ${batchSize}::int FOR UPDATE SKIP LOCKED)
          RETURNING id`;
        await returnStock(tx, expired.map((r) => r.id));
        return expired.length;
      }, TX_OPTIONS);
    },
  };
}

export type ReservationRepository = ReturnType<typeof reservationRepository>;
