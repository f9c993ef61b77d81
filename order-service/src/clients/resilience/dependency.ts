import CircuitBreaker from 'opossum';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { FAIR_ATTEMPT_MS, MIN_USEFUL_ATTEMPT_MS, spanEvent } from 'service-platform';
import type { Deadline } from 'service-platform';
import { Bulkhead } from './bulkhead';
import { type Buckets, CALL_DURATION_BUCKETS, CallRecord, type Outcome } from './call-record';
import { DependencyUnavailable } from './dependency-unavailable';
import { backoffMs, isTimeout, isTransient, type RetryPolicy } from './retry-policy';

export interface BreakerPolicy {
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeoutMs: number;
  rollingWindowMs: number;
}

export interface DependencyPolicy {
  breaker: BreakerPolicy;
  retry: RetryPolicy;
  maxConcurrent: number;
}

/** One attempt: gets the signal and timeout that the deadline leaves. */
export type Attempt<T> = (signal: AbortSignal, timeoutMs: number) => Promise<T>;

export interface DependencySnapshot {
  name: string;
  state: 'closed' | 'open' | 'half-open';
  nextAttemptAt: string | null;
  inFlight: number;
  maxConcurrent: number;
  stats: { successes: number; failures: number; timeouts: number; rejections: number };
}

const STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;
const CALL_DURATION_METRIC = 'order_dependency_call_duration_seconds';
export type BreakerState = DependencySnapshot['state'];

/** One set of dependency metrics per registry, labelled by dependency. */
function dependencyMetrics(registry: Registry) {
  const calls = (registry.getSingleMetric('order_dependency_calls_total') as Counter<'dependency' | 'outcome'> | undefined) ??
    new Counter({
      name: 'order_dependency_calls_total',
      help: 'Calls to each dependency by outcome (success, failure, timeout, rejected)',
      labelNames: ['dependency', 'outcome'] as const,
      registers: [registry],
    });
  const state = (registry.getSingleMetric('order_dependency_breaker_state') as Gauge<'dependency'> | undefined) ??
    new Gauge({
      name: 'order_dependency_breaker_state',
      help: 'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open',
      labelNames: ['dependency'] as const,
      registers: [registry],
    });
  const duration = (registry.getSingleMetric(CALL_DURATION_METRIC) as Histogram<'dependency'> | undefined) ??
    new Histogram({
      name: CALL_DURATION_METRIC,
      help: 'Duration of each call attempt sent to a dependency (answered, failed or timed out), in seconds',
      labelNames: ['dependency'] as const,
      buckets: CALL_DURATION_BUCKETS,
      registers: [registry],
    });
  return { calls, state, duration };
}

/**
 * Everything between Order and one service it depends on: a bulkhead, an opossum circuit breaker
 * (one per dependency, counting failures, never 4xx answers, which are returned not thrown), and
 * retries with full-jitter backoff for transient failures, all inside the request's deadline.
 *
 * What the breaker counts: every attempt that is fired is one sample of its volume (retries of one
 * call count per attempt: each is a real call the dependency answered or failed); an attempt that
 * times out counts as a timeout and a failure (opossum's own semantics), shown in /dependencies;
 * an attempt that would get less than MIN_USEFUL_ATTEMPT_MS is not fired, so it counts nothing; one
 * with less than FAIR_ATTEMPT_MS is fired outside the breaker's statistics (a slow Catalog that
 * leaves Account 60 ms must not open Account's breaker). The calls metric counts every attempt.
 */
export class Dependency {
  private readonly breaker: CircuitBreaker<[Attempt<unknown>, AbortSignal, number], unknown>;
  private readonly bulkhead: Bulkhead;
  private openedAt = 0;
  /** Calls refused before they were made (`refusalWhileOpen`): rejections opossum never saw. */
  private refusedWhileOpen = 0;
  private readonly calls: Counter<'dependency' | 'outcome'>;
  private readonly stateGauge: Gauge<'dependency'>;
  private readonly duration: Histogram<'dependency'>;
  /** The same counts, kept here for the dashboard (`calls()`). */
  private readonly record = new CallRecord();
  private readonly stateListeners: ((state: BreakerState, at: number) => void)[] = [];

