// The hot path's statements go to PostgreSQL as named prepared statements (parsed and planned once
// per connection, bench/prepared-cost.ts), one name per distinct text, values always bound, and a
// bounded number of names: texts past the bound run unnamed rather than fill every connection.
import path from 'node:path';
import { Pool } from 'pg';
import { createTestDatabase } from '../../test-support/test-database';
import { preparedStatements } from '../src/sql-pool';

describe('preparedStatements', () => {
  let url: string;
  let pool: Pool;
  beforeAll(async () => {
    url = await createTestDatabase('prepared', path.join(__dirname, 'transaction-fixture/migrations'));
  });
  // One connection per test: its prepared statements are the ones we see.
  beforeEach(() => {
    pool = new Pool({ connectionString: url, max: 1 });
  });
  afterEach(() => pool.end());

  const preparedOnTheConnection = async () =>
    (await pool.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name')).rows;

  test('when one text is asked again and again with other values, then it is prepared once under one name and each call binds its own values', async () => {
    const sql = preparedStatements(pool);
    const answers = await Promise.all([1, 2, 3].map(async (n) => (await sql.query<{ v: number }>('SELECT $1::int * 10 AS v', [n])).rows[0].v));
    expect(answers).toEqual([10, 20, 30]);
    const [first] = await preparedOnTheConnection();
    expect(await preparedOnTheConnection()).toEqual([{ name: expect.stringMatching(/^SELECT-[0-9a-f]{24}$/), statement: 'SELECT $1::int * 10 AS v' }]);

    await sql.query('SELECT $1::text AS other', ['x']);
    await preparedStatements(pool).query('SELECT $1::int * 10 AS v', [4]); // another wrapper of the pool: the same name
    const names = (await preparedOnTheConnection()).map((p) => p.name);
    expect(names).toHaveLength(2);
    expect(names).toContain(first.name);
  });

  test('when more distinct texts are asked than the bound, then those past it still run, unnamed, and nothing more is prepared', async () => {
    const sql = preparedStatements(pool);
    for (let i = 0; i < 200; i++) await sql.query(`SELECT ${i}::int AS n`);
    const past = await sql.query<{ n: number }>('SELECT 200::int AS n');
    expect(past.rows[0].n).toBe(200);
    const prepared = await preparedOnTheConnection();
    expect(prepared).toHaveLength(200);
    expect(prepared.some((p) => p.statement === 'SELECT 200::int AS n')).toBe(false);
  });
});
