// What the PostgreSQL server can commit per second on this machine: pgbench's simple-update
// builtin (-N) on a scratch database, or, without pgbench, a Node loop of single-row UPDATEs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Pool } from 'pg';

const run = promisify(execFile);

export interface DbLimit {
  tool: 'pgbench' | 'node-fallback';
  command: string;
  clients: number;
  durationS: number;
  commitsPerS: number;
}

async function hasPgbench(): Promise<boolean> {
  if (process.env.BENCH_NO_PGBENCH) return false;
  return run('pgbench', ['--version']).then(() => true, () => false);
}

/** libpq settings from a postgres:// URL (pgbench takes them from the environment). */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password), PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
  };
}

async function pgbench(url: string, clients: number, durationS: number): Promise<DbLimit> {
  const env = libpqEnv(url);
  await run('pgbench', ['-i', '-s', '1', '-q'], { env });
  const args = ['-N', '-c', String(clients), '-j', '2', '-T', String(durationS)];
  const { stdout } = await run('pgbench', args, { env });
  const tps = /tps = ([\d.]+)/.exec(stdout);
  if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return { tool: 'pgbench', command: `pgbench ${args.join(' ')} (after pgbench -i -s 1)`, clients, durationS, commitsPerS: Number(tps[1]) };
}

async function nodeLoop(url: string, clients: number, durationS: number): Promise<DbLimit> {
  const rows = 100_000;
  const pool = new Pool({ connectionString: url, max: clients });
  try {
    await pool.query('DROP TABLE IF EXISTS bench_counter');
    await pool.query('CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)');
    await pool.query('INSERT INTO bench_counter (id) SELECT g FROM generate_series(1, $1) g', [rows]);
    let commits = 0;
    const started = Date.now();
    const until = started + durationS * 1000;
    await Promise.all(Array.from({ length: clients }, async () => {
      const client = await pool.connect();
      try {
        while (Date.now() < until) {
          // One autocommit statement: one transaction, one commit.
          await client.query('UPDATE bench_counter SET n = n + 1 WHERE id = $1', [1 + Math.floor(Math.random() * rows)]);
          commits++;
        }
      } finally {
        client.release();
      }
    }));
    const elapsedS = (Date.now() - started) / 1000;
    return { tool: 'node-fallback', command: `${clients} pg clients, single-row UPDATE per transaction`, clients, durationS, commitsPerS: commits / elapsedS };
  } finally {
    await pool.end();
  }
}

/** `url`: a scratch database (the tables it creates are dropped with it). */
export async function measureDbLimit(url: string, clients = 8, durationS = 5): Promise<DbLimit> {
  return (await hasPgbench()) ? pgbench(url, clients, durationS) : nodeLoop(url, clients, durationS);
}
