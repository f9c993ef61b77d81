import type { Availability, CreditPort, StockPort } from '../domain/ports';
import type { Dependency } from './resilience/dependency';

/**
 * The saga's two ports and the registry of the dependencies behind them (their breakers and
 * bulkheads): the registry alone feeds fail-fast, `/dependencies` and the dashboard. Ports with
 * nothing behind them (the benchmark's in-process ones) come with an empty registry.
 */
export interface OrderDependencies {
  stock: StockPort;
  credit: CreditPort;
  registry: Dependency[];
}

/** Whether an order could succeed now: refused while any breaker is open; when calls may succeed again. */
export function availabilityOf(registry: Dependency[]): Availability {
  return {
    refusalNow() {
      for (const dependency of registry) {
        const refusal = dependency.refusalWhileOpen(); // counts a rejected call: ask no further
        if (refusal) return refusal.unavailable;
      }
      return null;
    },
    retryAfterSeconds: () => Math.max(1, ...registry.map((d) => d.retryAfterSeconds())),
  };
}
