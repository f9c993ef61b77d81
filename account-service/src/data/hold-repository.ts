import { callJsonFunction, type ClaimAnswer, type ClaimOutcome, claimOutcomeOf, type Deadline, inOneStatement } from 'service-platform';
import type { HoldRecord, HoldRefusal, HoldRequest, HoldStore } from '../domain/ports';
import type { AccountDb } from './account-db';

/** A hold as `hold_json` (prisma/sql/hold.sql) writes it. */
type HoldJson = Omit<HoldRecord, 'expiresAt'> & { expiresAt: string };
const fromJson = (h: HoldJson): HoldRecord => ({ ...h, expiresAt: new Date(h.expiresAt) });

/** What `place_hold` answers. */
type HoldAnswer = ClaimAnswer<HoldJson, HoldRefusal>;

/**
 * Account's holds over the SQL functions of prisma/sql/hold.sql: each step is one call (one round
 * trip, one commit), its lock waits bounded by what is left of the request's budget. The functions
 * decide and say why they refuse; this file only carries their answers.
 */
export function holdRepository(db: AccountDb) {
  return {
    find: async (id: string): Promise<HoldRecord | null> => {
      const record = await callJsonFunction<HoldJson | null>(db.sql, 'SELECT hold_json($1)', id);
      return record && fromJson(record);
    },

    /** Claims the id and takes the credit (`place_hold`); a refusal changes nothing. */
    async create(id: string, requestHash: string, ttlSeconds: number, request: HoldRequest, deadline?: Deadline): Promise<ClaimOutcome<HoldRecord, HoldRefusal>> {
      const answer = await inOneStatement((lockMs) => callJsonFunction<HoldAnswer>(db.sql,
        'SELECT place_hold($1, $2, $3::int, $4, $5::int, $6, $7::int) ',
        id, requestHash, ttlSeconds, request.accountId, request.amountCents, request.currency, lockMs), { deadline });
      return claimOutcomeOf(answer, fromJson, requestHash);
    },

    /** held → captured, or a lapsed one re-authorized (`capture_hold`); exactly one of capture, release and expiry wins. */
    capture: async (id: string, deadline?: Deadline): Promise<{ record: HoldRecord | null; refusal?: HoldRefusal }> => {
      const answer = await inOneStatement((lockMs) => callJsonFunction<{ record: HoldJson | null; refusal?: HoldRefusal }>(db.sql,
        'SELECT capture_hold($1, $2::int) ', id, lockMs), { deadline });
      return { record: answer.record && fromJson(answer.record), refusal: answer.refusal };
    },

    /** held → released with its credit back, expired → released; an unknown id is closed (`release_hold`). */
    release: (id: string, deadline?: Deadline): Promise<{ refusal?: HoldRefusal }> =>
      inOneStatement((lockMs) => callJsonFunction<{ refusal?: HoldRefusal }>(db.sql, 'SELECT release_hold($1, $2::int) ', id, lockMs), { deadline }),

    /** Expires held holds past their time, their credit given back (`expire_holds`); how many. */
    expireDue: (batchSize = 500): Promise<number> =>
      inOneStatement(async (lockMs) => {
        const { rows } = await db.sql.query<{ expired: number }>('SELECT expire_holds($1::int, $2::int) AS expired', [batchSize, lockMs]);
        return rows[0].expired;
      }),
  } satisfies HoldStore & Record<string, unknown>;
}

export type HoldRepository = ReturnType<typeof holdRepository>;
