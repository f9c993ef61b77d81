import { inTransaction, rollbackWith, type SqlRunner, type TransactionRunner } from './transactions';

/**
 * The one mechanism behind Catalog's reservations and Account's holds: a commitment is a row
 * keyed by the caller's id that holds some resource (stock, credit) until it is settled
 * (confirmed / captured), released, or expires. The kit owns the life of the row; each service
 * owns its resource (what to take, how to give it back) and its domain checks.
 *
 * Lock order: the commitment row first, then the resource rows in key order (`giveBack` and the
 * service's `take` must lock them ORDER BY key). Sweeps skip commitment rows others hold.
 *
 * Catalog and Account run their claim and settle on the hot path as SQL functions of their own
 * (`reserve_stock`, `place_hold`, …: one round trip and one commit instead of an interactive
 * transaction), keeping this row protocol exactly: INSERT … ON CONFLICT DO NOTHING of a 'held'
 * row, the resource taken after it, a refusal leaving no row. `claim` and `settle` here are the
 * same protocol in TypeScript, for a service whose `take` is not one statement, and what the
 * kit's own tests race releases against.
 */
export interface CommitmentTable<Tx extends SqlRunner> {
  /** The table of commitments: id, status, request_hash, expires_at, updated_at. */
  table: string;
  /** The status a commitment settles into for good ('confirmed', 'captured'). */
  settled: string;
  /** Gives back what these commitments hold, locking the resource rows in key order first. */
  giveBack(tx: Tx, ids: string[]): Promise<void>;
}

/** A stored commitment as far as the kit needs it; `requestHash` null marks a tombstone. */
export interface CommitmentRow {
  requestHash: string | null;
}

/** What a claim comes to. A refusal is the service's own (out of stock, not enough credit). */
export type ClaimOutcome<Rec, Refusal> =
  | { kind: 'created'; record: Rec }
  | { kind: 'replayed'; record: Rec }
  | { kind: 'mismatch' }
  | { kind: 'released' }
  | { kind: 'refused'; refusal: Refusal };

/** What the service's `take` answers, inside the claim's transaction. */
export type Taken<Refusal> = { ok: true } | { ok: false; refusal: Refusal };

/** A held commitment past its expiry reads as expired, before the sweeper got to it. */
export const effectiveStatus = (alias = '') =>
  `CASE WHEN ${alias}status = 'held' AND ${alias}expires_at <= now() THEN 'expired' ELSE ${alias}status END`;

/** The same id again: the same commitment for the same request hash, else why not. */
export function replayOf<Rec extends CommitmentRow>(record: Rec, requestHash: string): ClaimOutcome<Rec, never> {
  if (record.requestHash === null) return { kind: 'released' };
  return record.requestHash === requestHash ? { kind: 'replayed', record } : { kind: 'mismatch' };
}

