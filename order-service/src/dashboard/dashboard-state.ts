import type { Dependency, DependencySnapshot } from '../clients/resilience/dependency';
import type { OrderRepository } from '../data/order-repository';
import type { OrderRecord } from '../domain/order';
import type { DependencyHistory, HistorySnapshot } from './dependency-history';
import { callTotals, OutcomeRates, type OutcomeRatesPerSecond } from './outcome-rates';
import type { Replica } from './replica';

export interface DependencyActivity {
  name: string;
  state: DependencySnapshot['state'];
  nextAttemptAt: string | null;
  inFlight: number;
  maxConcurrent: number;
  ratesPerSecond: OutcomeRatesPerSecond;
}

export interface DashboardState {
  at: Date;
  rateWindowSeconds: number;
  dependencies: DependencyActivity[];
  orders: OrderRecord[];
  replica: Replica;
  history: HistorySnapshot;
}

/**
 * What the dashboard shows, read fresh on every poll: each breaker as it stands, its bulkhead,
 * its call outcomes per second over the last `rateWindowMs`, and the newest orders; with the
 * history the server keeps (the charts) and which replica answers.
 */
export function dashboardState(deps: {
  dependencies: Dependency[]; orders: OrderRepository; rateWindowMs: number; lastOrders: number; history: DependencyHistory; replica: Replica;
}) {
  const rates = new OutcomeRates(deps.rateWindowMs);
  return async (now = new Date()): Promise<DashboardState> => {
    const totals = callTotals(deps.dependencies);
    const page = await deps.orders.list({}, deps.lastOrders);
    const perSecond = rates.sample(now.getTime(), totals);
    const dependencies = deps.dependencies.map((d) => {
      const s = d.snapshot();
      return { name: s.name, state: s.state, nextAttemptAt: s.nextAttemptAt, inFlight: s.inFlight, maxConcurrent: s.maxConcurrent, ratesPerSecond: perSecond[s.name]! };
    });
    return { at: now, rateWindowSeconds: deps.rateWindowMs / 1000, dependencies, orders: page.items, replica: deps.replica, history: deps.history.snapshot() };
  };
}
