/**
 * The order's life: its states and the only moves between them (in the style of dotnet/eShop's
 * `Order.cs` guards). Every write of a state is `UPDATE … WHERE id = $1 AND state = $from` (see
 * `order-repository.ts`): of two actors trying to move one order, exactly one wins; the other
 * re-reads and answers from what is stored.
 *
 *   pending ──► committing ──► confirmed
 *      │            │
 *      │            ├──► failed            the reservation expired before it was confirmed: nothing charged
 *      │            └──► needs_attention   the stock is confirmed but the hold cannot be captured
 *      ├──► rejected ──► needs_attention   (a release refused for ever)
 *      └──► failed ────► needs_attention
 *
 *   needs_attention ──► committing | confirmed | failed   settled by an operator (retry, accept, fail)
 *
 * `committing` is the point of no return, written (with the prices) once both commitments are in
 * place and before anything is confirmed. Nothing else is written on the way: what recovery needs
 * to know before that point it asks Catalog and Account again (every step is idempotent by order id).
 */
export const TRANSITIONS = {
  pending: ['committing', 'rejected', 'failed'],
  committing: ['confirmed', 'failed', 'needs_attention'],
  rejected: ['needs_attention'],
  failed: ['needs_attention'],
  confirmed: [],
  needs_attention: ['committing', 'confirmed', 'failed'],
} as const satisfies Record<string, readonly string[]>;

export type OrderState = keyof typeof TRANSITIONS;
/**
 * The states an order in `From` may move to. `orders.move(id, from, to, …)` takes `to: Move<F>`, so
 * a move outside the table does not compile (order-state.test.ts holds an `@ts-expect-error` of one).
 */
export type Move<From extends OrderState> = (typeof TRANSITIONS)[From][number];

/** What the API shows: internal progress (`committing`) is `pending` to a client. */
export type PublicStatus = 'pending' | 'confirmed' | 'rejected' | 'failed' | 'needs_attention';

export const publicStatus = (state: OrderState): PublicStatus => (state === 'committing' ? 'pending' : state);

/** The states a public status stands for (a list filtered by `pending` includes `committing`). */
export const statesOf = (status: PublicStatus): OrderState[] => (status === 'pending' ? ['pending', 'committing'] : [status]);

/** States that recovery drives forward; the final ones only when their releases are owed. */
export const isUnfinished = (state: OrderState): state is 'pending' | 'committing' => state === 'pending' || state === 'committing';
