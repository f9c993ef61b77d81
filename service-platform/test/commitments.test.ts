// The commitment kit on a real PostgreSQL, with a resource of its own (widgets) and a pg-based
// runner: what Catalog's reservations and Account's holds share, tested once. The claims are made
// here as the services' SQL functions make theirs (a 'held' row inserted, then the resource taken,
// in one transaction), in steps the test can hold between.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { createTestDatabase } from '../../test-support/test-database';
import { commitmentKit } from '../src/commitments';
import { inTransaction, type SqlRunner, type TransactionRunner } from '../src/transactions';

const HASH = 'a'.repeat(64);

/** A hook the test sets to act just before a statement of a transaction runs (null: none). */
let beforeStatement: ((sql: string) => Promise<void>) | null = null;

/** What the kit needs of Prisma, over a pg pool. */
function pgRunner(pool: Pool): TransactionRunner<SqlRunner> & SqlRunner {
  const runnerOf = (q: Pool | PoolClient): SqlRunner => ({
    $queryRawUnsafe: async <T>(sql: string, ...values: unknown[]) => {
      if (q !== pool) await beforeStatement?.(sql);
      return (await q.query(sql, values)).rows as T;
    },
    $executeRawUnsafe: async (sql: string, ...values: unknown[]) => (await q.query(sql, values)).rowCount ?? 0,
  });
  return {
    ...runnerOf(pool),
    async $transaction<R>(fn: (tx: SqlRunner) => Promise<R>): Promise<R> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(runnerOf(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

describe('commitmentKit', () => {
  let pool: Pool;
  let db: TransactionRunner<SqlRunner> & SqlRunner;
  let kit: ReturnType<typeof commitmentKit<SqlRunner>>;
  beforeAll(async () => {
    const url = await createTestDatabase('kit', path.join(__dirname, 'commitment-fixture/migrations'));
    pool = new Pool({ connectionString: url, max: 10 });
    db = pgRunner(pool);
    kit = commitmentKit<SqlRunner>(db, {
      table: 'claims',
      giveBack: async (tx, ids) => {
        await tx.$queryRawUnsafe('SELECT id FROM widgets WHERE id IN (SELECT widget_id FROM claims WHERE id = ANY($1)) ORDER BY id FOR UPDATE', ids);
        await tx.$executeRawUnsafe(`UPDATE widgets w SET units = w.units + c.units FROM
          (SELECT widget_id, SUM(units)::int AS units FROM claims WHERE id = ANY($1) GROUP BY widget_id) c WHERE w.id = c.widget_id`, ids);
      },
    });
  });
  afterAll(() => pool.end());

  async function widget(units: number): Promise<string> {
    const id = `w-${randomUUID()}`;
    await pool.query('INSERT INTO widgets (id, units) VALUES ($1, $2)', [id, units]);
    return id;
  }
  const unitsOf = async (id: string) => (await pool.query<{ units: number }>('SELECT units FROM widgets WHERE id = $1', [id])).rows[0].units;
  /**
   * A claim as the services' SQL functions make one: the 'held' row, then the units taken, in one
   * transaction (optionally waiting for `gate` in between). 'exists': the id was there already.
   */
  const claim = (id: string, widgetId: string, units: number, gate?: Promise<void>, ttlSeconds = 300) =>
    db.$transaction(async (tx): Promise<'created' | 'exists'> => {
      const inserted = await tx.$executeRawUnsafe(
        `INSERT INTO claims (id, status, request_hash, expires_at, widget_id, units)
         VALUES ($1, 'held', $2, now() + make_interval(secs => $3::int), $4, $5) ON CONFLICT (id) DO NOTHING`, id, HASH, ttlSeconds, widgetId, units);
      if (inserted === 0) return 'exists';
      await gate;
      await tx.$executeRawUnsafe('UPDATE widgets SET units = units - $2 WHERE id = $1', widgetId, units);
      return 'created';
    });
  /** Settling as the services' functions do it: held and not past its expiry → used. */
  const settle = async (id: string) =>
    (await pool.query("UPDATE claims SET status = 'used' WHERE id = $1 AND status = 'held' AND expires_at > now()", [id])).rowCount === 1;
  const statusOf = async (id: string) =>
    (await pool.query<{ status: string }>('SELECT status FROM claims WHERE id = $1', [id])).rows[0]?.status;

  test('when an unknown id is released, then it is closed: a later claim with it finds the tombstone and takes nothing', async () => {
    const w = await widget(10);
    const id = randomUUID();
    expect(await kit.release(id)).toBeNull();
    expect(await claim(id, w, 3)).toBe('exists');
    expect(await statusOf(id)).toBe('released');
    expect(await unitsOf(w)).toBe(10);
  });

  test('when a held commitment is released twice, then the resource comes back once and it cannot be settled', async () => {
    const w = await widget(10);
    const id = randomUUID();
    await claim(id, w, 3);
    expect(await kit.release(id)).toBe('held');
    expect(await kit.release(id)).toBe('released');
    expect(await settle(id)).toBe(false);
    expect(await unitsOf(w)).toBe(10);
  });

  test('when a commitment is past its expiry, then it cannot be settled, and two sweeps give it back once', async () => {
    const w = await widget(10);
    const id = randomUUID();
    await claim(id, w, 4);
    await pool.query("UPDATE claims SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    expect(await settle(id)).toBe(false);
    const swept = await Promise.all([kit.expireDue(), kit.expireDue()]);
    expect(swept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await unitsOf(w)).toBe(10);
    expect(await kit.release(id)).toBe('expired');
  });

  test('when a release arrives while the claim of its id is still in its transaction, then it waits, and releases that claim once it commits', async () => {
    const w = await widget(10);
    const id = randomUUID();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const claiming = claim(id, w, 4, gate); // inserts the claim, then waits at the gate
    await until(async () => (await pool.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'")).rowCount === 1);
    const releasing = kit.release(id);
    // The release's tombstone insert waits on the uncommitted claim of the same id.
    await until(async () => (await pool.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rowCount === 1);
    open();
    expect(await claiming).toBe('created');
    expect(await releasing).toBe('held');
    expect(await unitsOf(w)).toBe(10);
  });

  test('when the claim of an id commits between the release\'s UPDATE and its SELECT, then the release sees it held and releases it', async () => {
    const w = await widget(10);
    const id = randomUUID();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const claiming = claim(id, w, 4, gate);
    await until(async () => (await pool.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'")).rowCount === 1);
    beforeStatement = async (sql) => {
      if (!sql.startsWith('SELECT status FROM claims')) return;
      beforeStatement = null;
      open(); // the release's UPDATE found nothing; now the claim commits before its SELECT
      await claiming;
    };
    try {
      expect(await kit.release(id)).toBe('held');
    } finally {
      beforeStatement = null;
    }
    expect(await claiming).toBe('created');
    expect(await unitsOf(w)).toBe(10);
  });

  test('when two transactions deadlock, then inTransaction runs the loser again and both commit', async () => {
    const [a, b] = [await widget(10), await widget(10)];
    let attempts = 0;
    let arrivals = 0;
    let bothHoldOne!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    const lockBoth = (first: string, second: string) => inTransaction(db, async (tx) => {
      attempts++;
      await tx.$executeRawUnsafe('UPDATE widgets SET units = units - 1 WHERE id = $1', first);
      if (++arrivals === 2) bothHoldOne();
      await barrier; // each holds its first row: locking the other's now is a deadlock
      await tx.$executeRawUnsafe('UPDATE widgets SET units = units - 1 WHERE id = $1', second);
    });
    await Promise.all([lockBoth(a, b), lockBoth(b, a)]);
    expect(attempts).toBe(3);
    expect([await unitsOf(a), await unitsOf(b)]).toEqual([8, 8]);
  });
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met in time');
}
