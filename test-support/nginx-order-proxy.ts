// The shipped order-proxy, run for real: Debian's nginx (apt package `nginx`, installed by .ci/run)
// with the committed deploy/order-proxy/nginx.conf in front of a test's Order. docker-compose.yml
// mounts that file as the nginx image's conf.d/default.conf, a server block inside the image's own
// `http {}`; here a main file of the same shape includes it, with only what cannot be the same on a
// test machine substituted (the listen address, the upstream), each exactly once or not at all.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from 'service-platform';
import { answers200, until } from './polling';

const ROOT = path.resolve(__dirname, '..');
/** The file docker-compose.yml mounts into the order-proxy container. */
export const ORDER_PROXY_CONFIG = 'deploy/order-proxy/nginx.conf';
export const NGINX = '/usr/sbin/nginx';

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));

/**
 * The committed server block with its listen port and its upstream replaced. The upstream must be an
 * IP address, so the block's `resolver` (Docker's DNS) is never asked. Throws when the committed file
 * no longer has exactly one of each line: the test must not run a config it did not mean to.
 */
export function serverBlockFor(committed: string, listen: { port: number }, upstream: string): string {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(upstream)) throw new Error(`upstream must be http://127.0.0.1:<port>, got ${upstream}`);
  const substitutions: Array<[RegExp, string]> = [
    [/^(\s*listen\s+)3000;$/m, `$1127.0.0.1:${listen.port};`],
    [/^(\s*set\s+\$order_upstream\s+)http:\/\/order:3000;$/m, `$1${upstream};`],
  ];
  return substitutions.reduce((text, [pattern, replacement]) => {
    const found = text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
    if (found !== 1) throw new Error(`${ORDER_PROXY_CONFIG}: expected one line matching ${pattern}, found ${found}; update test-support/nginx-order-proxy.ts`);
    return text.replace(pattern, replacement);
  }, committed);
}

/**
 * The nginx image's main nginx.conf, less what needs root or fixed paths: pid, logs and temp files
 * in `dir`. One process (`master_process off`), so that stopping it stops all of it; request
 * handling is the same code either way.
 */
function mainConfig(dir: string): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}-temp;`).join('\n');
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log stderr notice;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  sendfile on;
  keepalive_timeout 65;
${temp}
  include ${dir}/default.conf;
}
`;
}

export interface OrderProxy {
  url: string;
  /** The server block nginx runs (the committed one, substituted). */
  serverBlock: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts nginx with the committed config in front of `upstream`; resolves once /livez answers 200 through it. */
export async function startOrderProxy(upstream: string, timeoutMs = 30_000): Promise<OrderProxy> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install -y nginx (.ci/run does)`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'order-proxy-'));
  const serverBlock = serverBlockFor(readFileSync(path.join(ROOT, ORDER_PROXY_CONFIG), 'utf8'), { port }, upstream);
  writeFileSync(path.join(dir, 'default.conf'), serverBlock);
  writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir));
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-50_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const gone = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(child);
    resolve();
  }));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await gone;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(`nginx to answer /livez through ${url}`, () => {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}) before it answered /livez through ${url}`);
      return answers200(`${url}/livez`);
    }, { timeoutMs });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}:\n${output.slice(-3000)}`);
  }
  return { url, serverBlock, output: () => output, stop };
}
