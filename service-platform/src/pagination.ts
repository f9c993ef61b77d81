import { InvalidCursor } from './errors';

/** The one list shape of every service. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;

/** A cursor is the opaque, url-safe form of the last key of the page before. */
export const encodeCursor = (key: string): string => Buffer.from(JSON.stringify({ k: key })).toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const key = (parsed as { k?: unknown }).k;
    // PostgreSQL text cannot hold NUL: such a key was never issued by us.
    if (typeof key === 'string' && key.length <= 256 && !key.includes('\u0000')) return key;
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw new InvalidCursor();
}

/** Builds a page from `limit + 1` rows ordered by key: the extra row only says that more exist. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more && items.length > 0 ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
