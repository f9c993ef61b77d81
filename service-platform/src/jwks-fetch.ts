import { createLocalJWKSet, type JSONWebKeySet } from 'jose';

/** The identity provider's key set could not be fetched (its message says why, for /dependencies). */
export class JwksFetchFailed extends Error {
  override readonly name = 'JwksFetchFailed';
}

/** The key set as fetched: jose's local resolver over it, and how many keys it holds. */
export interface FetchedKeySet {
  resolve: ReturnType<typeof createLocalJWKSet>;
  keys: number;
  /** The keys in a canonical form (member and key order ignored): equal for an unchanged set. */
  fingerprint: string;
}

const canonical = (value: unknown): string => (value !== null && typeof value === 'object' && !Array.isArray(value)
  ? `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
  : JSON.stringify(value));

/**
 * One GET of the JWKS. Anything but a 200 whose body jose accepts as a key set is a failure
 * (a 503 page, an HTML error, `{}`), so that a broken answer never replaces a good cached set
 * and never surfaces as a token error. The timeout aborts the request itself, not just our wait.
 */
export async function fetchJwks(url: string, timeoutMs: number): Promise<FetchedKeySet> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    throw new JwksFetchFailed(describeFetchError(err, timeoutMs));
  }
  if (res.status !== 200) {
    await res.body?.cancel(); // frees the connection; the body of an error page is of no use here
    throw new JwksFetchFailed(`the JWKS answered HTTP ${res.status}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch (err) {
    throw new JwksFetchFailed(`the JWKS body could not be read as JSON (${describeFetchError(err, timeoutMs)})`);
  }
  try {
    const jwks = body as JSONWebKeySet;
    return { resolve: createLocalJWKSet(jwks), keys: jwks.keys.length, fingerprint: jwks.keys.map(canonical).sort().join('\n') };
  } catch {
    throw new JwksFetchFailed('the JWKS body is not a JSON Web Key Set');
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return err instanceof Error ? `${err.message}${cause}` : String(err);
}
