import { isAxiosError } from 'axios';
import { DependencyHttpError } from '../typed-http';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Worth another try: the dependency may not have seen the call, or may answer next time. */
export function isTransient(err: unknown): boolean {
  if (err instanceof DependencyHttpError) return err.status === 502 || err.status === 503 || err.status === 504;
  if (isAxiosError(err)) return err.response === undefined; // network error, timeout or abort
  return false;
}

/** A timeout or an abort by our own deadline, as opposed to a refused connection or a 5xx. */
export function isTimeout(err: unknown): boolean {
  return isAxiosError(err) && (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === 'ERR_CANCELED');
}

/** Exponential backoff with full jitter (AWS architecture blog): random in [0, min(cap, base * 2^n)]. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}
