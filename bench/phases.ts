// The measurements, each bounded in time, against the running system (loopback only).
import os from 'node:os';
import { freePort } from 'service-platform';
import { json, type Shop, Workload } from '../test-support/order-workload';
import type { System } from '../test-support/system-harness';
import { cpuPerOrder, cpuSnapshot, quietMachine, systemIdle } from './cpu';
import { measureDbLimit } from './db-limit';
import { type LoadOptions, type LoadResult, orderLoad, type OrderToSend, pacedOrderLoad } from './load';
import { counters, scratchDatabase } from './postgres';
import type { BenchResults } from './report';
import { clientLayerCost, startBareOrder } from './resilience-cost';
import { explainSlowRequests, readServiceEvents } from './slow-requests';
import * as sat from './saturation';

export const BUDGET_MS = 3_000;
export const CONNECTIONS = sat.SATURATION.connections;
/** service-events.mjs writes what it saw every 250 ms. */
const EVENTS_FLUSH_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Context {
  system: System;
  serverUrl: string;
  /** Orders through Order use this shop (its invariants are checked); the bare flows use `side`. */
  shop: Shop;
  side: Shop;
  /** Every Idempotency-Key sent to Order by autocannon. */
  keys: string[];
  workload: Workload;
  /** A customer token per account of `shop` (minted before the load, so that sending one costs nothing). */
  tokens: Map<string, string>;
  /** Each service's events file (service-events.mjs), when the services were started with it. */
  eventsFiles?: Record<string, string>;
  /** Scratch databases and child processes to clean up. */
  scratch: string[];
  cleanups: Array<() => Promise<void>>;
  log(line: string): void;
}

const pickFrom = <T>(xs: T[]) => () => xs[Math.floor(Math.random() * xs.length)];
export const bodyFor = (shop: Shop, tokens?: Map<string, string>) => {
  const item = pickFrom(shop.items);
  const account = pickFrom(shop.accounts);
  return (): OrderToSend => {
    const accountId = account().id;
    return { json: JSON.stringify({ accountId, lines: [{ sku: item().sku, quantity: 1 }] }), token: tokens?.get(accountId) };
  };
};

