// Test barriers (and the fault tests' configured pause) as decorators around the saga's ports: a
// test holds an actor just before a step by waiting in `at`, and nothing in the saga knows.
import { Deadline } from 'service-platform';
import type { OrderStore, Writer } from '../domain/order';
import type { OrderSaga } from '../domain/order-saga';
import type { OrderState } from '../domain/order-state';
import type { CreditPort, StockPort } from '../domain/ports';

/** Where an actor can be held: just before it reserves, holds, commits, confirms, releases, recovers an order, or renews its lease. */
export type SagaPoint = 'reserve' | 'hold' | 'commit' | 'confirm' | 'release' | 'recover' | 'renew';

export interface SagaHooks {
  at(point: SagaPoint, orderId: string, writer: Writer): Promise<void> | void;
  /** After a move that won: who moved the order, from where to where. */
  moved?(orderId: string, from: OrderState, to: OrderState, writer: Writer): void;
}

export interface SagaPorts {
  stock: StockPort;
  credit: CreditPort;
  orders: OrderStore;
}

/** The ports, each call first passing its point of `hooks` (which may hold it). */
export function heldAt(ports: SagaPorts, hooks: SagaHooks): SagaPorts {
  const { stock, credit, orders } = ports;
  return {
    stock: {
      reserve: async (id, lines, ttl, ctx) => (await hooks.at('reserve', id, ctx.writer), stock.reserve(id, lines, ttl, ctx)),
      confirm: async (id, ctx) => (await hooks.at('confirm', id, ctx.writer), stock.confirm(id, ctx)),
      release: async (id, ctx) => (await hooks.at('release', id, ctx.writer), stock.release(id, ctx)),
    },
    credit: {
      hold: async (id, hold, ctx) => (await hooks.at('hold', id, ctx.writer), credit.hold(id, hold, ctx)),
      capture: (id, ctx) => credit.capture(id, ctx),
      release: async (id, ctx) => (await hooks.at('release', id, ctx.writer), credit.release(id, ctx)),
    },
    orders: {
      ...orders,
      move: async (id, from, to, data, writer) => {
        if (from === 'pending' && to === 'committing') await hooks.at('commit', id, writer);
        const moved = await orders.move(id, from, to, data, writer);
        if (moved) hooks.moved?.(id, from, to, writer);
        return moved;
      },
      renewLease: async (id, owner, leaseSeconds) => (await hooks.at('renew', id, { kind: 'lease', owner }), orders.renewLease(id, owner, leaseSeconds)),
    },
  };
}

/**
 * The saga as recovery runs it: held at 'recover' before a worker starts on an order. The hold is
 * before the work, so the work still gets the whole budget it was given when it is let go.
 */
export const heldBeforeRecovery = (saga: OrderSaga, hooks: SagaHooks): OrderSaga => ({
  async run(order, deadline, writer) {
    const budgetMs = deadline.remainingMs();
    await hooks.at('recover', order.id, writer);
    return saga.run(order, Deadline.after(budgetMs), writer);
  },
});

/** The fault tests' configured pause (SAGA_PAUSE_BEFORE_CONFIRM_MS): the request path waits after the point of no return. */
export function pauseBeforeConfirm(pauseMs: number): SagaHooks | undefined {
  if (pauseMs === 0) return undefined;
  return { at: (point, _id, writer) => (point === 'confirm' && writer.kind === 'request' ? new Promise((r) => setTimeout(r, pauseMs)) : undefined) };
}
