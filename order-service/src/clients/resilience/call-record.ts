/** How a call to a dependency ended, as counted for /metrics and the dashboard. */
export const OUTCOMES = ['success', 'failure', 'timeout', 'rejected'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Upper bounds (seconds) of the call-duration buckets, for the prom-client histogram and this record alike. */
export const CALL_DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Cumulative counts of calls at or under each bound (`le`, the last Infinity), as a Prometheus histogram has them. */
export interface Buckets {
  le: number[];
  counts: number[];
}

/**
 * A dependency's calls since start-up, kept by the Dependency itself as it counts them for
 * Prometheus: outcomes, and attempt durations in the histogram's buckets. The dashboard reads
 * these from the registry of dependencies, not back out of metric names.
 */
export class CallRecord {
  private readonly totals: Record<Outcome, number> = { success: 0, failure: 0, timeout: 0, rejected: 0 };
  private readonly perBucket = new Array<number>(CALL_DURATION_BUCKETS.length + 1).fill(0);

  count(outcome: Outcome): void {
    this.totals[outcome]++;
  }

  observe(seconds: number): void {
    const i = CALL_DURATION_BUCKETS.findIndex((le) => seconds <= le);
    this.perBucket[i === -1 ? CALL_DURATION_BUCKETS.length : i]++;
  }

  outcomes(): Record<Outcome, number> {
    return { ...this.totals };
  }

  durations(): Buckets {
    let running = 0;
    return { le: [...CALL_DURATION_BUCKETS, Infinity], counts: this.perBucket.map((n) => (running += n)) };
  }
}
