import type { DependencyName, Unavailable, UnavailableReason } from '../../domain/ports';

/**
 * Thrown by `Dependency.call` when the dependency cannot be used now (breaker open, bulkhead full,
 * budget spent, or it failed after the retries); the adapters answer it as the domain's `unavailable`.
 */
export class DependencyUnavailable extends Error {
  readonly code = 'dependency_unavailable';
  readonly unavailable: Unavailable;
  /** `sent`: whether any attempt may have reached the dependency (false: it cannot have acted). */
  constructor(dependency: string, reason: UnavailableReason, retryAfterSeconds: number, sent = true) {
    super(`${dependency}: ${reason}`);
    this.name = 'DependencyUnavailable';
    this.unavailable = { dependency: dependency as DependencyName, reason, sent, retryAfterSeconds };
  }
}

export const isDependencyUnavailable = (e: unknown): e is DependencyUnavailable =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'dependency_unavailable' && 'unavailable' in e;
