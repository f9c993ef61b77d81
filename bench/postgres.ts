// The PostgreSQL server the benchmark runs on (DATABASE_URL, or an embedded one in a temp dir),
// what it is, and the counters used to count the commits one order needs.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from 'service-platform';

export interface Server {
  /** A URL on the server (database `postgres`). */
  url: string;
  source: 'DATABASE_URL' | 'embedded';
  stop(): Promise<void>;
}

export async function acquirePostgres(): Promise<Server> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: 'DATABASE_URL', stop: async () => undefined };
  // The temp dir is made reachable for the postgres OS user (needed when running as root).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'order-ref-bench-'));
  chmodSync(dir, 0o755);
  try {
    const pg = await startEmbeddedPostgres(path.join(dir, 'pg'));
    return {
      url: pg.urlFor('postgres'),
      source: 'embedded',
      stop: async () => {
        await pg.stop().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The same server, another database. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function serverInfo(url: string) {
  const [{ version }] = await query<{ version: string }>(url, 'SELECT version()');
  const settings = await query<{ name: string; setting: string }>(url,
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections', 'wal_level')`);
  return { version, settings: Object.fromEntries(settings.map((s) => [s.name, s.setting])) };
}

export async function scratchDatabase(serverUrl: string, name: string): Promise<string> {
  const url = databaseUrl(serverUrl, name);
  await ensureDatabase(url);
  return url;
}

export async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  for (const name of names) {
    if (!/^[\w-]{1,63}$/.test(name)) continue;
    await query(databaseUrl(serverUrl, 'postgres'), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
  }
}

export interface Counters {
  at: number;
  /** Sum of pg_stat_database.xact_commit over the databases (read-only transactions included). */
  commits: number;
  /** The next transaction id: its advance counts the transactions that wrote (server-wide). */
  nextXid: number;
}

/**
 * xact_commit is flushed by each backend when it goes idle, at most once a second, and an idle
 * backend may keep its counts up to 10 s: read it again after such a pause to see every commit.
 */
export async function counters(serverUrl: string, databases: string[]): Promise<Counters> {
  const [row] = await query<{ commits: string; xid: string }>(databaseUrl(serverUrl, 'postgres'),
    `SELECT (SELECT coalesce(sum(xact_commit), 0) FROM pg_stat_database WHERE datname = ANY($1)) AS commits,
            pg_snapshot_xmax(pg_current_snapshot())::text AS xid`, [databases]);
  return { at: Date.now(), commits: Number(row.commits), nextXid: Number(row.xid) };
}