async function until(what: string, timeoutMs: number, condition: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition().catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const pids = (ctx: Context) => Object.fromEntries(ctx.system.all.map((s) => [s.name, s.child?.pid]));

/** A load, with the CPU each process spent per answer (`count`: which answers). */
async function measured<R extends LoadResult>(ctx: Context, run: () => Promise<R>, count: (r: R) => number) {
  const before = cpuSnapshot(pids(ctx));
  const result = await run();
  return { ...result, cpu: cpuPerOrder(before, cpuSnapshot(pids(ctx)), count(result)) };
}

const orders = (ctx: Context, o: Partial<LoadOptions> & { durationS: number }) =>
  orderLoad({ url: ctx.system.order.url, connections: CONNECTIONS, body: bodyFor(ctx.shop, ctx.tokens), keys: ctx.keys, ...o });

/** The benchmark's system as a target of the saturation measure (saturation.ts). */
export const distributedTarget = (ctx: Context): sat.SaturationTarget =>
  ({ url: ctx.system.order.url, pids: pids(ctx), body: bodyFor(ctx.shop, ctx.tokens), keys: ctx.keys });

/** The saturation phase alone: two rounds of the one saturation measure; `ordersBefore`: what the system had answered before it. */
export async function saturation(ctx: Context): Promise<BenchResults['saturation']> {
  const ordersBefore = ctx.keys.length + ctx.workload.attempts.length;
  return { ...(await sat.saturation(distributedTarget(ctx), sat.SATURATION, 2)), ordersBefore };
}

/**
 * `rate` orders/s for 6 s, one every 1000/rate ms, each timed from when it was due; with the services'
 * events (service-events.mjs), what the slowest 1 % overlapped.
 */
export async function halfLoad(ctx: Context, rate: number): Promise<BenchResults['halfLoad']> {
  // Not on the tail of what came before: a saturation phase's generator stops with 32 requests still
  // being worked on, and paced requests sent into them queue behind them (a stall of ~100 ms, then
  // one due every 1000/rate ms draining it, was the slowest 1 % of one run).
  await systemIdle(ctx.system);
  const from = Date.now();
  const paced = () => pacedOrderLoad({ url: ctx.system.order.url, rate, durationS: 6, body: bodyFor(ctx.shop, ctx.tokens), keys: ctx.keys });
  const { requests, ...measuredLoad } = await measured(ctx, paced, (r) => r.ok);
  const result = { ...measuredLoad, rate, latenciesMs: requests.map((r) => Math.round(r.latencyMs * 10) / 10) };
  if (!ctx.eventsFiles) return result;
  await sleep(EVENTS_FLUSH_MS);
  return { ...result, slowRequests: explainSlowRequests(requests, readServiceEvents(ctx.eventsFiles, from, Date.now())) };
}

export const warmUp = (ctx: Context) => sat.warmUp(distributedTarget(ctx), sat.SATURATION);

/** a. One order at a time (the floor), saturation, then half of that rate (evenly paced, and autocannon's way). */
export async function throughput(ctx: Context): Promise<Pick<BenchResults, 'warmUp' | 'oneAtATime' | 'saturation' | 'halfLoad' | 'halfLoadAutocannon'>> {
  ctx.log(`warm-up (until ${sat.SATURATION.warmUpOrders} orders, at most ${sat.SATURATION.warmUpMaxS} s)`);
  const warm = await warmUp(ctx);
  ctx.log(`warm: ${warm.orders} orders in ${warm.durationS.toFixed(0)} s, CPU per order ${warm.windows.map((w) => w.cpuPerOrderMs.toFixed(1)).join(' → ')} ms`);
  ctx.log('one order at a time (3 s, 1 connection)');
  const oneAtATime = await orders(ctx, { durationS: 3, connections: 1 });
  const busy = await quietMachine(25, 20_000);
  ctx.log(`saturation (2 × ${sat.SATURATION.roundS} s, ${CONNECTIONS} connections; machine ${busy?.toFixed(0) ?? '?'} % busy just before)`);
  const saturated = await saturation(ctx);
  const rate = Math.max(1, Math.round(saturated.okPerS / 2));
  ctx.log(`half load, evenly paced (6 s, ${rate}/s)`);
  const half = await halfLoad(ctx, rate);
  ctx.log(`half load, autocannon overallRate (6 s, ${rate}/s, ${CONNECTIONS} connections)`);
  const halfLoadAutocannon = { ...(await orders(ctx, { durationS: 6, rate })), rate, connections: CONNECTIONS };
  return { warmUp: warm, oneAtATime, saturation: saturated, halfLoad: half, halfLoadAutocannon };
}

/** e. What the server commits per second, and how many commits one order needs. */
export async function database(ctx: Context, saturationPerS: number): Promise<BenchResults['database']> {
  const dbs = ctx.system.all.map((s) => new URL(s.env.DATABASE_URL).pathname.slice(1));
  const quietSince = Date.now();
  const name = `bench_pgbench_${process.pid}`;
  ctx.scratch.push(name);
  ctx.log('database limit (pgbench -N -c 8 -j 2 -T 5, or the Node fallback)');
  const limit = await measureDbLimit(await scratchDatabase(ctx.serverUrl, name), 8, 5);
  // Backends flush xact_commit when idle, but may keep it up to 10 s: start and end after such a pause.
  await sleep(Math.max(0, quietSince + 10_500 - Date.now()));
  const n = 300;
  ctx.log(`commits per order (${n} orders, then 10 s for the statistics to be flushed)`);
  const before = await counters(ctx.serverUrl, dbs);
  const placed = new Workload(ctx.system.order.url, ctx.shop, ctx.system.auth);
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (placed.attempts.length < n) await placed.place();
  }));
  ctx.workload.attempts.push(...placed.attempts);
  const created = placed.attempts.filter((a) => a.status === 201).length;
  const afterXid = await counters(ctx.serverUrl, dbs);
  await sleep(10_500);
  const after = await counters(ctx.serverUrl, dbs);
  await sleep(4_000);
  const later = await counters(ctx.serverUrl, dbs);
  const backgroundCommitsPerS = ((later.commits - after.commits) * 1000) / (later.at - after.at);
  const commitsPerOrder = (after.commits - before.commits - (backgroundCommitsPerS * (after.at - before.at)) / 1000) / created;
  const ceilingOrdersPerS = limit.commitsPerS / commitsPerOrder;
  return {
    limit, orders: created, commitsPerOrder, writeTransactionsPerOrder: (afterXid.nextXid - before.nextXid) / created,
    backgroundCommitsPerS, ceilingOrdersPerS, saturationShareOfCeiling: saturationPerS / ceilingOrdersPerS,
  };
}

