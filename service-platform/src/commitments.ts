/**
 * What Catalog's reservations and Account's holds share on the TypeScript side: how a claim's
 * outcome reads, and what "the same id again" means. A commitment is a row keyed by the caller's
 * id that holds some resource (stock, credit) until it is settled, released, or expires; its whole
 * life (claim, settle, release, expiry and the refusal rule) is SQL of the owning service, one
 * current-definition file each: catalog-service/prisma/sql/reservation.sql and
 * account-service/prisma/sql/hold.sql. docs/commitments.md tells the life and links the tests.
 */

/** A stored commitment as far as a replay needs it; `requestHash` null marks a tombstone. */
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

/** What a claiming SQL function (`reserve_stock`, `place_hold`) answers, its record still as JSON. */
export type ClaimAnswer<Json, Refusal> = { outcome: 'created' | 'existing'; record: Json } | { outcome: 'refused'; refusal: Refusal };

/** A claiming function's answer as the claim's outcome: the record read from its JSON, a replay checked by its hash. */
export function claimOutcomeOf<Json, Rec extends CommitmentRow, Refusal>(
  answer: ClaimAnswer<Json, Refusal>, fromJson: (json: Json) => Rec, requestHash: string,
): ClaimOutcome<Rec, Refusal> {
  switch (answer.outcome) {
    case 'created': return { kind: 'created', record: fromJson(answer.record) };
    case 'existing': return replayOf(fromJson(answer.record), requestHash);
    case 'refused': return { kind: 'refused', refusal: answer.refusal };
  }
}
