import { OUTCOMES, type Outcome } from '../clients/resilience/call-record';
import type { Dependency } from '../clients/resilience/dependency';

export { OUTCOMES, type Outcome };

/** Calls per outcome since start-up, per dependency (what `order_dependency_calls_total` counts). */
export type OutcomeTotals = Record<string, Record<Outcome, number>>;
export type OutcomeRatesPerSecond = Record<Outcome, number>;

/** Each dependency's calls per outcome so far, as the dependency keeps them. */
export const callTotals = (dependencies: Dependency[]): OutcomeTotals =>
  Object.fromEntries(dependencies.map((d) => [d.name, d.callCounts().outcomes]));

interface Sample {
  at: number;
  totals: OutcomeTotals;
}

const ZERO: OutcomeRatesPerSecond = { success: 0, failure: 0, timeout: 0, rejected: 0 };

/**
 * Outcomes per second over a sliding window, from samples of monotonic counters taken whenever
 * someone asks (the dashboard's polls): no timer of its own, so nothing to stop and no work while
 * nobody looks. The baseline is the newest sample at or before the window's start, so a rate
 * covers at least the window once there is history, and falls back to zero when a dependency
 * went quiet.
 */
export class OutcomeRates {
  private samples: Sample[] = [];

  constructor(private readonly windowMs: number) {}

  /** Records `totals` as of `at` (ms) and answers each dependency's rates since the baseline. */
  sample(at: number, totals: OutcomeTotals): Record<string, OutcomeRatesPerSecond> {
    this.samples.push({ at, totals });
    while (this.samples.length > 1 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
    const base = this.samples[0]!;
    const seconds = (at - base.at) / 1000;
    return Object.fromEntries(Object.entries(totals).map(([dependency, now]) => {
      if (seconds <= 0) return [dependency, { ...ZERO }];
      const before = base.totals[dependency] ?? ZERO;
      const rates = Object.fromEntries(OUTCOMES.map((o) => [o, Math.max(0, now[o] - before[o]) / seconds]));
      return [dependency, rates as OutcomeRatesPerSecond];
    }));
  }
}
