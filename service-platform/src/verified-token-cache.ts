/**
 * Customer tokens already verified, so that a customer's next request with the same token skips the
 * signature check (ES256 is most of what authentication costs). An entry answers only while all of
 * these hold, otherwise the token is verified again in full:
 * - it is the same token string (the key), checked by the same settings (one cache per settings);
 * - the key set is the one it was verified with (any change of keys empties the cache: a token
 *   signed by a withdrawn key is refused from then on);
 * - the token's own `nbf` has passed and its `exp` has not (no clock tolerance: past `exp`, full
 *   verification decides, with its tolerance, exactly as without the cache).
 * Only successes are kept; a refusal is never cached. Bounded: the least recently used entry goes.
 */
export interface TokenValidity {
  /** Seconds since the epoch (the claims). */
  exp: number;
  nbf?: number;
}

interface Entry<T> { value: T; notBeforeMs: number; expiresAtMs: number }

export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>(); // in order of use: the first is the least recent
  private keySetVersion: number | undefined;
  /** Lookups answered from the cache, and those that went on to full verification. */
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether `token` is held (tests; does not count as a use). */
  has(token: string): boolean {
    return this.entries.has(token);
  }

  /** The verified answer for `token` at `nowMs` under key set `version` (undefined: none usable), if it may be served. */
  get(token: string, nowMs: number, version: number | undefined): T | undefined {
    const value = this.lookup(token, nowMs, version);
    if (value === undefined) this.misses += 1;
    else this.hits += 1;
    return value;
  }

  private lookup(token: string, nowMs: number, version: number | undefined): T | undefined {
    if (version === undefined) return undefined;
    if (version !== this.keySetVersion) {
      this.entries.clear();
      this.keySetVersion = version;
      return undefined;
    }
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (nowMs < entry.notBeforeMs || nowMs >= entry.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    this.entries.delete(token); // most recently used: to the end
    this.entries.set(token, entry);
    return entry.value;
  }

  /** Keeps a verification's answer; `version`: the key set read before the verification began. */
  set(token: string, value: T, validity: TokenValidity, version: number | undefined): void {
    if (this.maxEntries <= 0 || version === undefined || version !== this.keySetVersion) return; // the set changed meanwhile
    this.entries.delete(token);
    this.entries.set(token, { value, notBeforeMs: (validity.nbf ?? 0) * 1000, expiresAtMs: validity.exp * 1000 });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
