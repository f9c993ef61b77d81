// CPU per request of one service process, two builds side by side (both loaded at once each round): the
// Catalog service's own user+system CPU (from /proc) per answered request, for GET /items/{sku}
// (public) and PUT /reservations/{id} (service token, a fresh id each request).
// Usage: tsx bench/request-cpu.ts <A dist/main.js> <B dist/main.js> [rounds] [seconds] [requests/s, 0: as fast as it goes]
// An even rate (the default 300/s) loads both builds alike however busy the machine is.
// Each file is a build of catalog-service (scripts/build-services.ts) placed inside catalog-service/
// (e.g. catalog-service/dist-a/main.js), so that it finds the same node_modules and service folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { ensureDatabase, freePort } from 'service-platform';
import { NODE_FLAGS } from '../scripts/build-services';
import { answers200, until } from '../test-support/polling';
import { acquirePostgres, databaseUrl } from './postgres';

const CLOCK_TICKS_PER_S = 100;
const log = (line: string) => process.stdout.write(`${line}\n`);
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S; // utime + stime
};

interface Service { label: string; url: string; child: ChildProcess }

async function startService(label: string, main: string, databaseUrl: string, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  await ensureDatabase(databaseUrl);
  const child = spawn(process.execPath, [...NODE_FLAGS, path.resolve(main)], {
    cwd: path.resolve(__dirname, '..', 'catalog-service'),
    env: { ...process.env, ...env, NODE_ENV: 'test', LOG_LEVEL: 'error', SEED_DEMO_DATA: 'false', DB_POOL_SIZE: '20', DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await until(`${label} ready`, () => answers200(`${url}/readyz`), { timeoutMs: 60_000 });
  return { label, url, child };
}

const SKUS = Array.from({ length: 20 }, (_, i) => `BENCH-${i}`);
const sku = () => SKUS[Math.floor(Math.random() * SKUS.length)]!;

async function seed(service: Service, adminToken: string): Promise<void> {
  for (const s of SKUS) {
    const res = await fetch(`${service.url}/items/${s}`, {
      method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ name: s, priceCents: 100, currency: 'EUR', stock: 100_000_000 }),
    });
    if (!res.ok) throw new Error(`seed ${s}: ${res.status} ${await res.text()}`);
  }
}

type Workload = (url: string, serviceToken: string) => autocannon.Options;
const WORKLOADS: Record<string, Workload> = {
  'GET /items/{sku}': (url) => ({ url, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/items/${sku()}` }) }] }),
  'PUT /reservations/{id}': (url, token) => ({
    url,
    requests: [{
      method: 'PUT',
      setupRequest: (r) => ({
        ...r, path: `/reservations/${randomUUID()}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ lines: [{ sku: sku(), quantity: 1 }], ttlSeconds: 3600 }),
      }),
    }],
  }),
};

async function round(service: Service, options: autocannon.Options, seconds: number, rate: number): Promise<{ msPerRequest: number; perSecond: number; errors: number }> {
  const pid = service.child.pid!;
  const before = cpuMs(pid);
  const result = await autocannon({ ...options, connections: 16, duration: seconds, ...(rate > 0 ? { overallRate: rate } : {}) });
  const used = cpuMs(pid) - before;
  const answered = result.requests.total;
  return { msPerRequest: used / answered, perSecond: answered / seconds, errors: result.non2xx + result.errors };
}

async function main(): Promise<void> {
  const [mainA, mainB, rounds = '8', seconds = '4', rate = '300'] = process.argv.slice(2);
  if (!mainA || !mainB) throw new Error('usage: request-cpu.ts <A main.js> <B main.js> [rounds] [seconds]');
  const pg = await acquirePostgres();
  const env = { ADMIN_TOKEN: `admin-${randomUUID()}`, SERVICE_TOKEN: `service-${randomUUID()}` };
  const suffix = randomUUID().slice(0, 8);
  const services = [
    await startService('A', mainA, databaseUrl(pg.url, `cpu_a_${suffix}`), env),
    await startService('B', mainB, databaseUrl(pg.url, `cpu_b_${suffix}`), env),
  ];
  try {
    for (const s of services) await seed(s, env.ADMIN_TOKEN);
    for (const [name, workload] of Object.entries(WORKLOADS)) {
      for (const s of services) await round(s, workload(s.url, env.SERVICE_TOKEN), 2, Number(rate)); // warm-up
      const rows: Record<string, number[]> = { A: [], B: [] };
      // Both at once, at the same even rate: whatever else the machine does lands on both alike.
      for (let r = 0; r < Number(rounds); r++) {
        const measured = await Promise.all(services.map((s) => round(s, workload(s.url, env.SERVICE_TOKEN), Number(seconds), Number(rate))));
        measured.forEach((m, i) => {
          const s = services[i]!;
          if (m.errors) log(`  ${s.label}: ${m.errors} non-2xx/errors`);
          rows[s.label]!.push(m.msPerRequest);
          log(`${name} round ${r + 1} ${s.label}: ${(m.msPerRequest * 1000).toFixed(0)} µs CPU/request, ${m.perSecond.toFixed(0)}/s`);
        });
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const ratios = rows.A!.map((a, i) => a / rows.B![i]!);
      const sortedRatios = [...ratios].sort((a, b) => a - b);
      log(`${name}: median A ${(median(rows.A!) * 1000).toFixed(0)} µs, B ${(median(rows.B!) * 1000).toFixed(0)} µs, A/B median ${median(sortedRatios).toFixed(3)}, per round ${ratios.map((x) => x.toFixed(3)).join(' ')}`);
    }
  } finally {
    for (const s of services) s.child.kill('SIGKILL');
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
