// Row locks held by a test in a transaction of its own, and what the database's backends are
// doing: for tests about lock waits, which must prove the wait happened rather than sleep for it.
import { Client } from 'pg';
import { until } from './polling';

/** How long a backend takes to show its wait in pg_stat_activity: soon, so asked often. */
const POLL_BACKENDS = { timeoutMs: 3_000, everyMs: 10 };

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface HeldLock {
  /** The backend holding the lock. */
  pid: number;
  /** Ends the test's transaction: ROLLBACK (nothing it did stays) or COMMIT. */
  free(end?: 'ROLLBACK' | 'COMMIT'): Promise<void>;
}

/** Opens a transaction, runs `sql` in it (a SELECT … FOR UPDATE, an UPDATE) and keeps it open. */
export async function holdInTransaction(databaseUrl: string, sql: string, params: unknown[]): Promise<HeldLock> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query(sql, params);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return {
    pid: rows[0].pid,
    async free(end = 'ROLLBACK') {
      await client.query(end);
      await client.end();
    },
  };
}

/** Waits until some backend waits for a lock held by `pid`: the request has reached the row. */
export function waitUntilBlockedBy(databaseUrl: string, pid: number): Promise<void> {
  return withClient(databaseUrl, async (client) => {
    await until(`a backend to wait on the lock held by ${pid}`, async () =>
      (await client.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows.length > 0, POLL_BACKENDS);
  });
}

/** Waits until `n` backends of the database wait for locks (a chain: one waits on another that waits). */
export function waitUntilWaiting(databaseUrl: string, n: number): Promise<void> {
  return withClient(databaseUrl, async (client) => {
    await until(`${n} backends to wait for locks`, async () => (await client.query(
      'SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0')).rows.length >= n, POLL_BACKENDS);
  });
}

/** The database's backends, other than `exceptPids`, that wait for a lock or sit in a transaction. */
export function busyBackends(databaseUrl: string, exceptPids: number[]): Promise<Array<{ state: string; wait: string | null }>> {
  return withClient(databaseUrl, async (client) => (await client.query<{ state: string; wait: string | null }>(
    `SELECT state, wait_event_type AS wait FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT (pid = ANY($1::int[]))
        AND (state <> 'idle' OR wait_event_type = 'Lock')`, [exceptPids])).rows);
}
