// inTransaction on a real PostgreSQL, over a pg-based runner: what Catalog's and Account's
// repositories rely on when two transactions lock the same rows in opposite orders.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { createTestDatabase } from '../../test-support/test-database';
import { inTransaction, type SqlRunner, type TransactionRunner } from '../src/transactions';

/** What the transaction helpers need of Prisma, over a pg pool. */
function pgRunner(pool: Pool): TransactionRunner<SqlRunner> & SqlRunner {
  const runnerOf = (q: Pool | PoolClient): SqlRunner => ({
    $queryRawUnsafe: async <T>(sql: string, ...values: unknown[]) => (await q.query(sql, values)).rows as T,
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

describe('inTransaction', () => {
  let pool: Pool;
  let db: TransactionRunner<SqlRunner> & SqlRunner;
  beforeAll(async () => {
    const url = await createTestDatabase('tx', path.join(__dirname, 'transaction-fixture/migrations'));
    pool = new Pool({ connectionString: url, max: 10 });
    db = pgRunner(pool);
  });
  afterAll(() => pool.end());

  async function widget(units: number): Promise<string> {
    const id = `w-${randomUUID()}`;
    await pool.query('INSERT INTO widgets (id, units) VALUES ($1, $2)', [id, units]);
    return id;
  }
  const unitsOf = async (id: string) => (await pool.query<{ units: number }>('SELECT units FROM widgets WHERE id = $1', [id])).rows[0].units;

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
