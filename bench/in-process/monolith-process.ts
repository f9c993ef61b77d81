// The in-process system as its own child process (so that its CPU is measured as the services'
// is), built and run as the services are (scripts/build-services.ts): compiled JavaScript, the same
// node flags, with three times a service's old space (it holds the three services' work).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from 'service-platform';
import { bundle, NODE_FLAGS } from '../../scripts/build-services';

export interface Monolith {
  /** Order's API (POST /orders). */
  url: string;
  /** Catalog's and Account's APIs: for setting up the shop and checking the invariants only. */
  catalogUrl: string;
  accountUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const BUILT = path.join(__dirname, 'dist', 'monolith.js');
const FLAGS = NODE_FLAGS.map((f) => (f.startsWith('--max-old-space-size=') ? `--max-old-space-size=${3 * Number(f.split('=')[1])}` : f));

/** `env`: Order's settings and the three database URLs (DATABASE_URL, CATALOG_DATABASE_URL, ACCOUNT_DATABASE_URL). */
export async function startMonolith(env: Record<string, string>, timeoutMs = 60_000): Promise<Monolith> {
  const [port, catalogPort, accountPort] = await Promise.all([freePort(), freePort(), freePort()]);
  await bundle(path.join(__dirname, 'monolith.ts'), BUILT, true);
  const child = spawn(process.execPath, [...FLAGS, BUILT], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, ...env, PORT: String(port), CATALOG_PORT: String(catalogPort), ACCOUNT_PORT: String(accountPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill); // also when the benchmark dies
  child.once('exit', () => process.removeListener('exit', kill));
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-5000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  };
  const at = (p: number) => `http://127.0.0.1:${p}`;
  const monolith = { url: at(port), catalogUrl: at(catalogPort), accountUrl: at(accountPort), child, stop };
  const ready = (url: string) => fetch(`${url}/readyz`, { signal: AbortSignal.timeout(500) }).then((r) => r.status === 200, () => false);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the in-process system exited (${child.exitCode}):\n${output}`);
    if ((await Promise.all([monolith.url, monolith.catalogUrl, monolith.accountUrl].map(ready))).every(Boolean)) return monolith;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`the in-process system did not become ready:\n${output}`);
}
