import { randomBytes } from 'node:crypto';
import { applyMigrations, createLogger, ensureDatabase } from 'service-platform';

/** The PostgreSQL server the tests use (started by global-setup when no DATABASE_URL is given). */
export function testPostgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_POSTGRES_URL is not set: run the tests with `npm test` (jest globalSetup)');
  return url;
}

/** A new, empty database with the service's migrations applied: each test file gets its own. */
export async function createTestDatabase(prefix: string, migrationsDir: string): Promise<string> {
  const url = new URL(testPostgresUrl());
  url.pathname = `/${prefix}_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(url.toString());
  await applyMigrations(url.toString(), migrationsDir, createLogger('test-migrations', 'silent'));
  return url.toString();
}
