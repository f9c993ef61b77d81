import { inTransaction, type SqlRunner, type TransactionRunner } from './transactions';

/**
 * The one mechanism behind Catalog's reservations and Account's holds: a commitment is a row
 * keyed by the caller's id that holds some resource (stock, credit) until it is settled
 * (confirmed / captured), released, or expires. Each service claims and settles its commitments
 * in SQL functions of its own (Catalog's `reserve_stock` and `confirm_reservation`, Account's
 * `place_hold` and `capture_hold`: one round trip and one commit each), all with one row protocol:
 * INSERT … ON CONFLICT DO NOTHING of a 'held' row, then the resource taken, a refusal leaving no
 * row; settling is held or expired → settled. The kit has the rest of the row's life,
 * the same for both: releases (tombstones for ids not yet claimed), expiry sweeps, replays.
 *
 * Expiry is not the end: a commitment that expired BY TIME (swept to 'expired', or 'held' past its
 * expiry) is re-authorized by its settling function when the resource still allows (Catalog's
 * `confirm_reservation` takes the stock again at the recorded prices, Account's `capture_hold`
 * takes the credit again within the limit), else refused out_of_stock / insufficient_credit. A
 * released commitment and a tombstone never are: releasing an expired one closes it as released.
 * docs/commitments.md tells the whole life and links the tests.
 *
 * Lock order: the commitment row first, then the resource rows in key order (`giveBack` and the
 * service's `take` must lock them ORDER BY key). Sweeps skip commitment rows others hold.

 */
export interface CommitmentTable<Tx extends SqlRunner> {
  /** The table of commitments: id, status, request_hash, expires_at, updated_at. */
  table: string;
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

/** The same id again: the same commitment for the same request hash, else why not. */
export function replayOf<Rec extends CommitmentRow>(record: Rec, requestHash: string): ClaimOutcome<Rec, never> {
  if (record.requestHash === null) return { kind: 'released' };
  return record.requestHash === requestHash ? { kind: 'replayed', record } : { kind: 'mismatch' };
}

export function commitmentKit<Tx extends SqlRunner>(db: TransactionRunner<Tx> & SqlRunner, spec: CommitmentTable<Tx>) {
  const { table } = spec;

  /** The held → released move with the resource given back; false when it was not held. */
  async function releaseHeld(tx: Tx, id: string): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE ${table} SET status = 'released', updated_at = now() WHERE id = $1 AND status = 'held' RETURNING id`, id);
    if (rows.length === 0) return false;
    await spec.giveBack(tx, [id]);
    return true;
  }

  /**
   * expired → released: its resource went back when it expired; from now on it can never be
   * re-authorized (only a commitment that expired by time is). False when it was not expired (a
   * re-authorization that held the row first has captured or confirmed it meanwhile).
   */
  async function closeExpired(tx: Tx, id: string): Promise<boolean> {
    const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `UPDATE ${table} SET status = 'released', updated_at = now() WHERE id = $1 AND status = 'expired' RETURNING id`, id);
    return rows.length === 1;
  }

  return {
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
          if (await closeExpired(tx, id)) return 'expired';
          const existing = await tx.$queryRawUnsafe<Array<{ status: string }>>(`SELECT status FROM ${table} WHERE id = $1`, id);
          if (existing.length === 1 && !['held', 'expired'].includes(existing[0].status)) return existing[0].status;
          if (existing.length === 1) continue; // committed (or swept) just after our UPDATEs: close it now
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
