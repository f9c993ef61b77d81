import type { BreakerState, Dependency } from '../clients/resilience/dependency';
import { type Buckets, bucketsSince, quantile } from './histogram-quantile';
import { callTotals, OUTCOMES, type Outcome, type OutcomeTotals } from './outcome-rates';

/** One dependency's samples, column by column (the shape uPlot draws): `at` in Unix seconds. */
export interface DependencySeries {
  name: string;
  at: number[];
  perSecond: Record<Outcome, number[]>;
  /** Call latency percentiles over each sample's interval, ms; null where no call was sent. */
  p50Ms: (number | null)[];
  p99Ms: (number | null)[];
  /** Breaker state changes, as they happened (not sampled): `at` in Unix seconds. */
  breakerChanges: { at: number; state: BreakerState }[];
}

export interface HistorySnapshot {
  windowSeconds: number;
  sampleSeconds: number;
  dependencies: DependencySeries[];
}

interface Reading {
  at: number;
  totals: OutcomeTotals;
  buckets: Record<string, Buckets>;
}

function read(dependencies: Dependency[], at: number): Reading {
  return { at, totals: callTotals(dependencies), buckets: Object.fromEntries(dependencies.map((d) => [d.name, d.callCounts().durations])) };
}

const toMs = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 100_000) / 100);

/**
 * The last `windowMs` of each dependency's calls, kept on the server: every `sample()` (Order's
 * timer calls it every `sampleMs`, whether or not anyone looks) adds one point per dependency with
 * its outcomes per second and p50/p99 call latency since the previous sample, from the counts each
 * dependency keeps (the same it exports to /metrics). Breaker
 * state changes are recorded when they happen. Everything is this process's own (one replica).
 */
export class DependencyHistory {
  private previous: Reading;
  private readonly series: Map<string, DependencySeries>;

  constructor(private readonly dependencies: Dependency[], private readonly opts: { windowMs: number; sampleMs: number }) {
    const names = dependencies.map((d) => d.name);
    // The counters start at zero with the app: the first sample covers the time since then.
    this.previous = { at: Date.now(), totals: {}, buckets: {} };
    this.series = new Map(names.map((name) => [name, {
      name, at: [], perSecond: { success: [], failure: [], timeout: [], rejected: [] }, p50Ms: [], p99Ms: [], breakerChanges: [],
    }]));
    for (const d of dependencies) d.onStateChange((state, at) => this.series.get(d.name)!.breakerChanges.push({ at: at / 1000, state }));
  }

  /** Adds one point per dependency. Answers 0: the periodic task that calls it has nothing to log. */
  async sample(now = Date.now()): Promise<number> {
    const reading = read(this.dependencies, now);
    const seconds = Math.max(0.001, (now - this.previous.at) / 1000);
    for (const s of this.series.values()) {
      const before = this.previous.totals[s.name];
      s.at.push(now / 1000);
      for (const o of OUTCOMES) s.perSecond[o].push(Math.max(0, reading.totals[s.name]![o] - (before?.[o] ?? 0)) / seconds);
      const observed = bucketsSince(reading.buckets[s.name]!, this.previous.buckets[s.name]);
      s.p50Ms.push(toMs(quantile(0.5, observed)));
      s.p99Ms.push(toMs(quantile(0.99, observed)));
      this.prune(s, now / 1000 - this.opts.windowMs / 1000);
    }
    this.previous = reading;
    return 0;
  }

  private prune(s: DependencySeries, from: number): void {
    const keep = s.at.findIndex((t) => t >= from);
    const drop = keep === -1 ? s.at.length : keep;
    if (drop > 0) for (const column of [s.at, s.p50Ms, s.p99Ms, ...Object.values(s.perSecond)]) column.splice(0, drop);
    s.breakerChanges = s.breakerChanges.filter((c) => c.at >= from);
  }

  snapshot(): HistorySnapshot {
    return {
      windowSeconds: this.opts.windowMs / 1000,
      sampleSeconds: this.opts.sampleMs / 1000,
      dependencies: [...this.series.values()].map((s) => structuredClone(s)),
    };
  }
}
