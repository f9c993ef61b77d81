// Starts the three services as real child processes (their build, dist/main.js, run by node: one
// process each, so a signal reaches the server itself), each on a free port with its own database
// on the test PostgreSQL server. Used by the fault-injection system tests and the benchmark.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ensureDatabase, freePort } from 'service-platform';
import { serviceCommand, servicesBuilt } from '../scripts/build-services';
import { Issuer, makeKey } from './token-issuer';
import { answers200, until } from './polling';

const ROOT = path.resolve(__dirname, '..');
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));

export type ServiceName = 'catalog' | 'account' | 'order';

export class ServiceProcess {
  child?: ChildProcess;
  output = '';

  constructor(readonly name: ServiceName, readonly port: number, readonly env: Record<string, string>) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    await servicesBuilt();
    const child = spawn(process.execPath, serviceCommand(this.name), {
      cwd: path.join(ROOT, `${this.name}-service`),
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-200_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await this.waitReady(timeoutMs);
  }

  async waitReady(timeoutMs: number): Promise<void> {
    await until(`${this.name} to become ready`, async () => {
      if (this.child?.exitCode !== null) throw new Error(`${this.name} exited (${this.child?.exitCode})`);
      return answers200(`${this.url}/readyz`);
    }, { timeoutMs }).catch((err: Error) => {
      throw new Error(`${err.message}:\n${this.output.slice(-3000)}`);
    });
  }

  /** Sends a signal; for SIGKILL/SIGTERM waits until the process is gone. */
  async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    if (sig === 'SIGKILL' || sig === 'SIGTERM') await gone;
  }

  async stop(): Promise<void> {
    await this.signal('SIGCONT'); // a stopped process cannot handle SIGTERM
    await this.signal('SIGKILL');
  }
}

/** The credentials of a system under test: its own identity provider, and the two shared tokens. */
export interface SystemAuth {
  issuer: Issuer;
  adminToken: string;
  serviceToken: string;
  /** An access token for a customer of the given account (made once per account). */
  customerToken(accountId: string): Promise<string>;
}

export interface System {
  catalog: ServiceProcess;
  account: ServiceProcess;
  order: ServiceProcess;
  all: ServiceProcess[];
  auth: SystemAuth;
  stop(): Promise<void>;
}

/** A development identity provider on loopback, and fresh admin and service tokens. */
export async function systemAuth(): Promise<SystemAuth> {
  const issuer = await new Issuer([await makeKey('ES256')]).start();
  const tokens = new Map<string, Promise<string>>();
  return {
    issuer,
    adminToken: `admin-${randomBytes(12).toString('hex')}`,
    serviceToken: `service-${randomBytes(12).toString('hex')}`,
    customerToken: (accountId) => tokens.get(accountId) ?? tokens.set(accountId, issuer.token(accountId, { expiresIn: 6 * 3600 })).get(accountId)!,
  };
}

/** A database URL on the same server as `serverUrl`. */
function databaseOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The three services on free ports, migrated by themselves at start-up, without demo data, with
 * customer authentication on (an identity provider of the system's own) and admin and service tokens.
 * `env` adds settings for every service, `perService` for one.
 */
export async function startSystem(serverUrl: string, opts: { env?: Record<string, string>; perService?: Partial<Record<ServiceName, Record<string, string>>> } = {}): Promise<System> {
  const suffix = randomBytes(4).toString('hex');
  const auth = await systemAuth();
  const credentials = { ADMIN_TOKEN: auth.adminToken, SERVICE_TOKEN: auth.serviceToken, ...auth.issuer.env };
  const [orderPort, catalogPort, accountPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const make = async (name: ServiceName, port: number, extra: Record<string, string>) => {
    const databaseUrl = databaseOn(serverUrl, `sys_${name}_${suffix}`);
    await ensureDatabase(databaseUrl);
    return new ServiceProcess(name, port, {
      NODE_ENV: 'test', LOG_LEVEL: process.env.SYSTEM_LOG_LEVEL ?? 'warn', SEED_DEMO_DATA: 'false', DB_POOL_SIZE: '10',
      DATABASE_URL: databaseUrl, ...credentials, ...opts.env, ...extra, ...opts.perService?.[name],
    });
  };
  const catalog = await make('catalog', catalogPort, {});
  const account = await make('account', accountPort, {});
  const order = await make('order', orderPort, { CATALOG_URL: catalog.url, ACCOUNT_URL: account.url });
  await Promise.all([catalog.start(), account.start()]);
  await order.start();
  const all = [catalog, account, order];
  const stop = async () => {
    await Promise.all(all.map((s) => s.stop()));
    await auth.issuer.stop();
  };
  return { catalog, account, order, all, auth, stop };
}
