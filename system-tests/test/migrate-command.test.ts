// Each service's entry point with the argument `migrate` (what deploy/k8s's migration Jobs run in
// the image): it applies the committed migrations to an empty database with the project's own
// runner and exits 0, needing nothing but DATABASE_URL (no tokens, no identity provider); run
// again it applies nothing and still exits 0. Real processes, on the test PostgreSQL server.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ensureDatabase } from 'service-platform';
import { serviceCommand, servicesBuilt } from '../../scripts/build-services';
import { testPostgresUrl } from '../../test-support/test-database';

const ROOT = path.resolve(__dirname, '../..');
const SERVICES = ['catalog', 'account', 'order'] as const;
type Service = (typeof SERVICES)[number];

jest.setTimeout(120_000);

/** Runs `<service> migrate` with only `env` (and PATH); resolves with its exit code and output. */
async function migrate(service: Service, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  await servicesBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, serviceCommand(service, 'migrate'), {
      cwd: path.join(ROOT, `${service}-service`),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // A process that serves instead of migrating would never exit: the test's own timeout ends it.
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

async function emptyDatabase(service: string): Promise<string> {
  const url = new URL(testPostgresUrl());
  url.pathname = `/migrate_${service}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  return url.toString();
}

async function appliedMigrations(databaseUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    return rows.map((r) => r.migration_name);
  } finally {
    await client.end();
  }
}

describe('`<service> migrate`, the migration Job\'s command', () => {
  test.each(SERVICES)('when %s migrate runs on an empty database, then every committed migration is applied and it exits 0, twice', async (service) => {
    const databaseUrl = await emptyDatabase(service);
    const committed = readdirSync(path.join(ROOT, `${service}-service/prisma/migrations`), { withFileTypes: true })
      .filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(committed.length).toBeGreaterThan(0);

    const first = await migrate(service, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
    expect({ code: first.code, output: first.code === 0 ? '' : first.output }).toEqual({ code: 0, output: '' });
    expect(await appliedMigrations(databaseUrl)).toEqual(committed);

    const again = await migrate(service, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
    expect(again.code).toBe(0);
    expect(again.output).toContain('0 migration(s) applied');
    expect(await appliedMigrations(databaseUrl)).toEqual(committed);
  });

  test('when DATABASE_URL is missing, then it exits 78 (configuration) instead of falling back to an embedded database', async () => {
    const run = await migrate('catalog', {});
    expect(run.code).toBe(78);
    expect(run.output).toContain('DATABASE_URL');
  });

  test('when the database cannot be reached, then it exits 1', async () => {
    const run = await migrate('catalog', { DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none', LOG_LEVEL: 'error' });
    expect(run.code).toBe(1);
  });
});