/** d. Order's resilience layer vs bare calls (client layer), and Order vs a bare endpoint (whole path). */
export async function resilience(ctx: Context): Promise<BenchResults['resilience']> {
  const { catalog, account } = ctx.system;
  ctx.log('resilience layer: Order\'s clients vs bare axios (3 × 2.5 s rounds each, alternated)');
  const pick = { sku: () => pickFrom(ctx.side.items)().sku, account: () => pickFrom(ctx.side.accounts)().id };
  const clientLayer = await clientLayerCost(catalog.url, account.url, ctx.system.auth.serviceToken, pick, CONNECTIONS, 3, 2_500);
  const name = `bench_bare_${process.pid}`;
  ctx.scratch.push(name);
  const bare = await startBareOrder({
    PORT: String(await freePort()), CATALOG_URL: catalog.url, ACCOUNT_URL: account.url, DB_POOL_SIZE: '20', SERVICE_TOKEN: ctx.system.auth.serviceToken,
    DATABASE_URL: await scratchDatabase(ctx.serverUrl, name),
  });
  ctx.cleanups.push(bare.stop);
  const runs = { order: [] as sat.SaturationRound[], bare: [] as sat.SaturationRound[] };
  const bareTarget: sat.SaturationTarget = { url: bare.url, pids: { bare: bare.child.pid, catalog: catalog.child?.pid, account: account.child?.pid }, body: bodyFor(ctx.side) };
  let ordersBefore = 0;
  try {
    ctx.log(`whole path: Order POST /orders vs the bare endpoint (warm-up of the bare one, then 2 × ${sat.SATURATION.roundS} s each, alternated)`);
    await sat.warmUp(bareTarget, sat.SATURATION);
    ordersBefore = ctx.keys.length + ctx.workload.attempts.length;
    for (let i = 0; i < 2; i++) {
      runs.order.push(await sat.saturationRound(distributedTarget(ctx), sat.SATURATION));
      runs.bare.push(await sat.saturationRound(bareTarget, sat.SATURATION));
    }
  } finally {
    await bare.stop();
  }
  const order = sat.combineRounds(runs.order, CONNECTIONS);
  const bareSat = sat.combineRounds(runs.bare, CONNECTIONS);
  return {
    clientLayer,
    wholePath: {
      connections: CONNECTIONS, orderPerS: order.okPerS, barePerS: bareSat.okPerS, ratio: order.okPerS / bareSat.okPerS,
      orderP99: order.p99, bareP99: bareSat.p99, order: { ...order, ordersBefore },
    },
  };
}

const orderSucceeds = (ctx: Context) => async () => (await ctx.workload.place()).status === 201;

/** c. Account stalled under moderate (open-loop) load: no request may outlive the budget. */
export async function accountStalled(ctx: Context, saturationPerS: number): Promise<BenchResults['accountStalled']> {
  const rate = Math.max(10, Math.round(saturationPerS / 4));
  ctx.log(`Account stalled (SIGSTOP) for 5 s under ${rate} orders/s, evenly paced`);
  // Open loop: requests keep arriving while earlier ones hang (autocannon's rate limit would not send them).
  const load = pacedOrderLoad({ url: ctx.system.order.url, rate, durationS: 6, body: bodyFor(ctx.shop, ctx.tokens), keys: ctx.keys, budgetMs: BUDGET_MS });
  try {
    await sleep(1_000);
    await ctx.system.account.signal('SIGSTOP');
    await sleep(5_000);
  } finally {
    await ctx.system.account.signal('SIGCONT');
  }
  const { requests: _r, ...result } = await load;
  await until('an order to succeed after SIGCONT', 20_000, orderSucceeds(ctx));
  return { ...result, rate, budgetMs: BUDGET_MS };
}

/** b. Catalog killed: once its breaker is open, how fast and how many 503s. */
export async function catalogDown(ctx: Context): Promise<BenchResults['catalogDown']> {
  const { order, catalog } = ctx.system;
  ctx.log('Catalog killed (SIGKILL): waiting for its breaker to open');
  await catalog.signal('SIGKILL');
  const breakerOpenAfterMs = await until('the catalog breaker to open', 15_000, async () => {
    const deps = (await json(`${order.url}/dependencies`)) as { items: Array<{ name: string; state: string }> };
    if (deps.items.find((d) => d.name === 'catalog')?.state === 'open') return true;
    await ctx.workload.place();
    return false;
  });
  ctx.log(`breaker open after ${breakerOpenAfterMs} ms; load for 4 s`);
  const result = await measured(ctx, () => orders(ctx, { durationS: 4, checkRetryAfter: true }), (r) => r.answers);
  await catalog.start();
  const ordersSucceedAgainAfterMs = await until('an order to succeed after the restart', 20_000, orderSucceeds(ctx));
  return { ...result, connections: CONNECTIONS, breakerOpenAfterMs, ordersSucceedAgainAfterMs };
}

export function machine(postgres: string) {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(), os: `${os.type()} ${os.release()} ${os.arch()}`, cpuModel: cpus[0]?.model ?? 'unknown', cpuCount: cpus.length,
    totalMemoryGb: os.totalmem() / 2 ** 30, node: process.version, postgres,
  };
}
