import { callJsonFunction, type ClaimOutcome, commitmentKit, inOneStatement, replayOf } from 'service-platform';
import type { Prisma } from '../generated/prisma/client';
import type { LockedItem, Priced, ReservationRecord, ReservationStatus, ReservationStore, Shortage } from '../domain/ports';
import type { CatalogDb } from './catalog-db';

type Tx = Prisma.TransactionClient;

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

/** A reservation as `reservation_json` (the migration's SQL) writes it. */
type ReservationJson = Omit<ReservationRecord, 'expiresAt'> & { expiresAt: string };
const fromJson = (r: ReservationJson): ReservationRecord => ({ ...r, expiresAt: new Date(r.expiresAt) });

/** What `reserve_stock` answers (see its migration). */
type ReserveAnswer =
  | { outcome: 'created' | 'existing'; record: ReservationJson }
  | { outcome: 'refused'; items: LockedItem[] };

export function reservationRepository(db: CatalogDb) {
  const kit = commitmentKit<Tx>(db, { table: 'reservations', giveBack: returnStock });
  return {
    /** The reservation as `reservation_json` (its migration) answers it, the same as reserve and confirm do. */
    find: async (id: string): Promise<ReservationRecord | null> => {
      const record = await callJsonFunction<ReservationJson | null>(db, 'SELECT reservation_json($1)', id);
      return record && fromJson(record);
    },

    /**
     * Claims the id and takes the stock of every line, or none, in one call of `reserve_stock` (its
     * migration): one round trip, one commit. On a refusal `price` says why, from the items as the
     * function locked them (its conditions and `price`'s are the same ones).
     */
    async create<Refusal>(id: string, requestHash: string, ttlSeconds: number, skus: string[], quantities: number[],
      price: (locked: LockedItem[]) => Priced<Refusal>): Promise<ClaimOutcome<ReservationRecord, Refusal>> {
      const answer = await inOneStatement((lockMs) => callJsonFunction<ReserveAnswer>(db,
        'SELECT reserve_stock($1, $2, $3::int, $4::varchar[], $5::int[], $6::int) ', id, requestHash, ttlSeconds, skus, quantities, lockMs));
      switch (answer.outcome) {
        case 'created': return { kind: 'created', record: fromJson(answer.record) };
        case 'existing': return replayOf(fromJson(answer.record), requestHash);
        case 'refused': {
          const priced = price(answer.items);
          if (priced.ok) throw new Error(`reserve_stock refused what the items take (${id})`); // the SQL and `price` disagree: a bug
          return { kind: 'refused', refusal: priced.refusal };
        }
      }
    },

    /**
     * held → confirmed, or expired by time → confirmed with its stock taken again at the recorded
     * prices, in one call; exactly one of confirm, release and expiry wins. Whether this call
     * confirmed it, the reservation as it now stands (null: unknown id), and for a lapsed one whose
     * stock is gone meanwhile, the shortages (nothing changed).
     */
    confirm: async (id: string): Promise<{ confirmed: boolean; record: ReservationRecord | null; shortages?: Shortage[] }> => {
      const answer = await inOneStatement((lockMs) => callJsonFunction<{ confirmed: boolean; record: ReservationJson | null; shortages?: Shortage[] }>(db,
        'SELECT confirm_reservation($1, $2::int) ', id, lockMs));
      return { confirmed: answer.confirmed, record: answer.record && fromJson(answer.record), shortages: answer.shortages };
    },

    /** held → released with its stock back, expired → released; an unknown id is closed. The status it had, or null. */
    release: (id: string) => kit.release(id) as Promise<ReservationStatus | null>,

    expireDue: (batchSize?: number): Promise<number> => kit.expireDue(batchSize),
  } satisfies ReservationStore & Record<string, unknown>;
}

export type ReservationRepository = ReturnType<typeof reservationRepository>;
