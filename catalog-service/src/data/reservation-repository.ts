import { commitmentKit, effectiveStatus, type SqlRunner, type Taken } from 'service-platform';
import type { Prisma } from '../generated/prisma/client';
import type { CatalogDb } from './catalog-db';

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

/** The lines priced from the locked items, or why the items refuse them (a value, never thrown). */
export type Priced<Refusal> =
  | { ok: true; lines: ReservationLine[]; totalCents: number; currency: string }
  | { ok: false; refusal: Refusal };

type Tx = Prisma.TransactionClient;

async function readRecord(db: SqlRunner, id: string): Promise<ReservationRecord | null> {
  const rows = await db.$queryRawUnsafe<Array<Omit<ReservationRecord, 'lines'>>>(
    `SELECT r.id, ${effectiveStatus('r.')} AS status, r.request_hash AS "requestHash", r.total_cents AS "totalCents",
            r.currency, r.expires_at AS "expiresAt"
       FROM reservations r WHERE r.id = $1`,
    id,
  );
  if (rows.length === 0) return null;
  const lines = await db.$queryRawUnsafe<ReservationLine[]>(
    `SELECT sku, quantity, unit_price_cents AS "unitPriceCents" FROM reservation_lines WHERE reservation_id = $1 ORDER BY sku`, id);
  return { ...rows[0], lines };
}

/**
 * Adds the quantities of a set of reservations back to their items. The items are locked in sku
 * order first, like a reservation locks them: an UPDATE … FROM a join locks rows in whatever order
 * the plan gives, and a release and a sweep (or two releases) sharing two skus then deadlocked.
 */
async function returnStock(tx: Tx, reservationIds: string[]): Promise<void> {
  await tx.$queryRaw`
    SELECT sku FROM items
     WHERE sku IN (SELECT sku FROM reservation_lines WHERE reservation_id = ANY(${reservationIds}::varchar[]))
     ORDER BY sku FOR UPDATE`;
  await tx.$executeRaw`
    UPDATE items i SET stock = i.stock + back.quantity, updated_at = now()
      FROM (SELECT sku, SUM(quantity)::int AS quantity FROM reservation_lines
             WHERE reservation_id = ANY(${reservationIds}::varchar[]) GROUP BY sku) back
     WHERE i.sku = back.sku`;
}

/** Locks the items (in sku order), prices the lines, takes the stock and writes the lines. */
function takeStock<Refusal>(id: string, skus: string[], quantities: number[], price: (locked: LockedItem[]) => Priced<Refusal>) {
  return async (tx: Tx): Promise<Taken<Refusal>> => {
    const locked = await tx.$queryRaw<LockedItem[]>`
      SELECT sku, stock, price_cents AS "priceCents", currency FROM items
       WHERE sku = ANY(${skus}::varchar[]) ORDER BY sku FOR UPDATE`;
    const priced = price(locked);
    if (!priced.ok) return { ok: false, refusal: priced.refusal };
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
    await tx.$executeRaw`UPDATE reservations SET currency = ${priced.currency}, total_cents = ${priced.totalCents} WHERE id = ${id}`;
    return { ok: true };
  };
}

export function reservationRepository(db: CatalogDb) {
  const kit = commitmentKit<Tx, ReservationRecord>(db, { table: 'reservations', settled: 'confirmed', giveBack: returnStock }, readRecord);
  return {
    find: (id: string) => readRecord(db, id),

    /**
     * Claims the id and takes the stock of every line, or none, in one transaction (see the kit).
     * `price` decides, under the item row locks, whether the items take the lines.
     */
    create: <Refusal>(id: string, requestHash: string, ttlSeconds: number, skus: string[], quantities: number[],
      price: (locked: LockedItem[]) => Priced<Refusal>) =>
      kit.claim(id, requestHash, ttlSeconds, takeStock(id, skus, quantities, price)),

    /** held (and not past expiry) → confirmed; exactly one of confirm, release and expiry wins. */
    confirm: (id: string): Promise<boolean> => kit.settle(id),

    /** held → released with its stock back; an unknown id is closed. The status it had, or null. */
    release: (id: string) => kit.release(id) as Promise<ReservationStatus | null>,

    expireDue: (batchSize?: number): Promise<number> => kit.expireDue(batchSize),
  };
}

export type ReservationRepository = ReturnType<typeof reservationRepository>;