export function commitmentKit<Tx extends SqlRunner, Rec extends CommitmentRow>(
  db: TransactionRunner<Tx> & SqlRunner,
  spec: CommitmentTable<Tx>,
  read: (db: SqlRunner, id: string) => Promise<Rec | null>,
) {
  const { table } = spec;

  /** The held → released move with the resource given back; false when it was not held. */
  async function releaseHeld(tx: Tx, id: string): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE ${table} SET status = 'released', updated_at = now() WHERE id = $1 AND status = 'held' RETURNING id`, id);
    if (rows.length === 0) return false;
    await spec.giveBack(tx, [id]);
    return true;
  }

  return {
    /**
     * Claims `id` for `requestHash` and lets `take` take the resource, in one transaction; a refusal
     * from `take` rolls the claim back and is returned. An id already there answers as a replay.
     */
    async claim<Refusal>(
      id: string, requestHash: string, ttlSeconds: number, take: (tx: Tx) => Promise<Taken<Refusal>>,
      /** More columns of the claimed row (names are the service's constants, never input). */
      columns: Record<string, unknown> = {},
    ): Promise<ClaimOutcome<Rec, Refusal>> {
      const extra = Object.entries(columns);
      const names = extra.map(([name]) => `, ${name}`).join('');
      const places = extra.map((_c, i) => `, $${i + 4}`).join('');
      const existing = await read(db, id);
      if (existing) return replayOf(existing, requestHash);
      const outcome = await inTransaction(db, async (tx): Promise<ClaimOutcome<Rec, Refusal> | null> => {
        const claimed = await tx.$queryRawUnsafe<Array<{ id: string }>>(
          `INSERT INTO ${table} (id, status, request_hash, expires_at${names})
           VALUES ($1, 'held', $2, now() + make_interval(secs => $3::int)${places}) ON CONFLICT (id) DO NOTHING RETURNING id`,
          id, requestHash, ttlSeconds, ...extra.map(([, value]) => value));
        if (claimed.length === 0) return null;
        const taken = await take(tx);
        if (!taken.ok) return rollbackWith({ kind: 'refused', refusal: taken.refusal });
        return { kind: 'created', record: (await read(tx, id))! };
      });
      if (outcome) return outcome;
      // Another request claimed this id between our read and our insert: answer as a replay.
      const raced = await read(db, id);
      if (!raced) throw new Error(`${table} ${id} claimed but not found`);
      return replayOf(raced, requestHash);
    },

    /** held (and not past expiry) → settled; `then` moves the resource in the same transaction. */
    settle: (id: string, then: (tx: Tx, id: string) => Promise<void> = async () => undefined): Promise<boolean> =>
      inTransaction(db, async (tx) => {
        const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
          `UPDATE ${table} SET status = $2, updated_at = now()
            WHERE id = $1 AND status = 'held' AND expires_at > now() RETURNING id`, id, spec.settled);
        if (rows.length === 0) return false;
        await then(tx, id);
        return true;
      }),

    /**
     * held → released, the resource given back. An unknown id is closed with a tombstone, so a
     * claim that arrives after its own compensation holds nothing. Read committed: each statement
     * sees what committed before it, so a claim that commits between two of them (after the UPDATE,
     * before the SELECT; or while the tombstone insert waits on it) is seen held and released on the
     * next round. Returns the status the commitment had, or null for an unknown id.
     */
    release: (id: string): Promise<string | null> =>
      inTransaction(db, async (tx) => {
        for (let round = 0; round < 3; round++) {
          if (await releaseHeld(tx, id)) return 'held';
          const existing = await tx.$queryRawUnsafe<Array<{ status: string }>>(`SELECT status FROM ${table} WHERE id = $1`, id);
          if (existing.length === 1 && existing[0].status !== 'held') return existing[0].status;
          if (existing.length === 1) continue; // committed just after our UPDATE: release it now
          const tombstone = await tx.$queryRawUnsafe<Array<{ id: string }>>(
            `INSERT INTO ${table} (id, status, expires_at) VALUES ($1, 'released', now()) ON CONFLICT (id) DO NOTHING RETURNING id`, id);
          if (tombstone.length === 1) return null;
        }
        throw new Error(`${table} ${id} neither found nor insertable`);
      }),

    /**
     * Expires held commitments past their time and gives their resource back. SKIP LOCKED lets
     * several instances sweep side by side without waiting on, or double-counting, each other.
     */
    expireDue: (batchSize = 500): Promise<number> =>
      inTransaction(db, async (tx) => {
        const expired = await tx.$queryRawUnsafe<Array<{ id: string }>>(
          `UPDATE ${table} SET status = 'expired', updated_at = now()
            WHERE id IN (SELECT id FROM ${table} WHERE status = 'held' AND expires_at <= now()
                          ORDER BY expires_at LIMIT $1::int FOR UPDATE SKIP LOCKED)
           RETURNING id`, batchSize);
        if (expired.length > 0) await spec.giveBack(tx, expired.map((r) => r.id));
        return expired.length;
      }),
  };
}
