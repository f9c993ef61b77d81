// The cost of the resilience layer, two ways, same run, same concurrency:
// - client layer: reserve → hold → confirm → capture through Order's own clients (typedClient +
//   Dependency: bulkhead, breaker, retries, deadline) vs the same calls over bare axios, both in
//   this process, against the same Catalog and Account; alternated to share any drift;
// - whole path: POST /orders on Order vs on the bare-bones endpoint of bench/bare-order.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AxiosInstance } from 'axios';
import { Registry } from 'prom-client';
import { Deadline, loadConfig } from 'service-platform';
import { accountClient } from '../order-service/src/clients/account-client';
import { catalogClient } from '../order-service/src/clients/catalog-client';
import { dependencyHttp } from '../order-service/src/clients/dependency-answers';
import { dependencyPolicy } from '../order-service/src/clients/http-dependencies';
import { Dependency, type DependencyPolicy } from '../order-service/src/clients/resilience/dependency';
import { orderConfigSchema } from '../order-service/src/config/order-config';
import { REQUEST } from '../order-service/src/domain/order';
import type { Result } from '../order-service/src/domain/ports';

/** Order's own defaults, read from its configuration schema, with the bench's bulkhead. */
const POLICY: DependencyPolicy = dependencyPolicy(loadConfig(orderConfigSchema, { BULKHEAD_MAX_CONCURRENT: '256' }));
const BUDGET_MS = 3_000;

export interface Pick {
  sku: () => string;
  account: () => string;
}

type Flow = (id: string, sku: string, accountId: string) => Promise<void>;

const why = (r: Exclude<Result<unknown>, { ok: true }>) => ('refused' in r ? `refused ${r.refused.code}` : `unavailable (${r.unavailable.reason})`);

function layered(catalogUrl: string, accountUrl: string, serviceToken: string) {
  const registry = new Registry();
  const dependencies = [new Dependency('catalog', POLICY, registry), new Dependency('account', POLICY, registry)];
  const catalog = catalogClient(dependencyHttp(catalogUrl, serviceToken, POLICY.maxConcurrent), dependencies[0]);
  const account = accountClient(dependencyHttp(accountUrl, serviceToken, POLICY.maxConcurrent), dependencies[1]);
  const flow: Flow = async (id, sku, accountId) => {
    const ctx = { deadline: Deadline.after(BUDGET_MS), writer: REQUEST };
    const reserved = await catalog.reserve(id, [{ sku, quantity: 1 }], 60, ctx);
    if (!reserved.ok) throw new Error(`reserve: ${why(reserved)}`);
    const amountCents = reserved.value.lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
    const held = await account.hold(id, { accountId, amountCents, currency: reserved.value.currency, ttlSeconds: 120 }, ctx);
    if (!held.ok) throw new Error(`hold: ${why(held)}`);
    if (!(await catalog.confirm(id, ctx)).ok) throw new Error('confirm refused');
    if (!(await account.capture(id, ctx)).ok) throw new Error('capture refused');
  };
  return { flow, shutdown: () => dependencies.forEach((d) => d.shutdown()) };
}

function bare(catalogUrl: string, accountUrl: string, serviceToken: string): Flow {
  const catalog: AxiosInstance = dependencyHttp(catalogUrl, serviceToken, POLICY.maxConcurrent);
  const account: AxiosInstance = dependencyHttp(accountUrl, serviceToken, POLICY.maxConcurrent);
  // The instances answer every status (typedClient judges them): a flow that was refused is a failure here too.
  const ok = <T>(res: { status: number; data: T }, step: string): T => {
    if (res.status >= 300) throw new Error(`${step}: ${res.status}`);
    return res.data;
  };
  return async (id, sku, accountId) => {
    const { totalCents, currency } = ok(await catalog.put<{ totalCents: number; currency: string }>(`/reservations/${id}`, { lines: [{ sku, quantity: 1 }], ttlSeconds: 60 }), 'reserve');
    ok(await account.put(`/holds/${id}`, { accountId, amountCents: totalCents, currency, ttlSeconds: 120 }), 'hold');
    ok(await catalog.post(`/reservations/${id}/confirm`), 'confirm');
    ok(await account.post(`/holds/${id}/capture`), 'capture');
  };
}

/** Runs `flow` in `concurrency` loops for `ms`; counts them, and the CPU this process spent (ms). */
async function drive(flow: Flow, pick: Pick, concurrency: number, ms: number): Promise<{ flows: number; failures: number; seconds: number; cpuMs: number }> {
  let flows = 0;
  let failures = 0;
  const cpu = process.cpuUsage();
  const started = Date.now();
  const until = started + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      try {
        await flow(randomUUID(), pick.sku(), pick.account());
        flows++;
      } catch {
        failures++;
      }
    }
  }));
  const used = process.cpuUsage(cpu);
  return { flows, failures, seconds: (Date.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

/** Alternates layered and bare rounds; flows per second of each, summed over its rounds. */
export async function clientLayerCost(catalogUrl: string, accountUrl: string, serviceToken: string, pick: Pick, concurrency: number, rounds: number, roundMs: number) {
  const withLayer = layered(catalogUrl, accountUrl, serviceToken);
  const without = bare(catalogUrl, accountUrl, serviceToken);
  const total = { layered: { flows: 0, failures: 0, seconds: 0, cpuMs: 0 }, bare: { flows: 0, failures: 0, seconds: 0, cpuMs: 0 } };
  try {
    await drive(without, pick, concurrency, 1_500); // warm both paths (sockets, JIT)
    await drive(withLayer.flow, pick, concurrency, 1_500);
    for (let i = 0; i < rounds; i++) {
      const pair = [['layered', withLayer.flow], ['bare', without]] as const;
      for (const [name, flow] of i % 2 === 0 ? pair : [...pair].reverse()) { // L B, B L, L B: drift shared
        const r = await drive(flow, pick, concurrency, roundMs);
        total[name].flows += r.flows;
        total[name].failures += r.failures;
        total[name].seconds += r.seconds;
        total[name].cpuMs += r.cpuMs;
      }
    }
  } finally {
    withLayer.shutdown();
  }
  const layeredPerS = total.layered.flows / total.layered.seconds;
  const barePerS = total.bare.flows / total.bare.seconds;
  return {
    concurrency, rounds, roundMs, layeredPerS, barePerS, ratio: layeredPerS / barePerS,
    failures: { layered: total.layered.failures, bare: total.bare.failures },
    /** CPU of the calling process per flow (4 calls): what the layer itself costs. */
    callerCpuPerFlowMs: { layered: total.layered.cpuMs / total.layered.flows, bare: total.bare.cpuMs / total.bare.flows },
  };
}

/** The bare endpoint as a child process; resolves once it answers. */
export async function startBareOrder(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'bare-order.ts')], {
    cwd: path.resolve(__dirname, '..'), env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill); // also when the benchmark dies
  child.once('exit', () => process.removeListener('exit', kill));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-5000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  };
  const url = `http://127.0.0.1:${env.PORT}`;
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`bare order endpoint exited:\n${stderr}`);
    if (await fetch(`${url}/livez`).then((r) => r.ok, () => false)) return { url, child, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`bare order endpoint did not start:\n${stderr}`);
}
