import { callJsonFunction, type ClaimAnswer, type ClaimOutcome, claimOutcomeOf, type Deadline, inOneStatement } from 'service-platform';
import type { ReservationRecord, ReservationRefusal, ReservationStore } from '../domain/ports';
import type { CatalogDb } from './catalog-db';

/** A reservation as `reservation_json` (prisma/sql/reservation.sql) writes it. */
type ReservationJson = Omit<ReservationRecord, 'expiresAt'> & { expiresAt: string };
const fromJson = (r: ReservationJson): ReservationRecord => ({ ...r, expiresAt: new Date(r.expiresAt) });

/** What `reserve_stock` answers. */
type ReserveAnswer = ClaimAnswer<ReservationJson, ReservationRefusal>;

/**
 * Catalog's reservations over the SQL functions of prisma/sql/reservation.sql: each step is one
 * call (one round trip, one commit), its lock waits bounded by what is left of the request's budget.
 * The functions decide and say why they refuse; this file only carries their answers.
 */
export function reservationRepository(db: CatalogDb) {
  return {
    find: async (id: string): Promise<ReservationRecord | null> => {
      const record = await callJsonFunction<ReservationJson | null>(db.sql, 'SELECT reservation_json($1)', id);
      return record && fromJson(record);
    },

    /** Claims the id and takes the stock of every line, or none (`reserve_stock`). */
    async create(id: string, requestHash: string, ttlSeconds: number, skus: string[], quantities: number[], deadline?: Deadline): Promise<ClaimOutcome<ReservationRecord, ReservationRefusal>> {
      const answer = await inOneStatement((lockMs) => callJsonFunction<ReserveAnswer>(db.sql,
        'SELECT reserve_stock($1, $2, $3::int, $4::varchar[], $5::int[], $6::int) ', id, requestHash, ttlSeconds, skus, quantities, lockMs), { deadline });
      return claimOutcomeOf(answer, fromJson, requestHash);
    },

    /** held → confirmed, or a lapsed one re-authorized (`confirm_reservation`); exactly one of confirm, release and expiry wins. */
    confirm: async (id: string, deadline?: Deadline): Promise<{ record: ReservationRecord | null; refusal?: ReservationRefusal }> => {
      const answer = await inOneStatement((lockMs) => callJsonFunction<{ record: ReservationJson | null; refusal?: ReservationRefusal }>(db.sql,
        'SELECT confirm_reservation($1, $2::int) ', id, lockMs), { deadline });
      return { record: answer.record && fromJson(answer.record), refusal: answer.refusal };
    },

    /** held → released with its stock back, expired → released; an unknown id is closed (`release_reservation`). */
    release: (id: string, deadline?: Deadline): Promise<{ refusal?: ReservationRefusal }> =>
      inOneStatement((lockMs) => callJsonFunction<{ refusal?: ReservationRefusal }>(db.sql, 'SELECT release_reservation($1, $2::int) ', id, lockMs), { deadline }),

    /** Expires held reservations past their time, their stock given back (`expire_reservations`); how many. */
    expireDue: (batchSize = 500): Promise<number> =>
      inOneStatement(async (lockMs) => {
        const { rows } = await db.sql.query<{ expired: number }>('SELECT expire_reservations($1::int, $2::int) AS expired', [batchSize, lockMs]);
        return rows[0].expired;
      }),
  } satisfies ReservationStore & Record<string, unknown>;
}

export type ReservationRepository = ReturnType<typeof reservationRepository>;
