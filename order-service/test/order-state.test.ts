// The order's life is enforced by the compiler: `orders.move` takes `to: Move<From>`, so a move
// outside TRANSITIONS does not type-check (`npm run typecheck` runs over this file: an
// `@ts-expect-error` that no longer finds an error fails it). The runtime checks walk every pair.
import type { OrderRepository } from '../src/data/order-repository';
import { type Move, type OrderState, TRANSITIONS } from '../src/domain/order-state';

type MoveFn = OrderRepository['move'];

// Compile-time checks only; never called.
export function illegalMovesDoNotCompile(move: MoveFn): void {
  void move('id', 'pending', 'committing', {}, { kind: 'request' });
  // @ts-expect-error confirmed is final: no move leaves it
  void move('id', 'confirmed', 'pending', {}, { kind: 'request' });
  // @ts-expect-error the point of no return is never undone
  void move('id', 'committing', 'rejected', {}, { kind: 'request' });
  // @ts-expect-error an order is confirmed only through committing
  void move('id', 'pending', 'confirmed', {}, { kind: 'request' });
}

const STATES = Object.keys(TRANSITIONS) as OrderState[];

describe('The order\'s transition table', () => {
  test.each(STATES.flatMap((from) => STATES.map((to) => [from, to] as const)))('%s -> %s is a move only if the table lists it, and no state moves to itself', (from, to) => {
    const listed = (TRANSITIONS[from] as readonly OrderState[]).includes(to);
    if (from === to) expect(listed).toBe(false);
    const typed: Move<typeof from>[] = [...TRANSITIONS[from]];
    expect(typed.includes(to as never)).toBe(listed);
  });

  test('every state can be reached from pending, and confirmed is final', () => {
    const seen = new Set<OrderState>(['pending']);
    for (let grew = true; grew;) {
      grew = false;
      for (const from of [...seen]) for (const to of TRANSITIONS[from]) if (!seen.has(to)) grew = seen.add(to) !== null;
    }
    expect([...seen].sort()).toEqual([...STATES].sort());
    expect(TRANSITIONS.confirmed).toEqual([]);
  });
});