  constructor(readonly name: string, private readonly policy: DependencyPolicy, registry: Registry) {
    this.bulkhead = new Bulkhead(policy.maxConcurrent);
    this.breaker = new CircuitBreaker((attempt: Attempt<unknown>, signal: AbortSignal, timeoutMs: number) => this.timed(attempt, signal, timeoutMs), {
      name,
      // The deadline bounds every attempt (its signal and timeout); a second clock would only
      // disagree. Timeouts are still counted: `timed` reports them to opossum's stats.
      timeout: false,
      errorThresholdPercentage: policy.breaker.errorThresholdPercentage,
      volumeThreshold: policy.breaker.volumeThreshold,
      resetTimeout: policy.breaker.resetTimeoutMs,
      rollingCountTimeout: policy.breaker.rollingWindowMs,
      // Nothing reads opossum's latency percentiles or its periodic snapshots (our histogram and
      // CallRecord time the attempts). Kept on, every call's latency is stored for the window, and
      // every failure (opossum reads its stats to decide whether to open) and every snapshot
      // concatenates and sorts them all: ~1 ms of CPU per failure with 13 k calls in the window.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    this.breaker.on('open', () => (this.openedAt = Date.now()));
    const metrics = dependencyMetrics(registry);
    this.calls = metrics.calls;
    this.stateGauge = metrics.state;
    this.duration = metrics.duration;
    this.stateGauge.set({ dependency: name }, STATE_VALUE.closed);
    const track = () => {
      const state = this.state();
      this.stateGauge.set({ dependency: name }, STATE_VALUE[state]);
      const at = Date.now();
      this.stateListeners.forEach((listener) => listener(state, at));
    };
    this.breaker.on('open', track);
    this.breaker.on('halfOpen', track);
    this.breaker.on('close', track);
  }

  /** Runs one attempt; a timeout is reported as opossum's 'timeout' (its stats count it; the failure follows). */
  private async timed(attempt: Attempt<unknown>, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    const started = Date.now();
    try {
      return await attempt(signal, timeoutMs);
    } catch (err) {
      if (isTimeout(err)) this.breaker.emit('timeout', err, Date.now() - started);
      throw err;
    }
  }

  /** Called on every breaker state change, with the new state and when (ms): the dashboard marks them. */
  onStateChange(listener: (state: BreakerState, at: number) => void): void {
    this.stateListeners.push(listener);
  }

  state(): DependencySnapshot['state'] {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /**
   * While the breaker is open (not half-open: a trial call must be let through), the refusal any
   * call would get now, counted as a rejected call; else null. Lets Order answer before it records
   * an order that could only fail.
   */
  refusalWhileOpen(): DependencyUnavailable | null {
    if (!this.breaker.opened) return null;
    this.refusedWhileOpen++;
    spanEvent('breaker_open', { 'order.dependency': this.name }); // on the request's span: no saga step runs
    this.count('rejected');
    return new DependencyUnavailable(this.name, 'breaker_open', this.retryAfterSeconds(), false);
  }

  /** One call outcome, counted for /metrics and for the dashboard. */
  private count(outcome: Outcome): void {
    this.calls.inc({ dependency: this.name, outcome });
    this.record.count(outcome);
  }

  /** Calls since start-up: outcomes and attempt durations (what /metrics exports, read directly). */
  callCounts(): { outcomes: Record<Outcome, number>; durations: Buckets } {
    return { outcomes: this.record.outcomes(), durations: this.record.durations() };
  }

  /** When a call may succeed again: an open breaker's reset, else at once (1 s, the header's least). */
  retryAfterSeconds(): number {
    if (!this.breaker.opened) return 1;
    return Math.max(1, Math.ceil((this.openedAt + this.policy.breaker.resetTimeoutMs - Date.now()) / 1000));
  }

  /**
   * Runs `attempt` through bulkhead, breaker and retries. Only pass `retrySafe: true` for calls
   * that are idempotent (every saga call is: each is keyed by the order id).
   */
  async call<T>(deadline: Deadline, attempt: Attempt<T>, retrySafe: boolean): Promise<T> {
    if (!this.bulkhead.tryEnter()) {
      this.count('rejected');
      throw new DependencyUnavailable(this.name, 'bulkhead_full', 1, false);
    }
    try {
      return await this.withRetries(deadline, attempt, retrySafe);
    } finally {
      this.bulkhead.leave();
    }
  }

  private async withRetries<T>(deadline: Deadline, attempt: Attempt<T>, retrySafe: boolean): Promise<T> {
    let sent = false; // did any attempt get past the breaker? (then the dependency may have acted)
    const tracked: Attempt<T> = async (signal, timeoutMs) => {
      sent = true;
      const started = performance.now();
      try {
        return await attempt(signal, timeoutMs);
      } finally {
        const seconds = (performance.now() - started) / 1000;
        this.duration.observe({ dependency: this.name }, seconds);
        this.record.observe(seconds);
      }
    };
    for (let n = 0; ; n++) {
      if (deadline.remainingMs() < MIN_USEFUL_ATTEMPT_MS) throw new DependencyUnavailable(this.name, 'budget_exhausted', 1, sent);
      try {
        const remaining = deadline.remainingMs();
        const result = remaining < FAIR_ATTEMPT_MS && this.state() === 'closed'
          ? await deadline.within((signal) => tracked(signal, remaining))
          : ((await deadline.within((signal) => this.breaker.fire(tracked as Attempt<unknown>, signal, remaining))) as T);
        this.count('success');
        return result;
      } catch (err) {
        if ((err as { code?: string }).code === 'EOPENBREAKER') {
          spanEvent('breaker_open', { 'order.dependency': this.name });
          this.count('rejected');
          throw new DependencyUnavailable(this.name, 'breaker_open', this.retryAfterSeconds(), sent);
        }
        this.count(isTimeout(err) ? 'timeout' : 'failure');
        const delay = backoffMs(this.policy.retry, n);
        const canRetry = retrySafe && isTransient(err) && n + 1 < this.policy.retry.maxAttempts;
        if (!canRetry || delay + MIN_USEFUL_ATTEMPT_MS >= deadline.remainingMs()) {
          throw new DependencyUnavailable(this.name, deadline.remainingMs() < MIN_USEFUL_ATTEMPT_MS ? 'budget_exhausted' : 'failed', this.retryAfterSeconds(), sent);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  snapshot(): DependencySnapshot {
    const s = this.breaker.stats;
    const state = this.state();
    return {
      name: this.name,
      state,
      nextAttemptAt: state === 'open' ? new Date(this.openedAt + this.policy.breaker.resetTimeoutMs).toISOString() : null,
      inFlight: this.bulkhead.inFlight,
      maxConcurrent: this.bulkhead.max,
      stats: { successes: s.successes, failures: s.failures, timeouts: s.timeouts, rejections: s.rejects + this.refusedWhileOpen },
    };
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}
