// The saga's steps as spans, a decorator around its ports: `order.<step>` with the order id, the
// dependency and how the step ended (accepted, refused:<code>, unavailable:<why>; for the commit,
// moved or overtaken), so that a trace shows the saga without the saga knowing of traces.
import { inSpan } from 'service-platform';
import type { OrderRecord } from '../domain/order';
import type { DependencyName, Result } from '../domain/ports';
import type { SagaPorts } from './saga-hooks';

type StepName = 'reserve' | 'hold' | 'commit' | 'confirm' | 'capture' | 'release';

/** accepted, refused:<code>, or unavailable:<why> (breaker_open, bulkhead_full, failed, budget_exhausted). */
export function callOutcome(result: Result<unknown>): string {
  if (result.ok) return 'accepted';
  return 'refused' in result ? `refused:${result.refused.code}` : `unavailable:${result.unavailable.reason}`;
}

function step<T>(name: StepName, orderId: string, work: () => Promise<T>, outcome: (result: T) => string, dependency?: DependencyName): Promise<T> {
  const attributes = { 'order.id': orderId, 'order.step': name, ...(dependency ? { 'order.dependency': dependency } : {}) };
  return inSpan(`order.${name}`, attributes, work, (result) => ({ 'order.step.outcome': outcome(result) }));
}

/** The ports, each saga step in a span of its own. */
export function traced(ports: SagaPorts): SagaPorts {
  const { stock, credit, orders } = ports;
  return {
    stock: {
      reserve: (id, lines, ttl, ctx) => step('reserve', id, () => stock.reserve(id, lines, ttl, ctx), callOutcome, 'catalog'),
      confirm: (id, ctx) => step('confirm', id, () => stock.confirm(id, ctx), callOutcome, 'catalog'),
      release: (id, ctx) => step('release', id, () => stock.release(id, ctx), callOutcome, 'catalog'),
    },
    credit: {
      hold: (id, hold, ctx) => step('hold', id, () => credit.hold(id, hold, ctx), callOutcome, 'account'),
      capture: (id, ctx) => step('capture', id, () => credit.capture(id, ctx), callOutcome, 'account'),
      release: (id, ctx) => step('release', id, () => credit.release(id, ctx), callOutcome, 'account'),
    },
    orders: {
      ...orders,
      // The point of no return is the one write worth a span of its own.
      move: (id, from, to, data, writer) => (from === 'pending' && to === 'committing'
        ? step('commit', id, () => orders.move(id, from, to, data, writer), (moved: OrderRecord | null) => (moved ? 'moved' : 'overtaken'))
        : orders.move(id, from, to, data, writer)),
    },
  };
}
