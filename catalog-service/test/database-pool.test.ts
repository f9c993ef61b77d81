// One pool per service: Prisma's adapter is given the pool the plain statements use (no second pool
// with bounds of its own), and closing the database ends that pool once however often it is asked
// (SIGTERM's shutdown and a test's close may both ask). Account and Order build theirs the same way.
import { createTestDatabase } from '../../test-support/test-database';
import { createCatalogDb } from '../src/data/catalog-db';
import { MIGRATIONS } from './catalog-harness';

describe('Catalog\'s database connections', () => {
  test('when Prisma and the plain statements both run on a pool of one, then they share that one connection, and closing twice ends the pool once', async () => {
    const db = createCatalogDb(await createTestDatabase('pool', MIGRATIONS), 1);
    const { pool } = db;
    expect(await db.prisma.item.count()).toBe(0); // Prisma's query opens a connection (and keeps it idle)
    const { rows } = await db.sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`);
    expect(Number(rows[0].n)).toBe(1); // a pool of Prisma's own would hold a second backend here
    expect(pool.totalCount).toBe(1);

    await Promise.all([db.$disconnect(), db.$disconnect()]); // a second pool.end() would reject
    expect(pool.ended).toBe(true);
  });
});
