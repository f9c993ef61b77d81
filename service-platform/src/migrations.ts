import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from './logger';

/**
 * Applies the committed Prisma migrations (`prisma/migrations/<name>/migration.sql`) that are not
 * applied yet, each in its own transaction, recorded in Prisma's own `_prisma_migrations` table with
 * Prisma's checksum (sha256 of the file), so `prisma migrate status` agrees wherever Prisma's native
 * engine exists. We apply them ourselves because that engine cannot be downloaded everywhere this
 * project must run. An advisory lock makes concurrent start-ups of several instances safe.
 */
export async function applyMigrations(databaseUrl: string, migrationsDir: string, logger: Logger): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('prisma_migrations'))");
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const names = existsSync(migrationsDir)
      ? readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
      : [];
    const done: string[] = [];
    for (const name of names) {
      const sql = readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      if (applied.has(name)) {
        if (applied.get(name) !== checksum) logger.warn({ migration: name }, 'applied migration was edited since; add a new migration instead');
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)',
          [randomUUID(), checksum, name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${name} failed: ${(err as Error).message}`);
      }
      logger.info({ migration: name }, 'migration applied');
      done.push(name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('prisma_migrations'))").catch(() => undefined);
    await client.end();
  }
}
