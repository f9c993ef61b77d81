// Real processes for the start-up tests: `npm start` (the launcher), a built service on its own, and
// what they print. Nothing here waits on a timer: a run ends when the process exits, a wait ends
// when the expected line is printed (or the process exits first); jest's timeout bounds both.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ensureDatabase } from 'service-platform';
import { testPostgresUrl } from '../../test-support/test-database';

export const ROOT = path.resolve(__dirname, '../..');

/** The environment without the test run's DATABASE_URL, so nothing reaches a database by accident. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...extra };
  for (const k of ['DATABASE_URL', 'PORT', 'ORDER_PORT', 'CATALOG_PORT', 'ACCOUNT_PORT', 'CATALOG_URL', 'ACCOUNT_URL', 'npm_config_loglevel']) if (!(k in extra)) delete env[k];
  return env;
}

/** A fresh data folder the embedded PostgreSQL (run as the postgres OS user) can use. */
export function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'start-test-'));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * node's arguments for `npm start`'s launcher as `npm start` runs it (built by scripts/build-launcher.js,
 * then plain node on dist/start-all.js), without npm and its shell around it: a test then signals the
 * launcher itself. `args` are the launcher's own (`--auth`).
 */
export function launcherCommand(...args: string[]): string[] {
  execFileSync(process.execPath, ['scripts/build-launcher.js'], { cwd: ROOT });
  return ['--enable-source-maps', 'dist/start-all.js', ...args];
}

export interface Running { child: ChildProcess; output: () => string; exited: Promise<number | null> }

export function start(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Running {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Runs to its end: the exit code and everything it printed. */
export async function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<{ code: number | null; output: string }> {
  const r = start(command, args, env, cwd);
  const code = await r.exited;
  return { code, output: r.output() };
}

/** Resolves when `pattern` has been printed; rejects with the output if the process exits first. */
export function printed(r: Running, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(r.output())) {
        r.child.stdout!.off('data', check);
        resolve(r.output());
      }
    };
    r.child.stdout!.on('data', check);
    check();
    void r.exited.then((code) => (pattern.test(r.output()) ? resolve(r.output()) : reject(new Error(`exited ${code} before ${pattern}:\n${r.output()}`))));
  });
}

/** A port held by this test process, as something else on the machine would hold it. */
export async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A new, empty database on the test server (no migrations). */
export async function emptyDatabase(prefix: string): Promise<string> {
  const url = new URL(testPostgresUrl());
  url.pathname = `/${prefix}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  return url.toString();
}

/** Whether any migration ever ran in `databaseUrl` (the runner's bookkeeping table exists). */
export async function migrationsRan(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
    return rows[0]!.t !== null;
  } finally {
    await client.end();
  }
}

/** What a raw stack or validator output looks like: none of it may reach the person. */
export const RAW = /\n\s+at |EADDRINUSE|Invalid input|expected (number|string)|received (NaN|undefined)|ZodError/;
