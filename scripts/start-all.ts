// `npm start`: the whole system on one machine with nothing installed but Node. One PostgreSQL
// (DATABASE_URL's server, or an embedded one under .data/postgres), a database per service, and
// the three services as child processes (built first: node runs dist/main.js), each applying its
// migrations and seeding demo data.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDatabase, type EmbeddedPostgres, startEmbeddedPostgres } from 'service-platform';
import { buildServices, serviceCommand } from './build-services';
import { startDevIdentity } from './dev-identity';
import { showReadable, wantsReadableLogs } from './readable-logs';

const ROOT = path.resolve(__dirname, '..');
const SERVICES = [
  { name: 'catalog', port: 3001 },
  { name: 'account', port: 3002 },
  { name: 'order', port: 3000 },
] as const;

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main(): Promise<void> {
  await buildServices(); // from the sources as they are now: an edit needs no separate build step
  let embedded: EmbeddedPostgres | undefined;
  let server = process.env.DATABASE_URL;
  if (!server) {
    embedded = await startEmbeddedPostgres(path.join(ROOT, '.data', 'postgres'));
    server = embedded.urlFor('postgres');
    console.log(`embedded PostgreSQL started (data in .data/postgres): ${server}`);
  }
  // `npm run start:auth`: customer authentication on, against a development identity provider.
  const identity = process.argv.includes('--auth') ? await startDevIdentity(path.join(ROOT, '.data')) : undefined;
  const children: ChildProcess[] = [];
  for (const svc of SERVICES) {
    const url = databaseUrl(server, svc.name);
    await ensureDatabase(url);
    const child = spawn(process.execPath, serviceCommand(svc.name), {
      cwd: path.join(ROOT, `${svc.name}-service`),
      stdio: wantsReadableLogs() ? ['inherit', 'pipe', 'pipe'] : 'inherit',
      env: {
        ...process.env,
        ...identity?.env,
        DATABASE_URL: url,
        PORT: process.env[`${svc.name.toUpperCase()}_PORT`] ?? String(svc.port),
        CATALOG_URL: process.env.CATALOG_URL ?? 'http://localhost:3001',
        ACCOUNT_URL: process.env.ACCOUNT_URL ?? 'http://localhost:3002',
      },
    });
    if (child.stdout && child.stderr) {
      showReadable(svc.name, child.stdout, process.stdout);
      showReadable(svc.name, child.stderr, process.stderr);
    }
    children.push(child);
  }
  console.log([
    '',
    'Order placement reference: starting three services',
    '  order    http://localhost:3000   Swagger UI: http://localhost:3000/docs   dashboard: http://localhost:3000/dashboard',
    '  catalog  http://localhost:3001   Swagger UI: http://localhost:3001/docs',
    '  account  http://localhost:3002   Swagger UI: http://localhost:3002/docs',
    ...(identity?.banner ?? ['  customer authentication off (npm run start:auth turns it on)']),
    'Ctrl+C stops them all.',
    '',
  ].join('\n'));

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((c) => new Promise((resolve) => {
      if (c.exitCode !== null) return resolve(null);
      c.once('close', resolve); // 'close': its last log lines have been read too
      c.kill('SIGTERM');
    })));
    await embedded?.stop();
    await identity?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
  for (const c of children) c.once('exit', (code) => void (stopping || (console.error(`a service exited (${code}); stopping`), stop(1))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
