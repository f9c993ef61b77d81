import { errors as joseErrors, type FlattenedJWSInput, type JWSHeaderParameters, type JWTVerifyGetKey } from 'jose';
import { IdentityProviderUnavailable } from './auth-errors';
import { type FetchedKeySet, fetchJwks } from './jwks-fetch';

export interface KeySetSettings {
  jwksUrl: string;
  /** A token with a `kid` the set lacks refetches the set only if it is at least this old. */
  cooldownSeconds: number;
  /** How long the last good set is still used while refreshes fail. */
  maxStaleSeconds: number;
  /** A set this old is refreshed in the background (default 600). */
  maxAgeSeconds?: number;
  timeoutMs?: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** The identity provider as `/dependencies` lists it. */
export interface KeySetSnapshot {
  name: 'identity-provider';
  url: string;
  /** Null: no set was ever fetched. */
  keySetAgeSeconds: number | null;
  /** False: no set younger than maxStale, so customer tokens are answered 503. */
  usable: boolean;
  keys: number;
  /** Why the last fetch failed; null once one succeeds. */
  lastError: string | null;
  consecutiveFailures: number;
  /** When the last fetch (successful or not) started. */
  lastFetchAt: string | null;
  /** While backing off after a failure: the earliest next fetch. */
  nextAttemptAt: string | null;
}

export interface JwksKeySet {
  /** For jose's `jwtVerify(token, keySet.key, …)`. */
  key: JWTVerifyGetKey;
  snapshot(): KeySetSnapshot;
  /**
   * Which set `key` would verify with now: a number that changes whenever a fetch brings different
   * keys (a rotation, a key withdrawn), or undefined when no set is usable (verification would be
   * 503). Like `key`, it starts the background refresh of a set older than maxAge, so that callers
   * answering from a cache of verified tokens still notice a rotation.
   */
  version(): number | undefined;
  /** Resolves once no refresh is in flight (tests, shutdown). */
  settled(): Promise<void>;
}

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

/** Back-off after `failures` consecutive failed fetches: 1 s, doubling, at most 60 s. */
export const backoffMs = (failures: number): number => Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failures - 1));

/**
 * The identity provider's JWKS, cached so that its outages reach as few requests as possible:
 * a set older than maxAge is refreshed in the background while requests are answered from it
 * (stale-while-revalidate, one fetch in flight); a failed fetch is retried only after the back-off,
 * however many tokens arrive meanwhile; the last good set serves for up to maxStale. Without one,
 * a token is answered `IdentityProviderUnavailable` (503, Retry-After: the next attempt), never
 * a token error: the caller did nothing wrong.
 */
export function jwksKeySet(settings: KeySetSettings): JwksKeySet {
  const now = settings.now ?? Date.now;
  const maxAgeMs = (settings.maxAgeSeconds ?? 600) * 1000;
  const maxStaleMs = settings.maxStaleSeconds * 1000;
  const cooldownMs = settings.cooldownSeconds * 1000;
  const timeoutMs = settings.timeoutMs ?? 2_000;
  let cached: (FetchedKeySet & { fetchedAt: number }) | undefined;
  let failures = 0;
  let retryAt = 0; // no fetch before this: the back-off after a failure
  let lastError: string | null = null;
  let lastFetchAt: number | null = null;
  let inFlight: Promise<boolean> | undefined;
  let version = 0; // bumped when a fetch brings keys that differ from the cached ones

  /** Callers arriving while a fetch runs share it. Never rejects: the outcome is in the state. */
  function refresh(): Promise<boolean> {
    inFlight ??= (async () => {
      const startedAt = (lastFetchAt = now());
      try {
        const fetched = await fetchJwks(settings.jwksUrl, timeoutMs);
        if (fetched.fingerprint !== cached?.fingerprint) version += 1;
        cached = { ...fetched, fetchedAt: startedAt };
        [failures, retryAt, lastError] = [0, 0, null];
        return true;
      } catch (err) {
        failures += 1;
        retryAt = now() + backoffMs(failures);
        lastError = err instanceof Error ? err.message : String(err);
        return false;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  /** A fetch the request must wait for; while backing off, none is made and the answer is 503 at once. */
  async function fetchedNow(): Promise<FetchedKeySet> {
    if (!inFlight && now() < retryAt) throw unavailable();
    if (!(await refresh())) throw unavailable();
    return cached!;
  }

  const unavailable = () => new IdentityProviderUnavailable(Math.max(1, Math.ceil((retryAt - now()) / 1000)));
  const usableSet = () => (cached && now() - cached.fetchedAt < maxStaleMs ? cached : undefined);

  /** The usable set, refreshed in the background (not awaited: stale-while-revalidate) when it is old. */
  function currentSet() {
    const usable = usableSet();
    if (usable && now() - usable.fetchedAt >= maxAgeMs && now() >= retryAt) void refresh();
    return usable;
  }

  async function key(header: JWSHeaderParameters, token: FlattenedJWSInput) {
    const usable = currentSet();
    if (!usable) return (await fetchedNow()).resolve(header, token);
    try {
      return await usable.resolve(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
      // A set fetched within the cooldown is current: a kid it lacks is not the provider's. An
      // older one may predate a key rotation: refetch once (a kid still absent is refused).
      if (now() - usable.fetchedAt < cooldownMs) throw err;
      return (await fetchedNow()).resolve(header, token);
    }
  }

  return {
    key,
    version: () => (currentSet() ? version : undefined),
    snapshot: () => ({
      name: 'identity-provider',
      url: settings.jwksUrl,
      keySetAgeSeconds: cached ? Math.floor((now() - cached.fetchedAt) / 1000) : null,
      usable: usableSet() !== undefined,
      keys: cached?.keys ?? 0,
      lastError,
      consecutiveFailures: failures,
      lastFetchAt: lastFetchAt === null ? null : new Date(lastFetchAt).toISOString(),
      nextAttemptAt: retryAt > now() ? new Date(retryAt).toISOString() : null,
    }),
    settled: async () => {
      while (inFlight) await inFlight;
    },
  };
}
