import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from 'service-platform';

export interface StoppablePostgres {
  /** A connection URL for a database on this server. */
  urlFor(database: string): string;
  /** Stops the server (fast shutdown: sessions are terminated with 57P01); resolves once it is down. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for good. */
  close(): Promise<void>;
}

/** Starts a PostgreSQL server of the calling test's own, for tests that stop and start it. */
export async function startStoppablePostgres(): Promise<StoppablePostgres> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'stoppable-postgres-process.js'), String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = (expected: string) => new Promise<void>((resolve, reject) => {
    waiting.push((line) => (line === expected ? resolve() : reject(new Error(`own postgres: ${line}, not ${expected}`))));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await next('ready');
  const command = (cmd: string, answer: string) => {
    const done = next(answer);
    child.stdin!.write(`${cmd}\n`);
    return done;
  };
  return {
    urlFor: (database) => `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => command('stop', 'stopped'),
    start: () => command('start', 'started'),
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}
