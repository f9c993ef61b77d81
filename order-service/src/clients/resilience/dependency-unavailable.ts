import { Problem } from 'service-platform';

export type UnavailableReason = 'breaker_open' | 'bulkhead_full' | 'budget_exhausted' | 'failed';

const WHY: Record<UnavailableReason, string> = {
  breaker_open: 'its circuit breaker is open after recent failures',
  bulkhead_full: 'too many calls to it are already in flight',
  budget_exhausted: 'the request\'s time budget ran out',
  failed: 'it did not answer successfully',
};

/** 503 + Retry-After: the answer whenever a dependency cannot be used now. */
export class DependencyUnavailable extends Problem {
  /** `sent`: whether any attempt may have reached the dependency (false: it cannot have acted). */
  constructor(readonly dependency: string, readonly reason: UnavailableReason, retryAfterSeconds: number, readonly sent = true) {
    super(503, 'dependency_unavailable', 'A service this order needs is unavailable', `${dependency}: ${WHY[reason]}.`,
      { dependency, reason }, { 'Retry-After': String(retryAfterSeconds) });
  }
}

export const isDependencyUnavailable = (e: unknown): e is DependencyUnavailable =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'dependency_unavailable';
